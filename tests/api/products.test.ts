import { describe, expect, it } from 'vitest';
import { asAdmin, signUp } from '../support/accounts.js';
import { createProduct } from '../support/catalog.js';
import { router, unique } from '../support/run.js';
import { subgraphCalls } from '../support/subgraph-calls.js';

const PRODUCT_FIELDS = 'id sku name description price { amountCents currency } stock active createdAt averageRating reviewCount';

type Edge = { cursor: string; node: { id: string; name: string; price: { amountCents: string }; stock: number } };
type Page = { products: { edges: Edge[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };

describe('products through the router', () => {
  it('creates a product (admin) and reads it by id and by sku', async () => {
    const admin = await asAdmin();
    const sku = unique('MUG-');
    const { createProduct: created } = await admin.client.data<{ createProduct: Record<string, unknown> }>(
      `mutation($i: CreateProductInput!) { createProduct(input: $i) { ${PRODUCT_FIELDS} } }`,
      { i: { sku, name: 'Blue Mug', description: 'A mug, blue.', price: { amountCents: '1299', currency: 'USD' }, stock: 7 } },
    );
    expect(created).toMatchObject({
      sku,
      name: 'Blue Mug',
      price: { amountCents: '1299', currency: 'USD' },
      stock: 7,
      active: true,
      averageRating: null,
      reviewCount: 0,
    });
    const byId = await router.data<{ product: { sku: string } }>('query($id: ID!) { product(id: $id) { sku } }', { id: created.id });
    expect(byId.product.sku).toBe(sku);
    const bySku = await router.data<{ product: { id: string } }>('query($sku: String!) { product(sku: $sku) { id } }', { sku });
    expect(bySku.product.id).toBe(created.id);
  });

  it('updates a product (admin) and keeps the sku unique', async () => {
    const product = await createProduct({ amountCents: 500 });
    const admin = await asAdmin();
    const { updateProduct } = await admin.client.data<{ updateProduct: { name: string; price: { amountCents: string }; stock: number; active: boolean } }>(
      'mutation($id: ID!) { updateProduct(id: $id, input: { name: "Renamed", price: { amountCents: "750" }, stock: 3, active: false }) { name price { amountCents } stock active } }',
      { id: product.id },
    );
    expect(updateProduct).toEqual({ name: 'Renamed', price: { amountCents: '750' }, stock: 3, active: false });

    const duplicate = await admin.client.request('mutation($i: CreateProductInput!) { createProduct(input: $i) { id } }', {
      i: { sku: product.sku, name: 'Again', description: '', price: { amountCents: '1' }, stock: 1 },
    });
    expect(duplicate.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.sku' });

    const missing = await admin.client.request('mutation { updateProduct(id: "00000000-0000-4000-8000-000000000000", input: { stock: 1 }) { id } }');
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('refuses catalog changes from shoppers and anonymous callers', async () => {
    const shopper = await signUp();
    const mutation = 'mutation($i: CreateProductInput!) { createProduct(input: $i) { id } }';
    const input = { i: { sku: unique('NOPE-'), name: 'Nope', description: '', price: { amountCents: '1' }, stock: 1 } };
    for (const client of [shopper.client, router]) {
      const before = await subgraphCalls('products');
      const result = await client.request(mutation, input);
      expect(result.data).toBeNull();
      expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
      expect(await subgraphCalls('products')).toBe(before);
    }
  });

  it('validates product input field by field', async () => {
    const admin = await asAdmin();
    const base = { sku: unique('V-'), name: 'Valid', description: '', price: { amountCents: '100' }, stock: 1 };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, sku: 'a b' }, 'input.sku'],
      [{ ...base, name: '' }, 'input.name'],
      [{ ...base, price: { amountCents: '-1' } }, 'input.price.amountCents'],
      [{ ...base, price: { amountCents: '100', currency: 'EUR' } }, 'input.price.currency'],
      [{ ...base, stock: -5 }, 'input.stock'],
    ];
    for (const [input, field] of cases) {
      const result = await admin.client.request('mutation($i: CreateProductInput!) { createProduct(input: $i) { id } }', { i: input });
      expect(result.errors?.[0]?.extensions, field).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
  });

  it('searches, filters by stock and orders by price, paging with opaque cursors', async () => {
    const tag = unique('zebra');
    const prices = [300, 100, 200, 500, 400];
    for (const [index, amountCents] of prices.entries()) {
      await createProduct({ name: `${tag} item ${index}`, amountCents, stock: index === 1 ? 0 : 5 });
    }
    const query = `query($after: String, $order: ProductOrder, $inStock: Boolean) {
      products(first: 2, after: $after, orderBy: $order, filter: { search: "${tag}", inStock: $inStock }) {
        edges { cursor node { id name price { amountCents } stock } } pageInfo { hasNextPage endCursor }
      }
    }`;
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page: Page = await router.data<Page>(query, { after, order: 'PRICE_ASC' });
      seen.push(...page.products.edges.map((edge) => edge.node.price.amountCents));
      after = page.products.pageInfo.hasNextPage ? page.products.pageInfo.endCursor : null;
      for (const edge of page.products.edges) expect(() => JSON.parse(edge.cursor)).toThrow();
    } while (after);
    expect(seen).toEqual(['100', '200', '300', '400', '500']);

    const desc = await router.data<Page>(query, { order: 'PRICE_DESC' });
    expect(desc.products.edges.map((e) => e.node.price.amountCents)).toEqual(['500', '400']);
    const newest = await router.data<Page>(query, { order: 'NEWEST' });
    expect(newest.products.edges.map((e) => e.node.name)).toEqual([`${tag} item 4`, `${tag} item 3`]);

    const inStock = await router.data<Page>(query.replace('first: 2', 'first: 10'), { order: 'PRICE_ASC', inStock: true });
    expect(inStock.products.edges.map((e) => e.node.price.amountCents)).toEqual(['200', '300', '400', '500']);
    const soldOut = await router.data<Page>(query.replace('first: 2', 'first: 10'), { order: 'PRICE_ASC', inStock: false });
    expect(soldOut.products.edges.map((e) => e.node.stock)).toEqual([0]);
  });

  it('refuses a cursor from another ordering', async () => {
    const page = await router.data<Page>('{ products(first: 1, orderBy: PRICE_ASC) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }');
    const cursor = page.products.pageInfo.endCursor;
    const result = await router.request('query($c: String) { products(first: 1, after: $c, orderBy: NEWEST) { edges { cursor } } }', { c: cursor });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  it('needs exactly one of id and sku', async () => {
    const neither = await router.request('{ product { id } }');
    expect(neither.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const unknownSku = await router.request('{ product(sku: "NO-SUCH-SKU") { id } }');
    expect(unknownSku.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});
