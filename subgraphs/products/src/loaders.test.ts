import { describe, expect, it } from 'vitest';
import { selectedFields } from '@commerce/kit/prisma';
import { PRODUCT_FIELDS } from './db.js';
import { PRODUCT_COLUMNS } from './loaders.js';

describe('the Product entity loaders', () => {
  it('read every column of products, as the Prisma field names', () => {
    expect(selectedFields(PRODUCT_COLUMNS)).toEqual([...PRODUCT_FIELDS].sort());
  });
});
