/** The catalog's rating filter and ordering (`filter: { minRating }`, `orderBy: TOP_RATED`), through the router. */
import { describe, expect, it } from 'vitest';
import { signUp } from '../support/accounts.js';
import { createProduct } from '../support/catalog.js';
import { eventually, router, unique } from '../support/run.js';
import { addReview, productFacts } from '../support/shop.js';

const LIST = `query Rated($filter: ProductFilterInput, $order: ProductOrder, $after: String) {
  products(first: 2, after: $after, filter: $filter, orderBy: $order) { edges { node { name averageRating } } pageInfo { hasNextPage endCursor } }
}`;

interface Page {
  products: { edges: { node: { name: string; averageRating: number | null } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

/** Every product matching `filter` in `order`, page by page (two per page, so cursors are exercised too). */
async function listAll(filter: Record<string, unknown>, order?: string): Promise<string[]> {
  const names: string[] = [];
  let after: string | null = null;
  do {
    const page: Page = await router.data<Page>(LIST, { filter, order, after });
    names.push(...page.products.edges.map((edge) => edge.node.name));
    after = page.products.pageInfo.hasNextPage ? page.products.pageInfo.endCursor : null;
  } while (after);
  return names;
}

describe('ratings in the catalog', () => {
  it('filters by minRating and orders TOP_RATED, unrated products last', async () => {
    const tag = unique('rated');
    const [best, middling, unrated, low] = await Promise.all(
      ['best', 'middling', 'unrated', 'low'].map((name) => createProduct({ name: `${tag} ${name}` })),
    );
    const [first, second] = await Promise.all([signUp('Critic'), signUp('Critic')]);
    await Promise.all([addReview(first, best!.id, 5), addReview(first, middling!.id, 2), addReview(second, middling!.id, 4), addReview(first, low!.id, 1)]);
    await eventually(async () => {
      expect(await productFacts(best!.id)).toMatchObject({ averageRating: 5 });
      expect(await productFacts(middling!.id)).toMatchObject({ reviewCount: 2, averageRating: 3 });
      expect(await productFacts(low!.id)).toMatchObject({ averageRating: 1 });
    });

    expect(await listAll({ search: tag, minRating: 3 }, 'TOP_RATED')).toEqual([`${tag} best`, `${tag} middling`]);
    expect(await listAll({ search: tag, minRating: 3.5 })).toEqual([`${tag} best`]);
    expect(await listAll({ search: tag, minRating: 5 })).toEqual([`${tag} best`]);
    expect(await listAll({ search: tag }, 'TOP_RATED')).toEqual([`${tag} best`, `${tag} middling`, `${tag} low`, `${tag} unrated`]);
    expect(unrated).toBeDefined();
  });

  it('refuses a minRating outside 0 to 5 with BAD_USER_INPUT naming the field', async () => {
    for (const minRating of [-1, 5.5]) {
      const refused = await router.request(LIST, { filter: { minRating } });
      expect(refused.status).toBe(200);
      expect(refused.data).toBeNull();
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.minRating' });
    }
  });

  it('refuses a TOP_RATED cursor used with another ordering', async () => {
    const tag = unique('cursor');
    await Promise.all([1, 2, 3].map((i) => createProduct({ name: `${tag} ${i}` })));
    const page = await router.data<Page>(LIST, { filter: { search: tag }, order: 'TOP_RATED' });
    expect(page.products.pageInfo.hasNextPage).toBe(true);
    const mixed = await router.request(LIST, { filter: { search: tag }, order: 'PRICE_ASC', after: page.products.pageInfo.endCursor });
    expect(mixed.data).toBeNull();
    expect(mixed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
