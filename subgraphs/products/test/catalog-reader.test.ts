import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { startTestSubgraph, type TestSubgraph } from '@commerce/kit/testing';
import { createMetrics } from '@commerce/kit/metrics';
import { openDatabase } from '@commerce/kit/prisma';
import { loadProductsConfig } from '../src/config.js';
import { createProductsService } from '../src/service.js';
import { openDb, type Db } from '../src/db.js';
import { ProductService, type ProductListArgs } from '../src/domain/product-service.js';
import type { ProductOrder } from '../src/domain/orderings.js';
import { readCatalogPage } from '../src/catalog-reader.js';

const run = inject('run');
const admin = { id: '00000000-0000-4000-8000-00000000000a', scope: 'customer admin' };
let products: TestSubgraph;
let db: Db;
let service: ProductService;

beforeAll(async () => {
  products = await startTestSubgraph(run, 'products', 'catalog_reader', loadProductsConfig, createProductsService);
  const { DATABASE_URL } = products.env;
  db = openDatabase(openDb, { DATABASE_URL: DATABASE_URL!, DATABASE_POOL_SIZE: 2, EVENTS_POOL_SIZE: 1 }, createMetrics('catalog-reader-test'), 'graphql', 'products');
  // The list never writes events.
  service = new ProductService(db, null as never, 'EUR');
  const ids: string[] = [];
  for (const [i, price] of ['300', '100', '300', '200', '100', '900', '300'].entries()) {
    const result = await products.request<{ createProduct: { id: string } }>(
      'mutation($i: CreateProductInput!) { createProduct(input: $i) { id } }',
      { i: { sku: `CAT-${i}`, name: `Catalog ${i}`, description: 'd', price: { amountCents: price }, stock: i } },
      admin,
    );
    ids.push(result.data!.createProduct.id);
  }
  // Ties in every sort key (same instant, same price, same rating, unrated ones) and a hidden product.
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    await client.query(`UPDATE products SET created_at = '2026-01-01T00:00:00.123Z' WHERE sku IN ('CAT-1', 'CAT-2', 'CAT-3')`);
    await client.query(`UPDATE products SET average_rating = 4.5, review_count = 2, rating_sum = 9 WHERE sku IN ('CAT-0', 'CAT-4')`);
    await client.query(`UPDATE products SET average_rating = 3, review_count = 1, rating_sum = 3 WHERE sku = 'CAT-5'`);
    await client.query(`UPDATE products SET active = false WHERE sku = 'CAT-6'`);
  } finally {
    await client.end();
  }
});
afterAll(async () => {
  await db?.$disconnect();
  await products?.close();
});

/** What a page answers: rows, cursors and page info, as JSON (bigints as text). */
const shape = (page: unknown) =>
  JSON.stringify(
    page,
    (_key, value: unknown) => (typeof value === 'bigint' ? `${value}n` : value),
  );
const asJson = (connection: { edges: { cursor: string; node: unknown }[]; pageInfo: object } | null) =>
  connection && shape({ edges: connection.edges.map((edge) => ({ cursor: edge.cursor, node: edge.node })), pageInfo: { ...connection.pageInfo } });

describe('the catalog reader', () => {
  it('reads the pages Prisma reads, in every ordering, cursor after cursor', async () => {
    for (const orderBy of [null, 'NEWEST', 'PRICE_ASC', 'PRICE_DESC', 'TOP_RATED'] as (ProductOrder | null)[]) {
      for (const first of [0, 1, 2, 3, 10]) {
        let after: string | null = null;
        for (let pages = 0; pages < 10; pages += 1) {
          const args: ProductListArgs = { first, after, orderBy };
          const expected = await service.list(args);
          const page = await readCatalogPage(db, args);
          // Only the first page of an ordering, and every page newest first, are the reader's.
          if (after && (orderBy ?? 'NEWEST') !== 'NEWEST') expect(page).toBeNull();
          else expect({ orderBy, first, after, page: asJson(page) }).toEqual({ orderBy, first, after, page: asJson(expected) });
          if (!expected.pageInfo.hasNextPage || first === 0) break;
          after = expected.pageInfo.endCursor;
        }
      }
    }
  });

  it('leaves a filtered list to the service', async () => {
    expect(await readCatalogPage(db, { first: 5, filter: { inStock: true } })).toBeNull();
  });

  it('refuses what the service refuses, with the same error', async () => {
    for (const args of [{ first: 101 }, { first: -1 }, { first: 5, after: 'garbage' }, { first: 5, after: Buffer.from('["PRICE_ASC","100","00000000-0000-4000-8000-000000000000"]').toString('base64url') }]) {
      const expected = await service.list(args).then(() => null, (error: Error) => error);
      const actual = await readCatalogPage(db, args).then(() => null, (error: Error) => error);
      expect(expected).not.toBeNull();
      expect({ message: actual?.message, extensions: (actual as { extensions?: unknown } | null)?.extensions }).toEqual({
        message: expected?.message,
        extensions: (expected as { extensions?: unknown } | null)?.extensions,
      });
    }
  });
});
