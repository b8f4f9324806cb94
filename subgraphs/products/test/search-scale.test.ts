import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eventWriter } from '@commerce/kit/events/outbox';
import { prismaClientOptions } from '@commerce/kit/prisma';
import { cloneTemplate } from '@commerce/kit/testing';
import { openDb, type Db } from '../src/db.js';
import { ProductService } from '../src/domain/product-service.js';

/**
 * `filter.search` at catalog scale: 100,000 generated products in a scratch database of their own
 * (cloned from the migrated template, so the trigram indexes are the migration's), searched through
 * the service's own query. The plan must use a trigram index; the latency is printed, not asserted.
 */
const run = inject('run');
const SIZE = 100_000;
let url: string;
let db: Db;
let catalog: ProductService;
const statements: { query: string; params: string }[] = [];

beforeAll(async () => {
  url = await cloneTemplate(run, 'products', 'search_scale');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const started = performance.now();
    await client.query(
      `INSERT INTO products (id, sku, name, description, price_cents, currency, stock, updated_at)
       SELECT gen_random_uuid(), 'GEN-' || i, 'Product ' || i || ' ' || substr(md5(i::text), 1, 8),
              'Generated ' || md5((i * 7)::text) || ' for the search benchmark', 100 + i, 'USD', i % 20, now()
       FROM generate_series(1, $1::int) AS i`,
      [SIZE],
    );
    await client.query(
      `INSERT INTO products (id, sku, name, description, price_cents, currency, stock, updated_at) VALUES
         (gen_random_uuid(), 'RARE-1', 'Zanzibar Teapot', 'Cast iron, 50% larger than most', 4200, 'USD', 3, now()),
         (gen_random_uuid(), 'RARE-2', 'zanzibar_tea cosy', 'Knitted', 1500, 'USD', 3, now())`,
    );
    await client.query('ANALYZE products');
    console.log(`[search] generated ${SIZE} products in ${Math.round(performance.now() - started)} ms`);
  } finally {
    await client.end();
  }
  db = openDb(prismaClientOptions(url, 2));
  // The generated client types `$on` by the log option of its constructor call; openDb's is generic.
  (db as unknown as { $on(event: 'query', listener: (e: { query: string; params: string }) => void): void }).$on('query', (event) =>
    statements.push({ query: event.query, params: event.params }),
  );
  catalog = new ProductService(db, eventWriter(db, 'search-scale.', () => {}), 'USD');
}, 180_000);

afterAll(() => db?.$disconnect());

/** Runs a search through the service, returning the names found and the SQL it sent for the products. */
async function search(text: string) {
  statements.length = 0;
  const started = performance.now();
  const page = await catalog.list({ first: 20, filter: { search: text } });
  const ms = performance.now() - started;
  const statement = statements.find((s) => /FROM "public"\."products"/.test(s.query));
  return { names: page.edges.map((edge) => edge.node.name), ms, statement };
}

describe(`product search over ${SIZE.toLocaleString('en')} products`, () => {
  it('is served by a trigram index (EXPLAIN), and its latency is printed', async () => {
    await search('zanzibar'); // warm the pool and the plan cache
    const rare = await search('ZANZIBAR');
    expect(rare.names.sort()).toEqual(['Zanzibar Teapot', 'zanzibar_tea cosy']);
    const common = await search('product 4242');
    expect(common.names.length).toBeGreaterThan(0);

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { statement } = rare;
      expect(statement).toBeDefined();
      const { rows } = await client.query(`EXPLAIN (FORMAT JSON) ${statement!.query}`, JSON.parse(statement!.params) as unknown[]);
      const plan = JSON.stringify(rows[0]['QUERY PLAN']);
      const indexes = [...plan.matchAll(/"Index Name":"([^"]+)"/g)].map((match) => match[1]);
      console.log(`[search] plan for ${JSON.stringify('ZANZIBAR')} uses: ${indexes.join(', ')}`);
      expect(indexes.some((name) => /_trgm_idx$/.test(name ?? ''))).toBe(true);
      expect(plan).not.toContain('"Node Type":"Seq Scan"');
    } finally {
      await client.end();
    }

    const timings: Record<string, number[]> = { rare: [], common: [] };
    for (let i = 0; i < 5; i += 1) {
      timings.rare!.push((await search('zanzibar')).ms);
      timings.common!.push((await search('product 4242')).ms);
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!.toFixed(1);
    console.log(`[search] ${SIZE} products: median latency ${median(timings.rare!)} ms for a rare term ("zanzibar"), ${median(timings.common!)} ms for "product 4242" (5 runs each, through ProductService.list)`);
  }, 120_000);

  it('matches % and _ literally, at scale too', async () => {
    expect((await search('50%')).names).toEqual(['Zanzibar Teapot']);
    expect((await search('r_t')).names).toEqual(['zanzibar_tea cosy']);
    expect((await search('%')).names).toEqual(['Zanzibar Teapot']);
  });
});
