import { describe, expect, it } from 'vitest';
import { selectedFields } from '@commerce/kit/prisma';
import { CATALOG_PRODUCT_FIELDS, ORDER_FIELDS, ORDER_ITEM_FIELDS } from './db.js';
import { CATALOG_PRODUCT_COLUMNS } from './domain/catalog.js';
import { ORDER_COLUMNS, ORDER_ITEM_COLUMNS } from './loaders.js';

describe('the Order entity and item loaders', () => {
  it('read every column of orders and order_items, as the Prisma field names', () => {
    expect(selectedFields(ORDER_COLUMNS)).toEqual([...ORDER_FIELDS].sort());
    expect(selectedFields(ORDER_ITEM_COLUMNS)).toEqual([...ORDER_ITEM_FIELDS].sort());
  });
});

describe('the catalog replica read by placeOrder', () => {
  it('reads every column of catalog_products, as the Prisma field names', () => {
    expect(selectedFields(CATALOG_PRODUCT_COLUMNS)).toEqual([...CATALOG_PRODUCT_FIELDS].sort());
  });
});
