/**
 * The benchmark's scenarios: what each request of a run sends. Every scenario but `dedup` gives each
 * request the token of the next account of a pool (rotated per request, as current federation
 * benchmarks do), so a gateway cannot turn the load into a cache of one user's identical queries;
 * `dedup` keeps the old identical anonymous requests and is labelled so.
 *
 * Pure: request i of a scenario is a function of i, the run (which gateway's load it is) and the seeded
 * data (bench-data.ts), so the requests can be unit-tested. Every gateway meets the same sequence of
 * requests, except that the generated documents of `manyOperations` carry the run in their names: each
 * gateway sends documents of the same shapes and sizes that no other gateway sent, so none finds the
 * subgraphs' parse and validation caches warmed by another's run.
 */

export type ScenarioName = 'dedup' | 'productList' | 'pages' | 'product' | 'myOrders' | 'largeList' | 'manyOperations' | 'placeOrder';

/** One request: the GraphQL body and whose token goes with it (index into the account pool, or null: anonymous). */
export interface RequestSpec {
  query: string;
  variables: Record<string, unknown>;
  /** Index of the account whose token the request carries; null for an anonymous request. */
  user: number | null;
  /** The pool the account is from: readers for reads, writers for `placeOrder` (so reads see stable data). */
  pool: 'readers' | 'writers';
  /** The answer is about the requesting user (`me`): it must carry their id, checked under load. */
  aboutUser?: boolean;
}

export interface Scenario {
  name: ScenarioName;
  /** What the scenario exercises, for the report. */
  title: string;
  /** Whether each request carries its own user's token (false only for `dedup`). */
  perUser: boolean;
  /** Whether it is also measured at concurrency 1 (latency against the direct baseline). */
  atOne: boolean;
  /** A mutation: answers differ per request, so they are not compared, and the saga's lag is measured. */
  write: boolean;
  /** Whether the direct baseline (the plan run straight against the subgraphs) covers it. */
  direct: boolean;
  /**
   * Request number `i` (0, 1, 2, ...) of run `run` (0–25, default 0: one per gateway; only the
   * generated documents of `manyOperations` differ between runs).
   */
  request(i: number, run?: number): RequestSpec;
}

/** What the scenarios read, from the seeded data. */
export interface ScenarioData {
  /** Accounts that read (each with orders of its own). */
  readers: number;
  /** Accounts that place orders in the write scenario. */
  writers: number;
  /** The products the reads look up by SKU. */
  skus: string[];
  /** The products the write scenario orders (none of them read, so reads see the same stock throughout). */
  productIds: string[];
  /** The catalog's pages of 10 in each ordering (`after`: the previous page's end cursor, null for the first). */
  pages: { orderBy: ProductOrdering; after: string | null }[];
}

export const PRODUCT_LIST = /* GraphQL */ `query BenchProductList($first: Int!, $after: String, $orderBy: ProductOrder, $reviews: Int!) {
  products(first: $first, after: $after, orderBy: $orderBy) { edges { node { id sku name price { amountCents currency }
    reviews(first: $reviews) { edges { node { id rating body author { id name } } } } } } }
}`;

export const MY_ORDERS = /* GraphQL */ `query BenchMyOrders {
  me { id name orders(first: 5) { edges { node { id status total { amountCents currency }
    items { quantity product { id sku name price { amountCents currency } } } } } } }
}`;

export const PRODUCT = /* GraphQL */ `query BenchProduct($sku: String!) {
  product(sku: $sku) { id sku name description price { amountCents currency } stock averageRating reviewCount }
}`;

export const PLACE_ORDER = /* GraphQL */ `mutation BenchPlaceOrder($input: PlaceOrderInput!) { placeOrder(input: $input) { id status } }`;

export const ORDERINGS = ['NEWEST', 'PRICE_ASC', 'PRICE_DESC', 'TOP_RATED'] as const;
export type ProductOrdering = (typeof ORDERINGS)[number];

/** The list variables of the product-list plan: `first` products, each with `reviews` reviews. */
export const listVariables = (first: number, reviews: number, after: string | null = null, orderBy: ProductOrdering = 'NEWEST') => ({ first, after, orderBy, reviews });

/**
 * The user of request i: consecutive requests go to consecutive accounts, so at concurrency c the
 * requests in flight belong to min(c, pool) different users.
 */
export const userOf = (i: number, pool: number): number => i % pool;

export function scenarios(data: ScenarioData): Scenario[] {
  const reader = (i: number) => userOf(i, data.readers);
  // Arguments vary with a stride coprime to the pool, so user and arguments do not move in lockstep.
  const pages = data.pages.map(({ orderBy, after }) => listVariables(10, 3, after, orderBy));
  return [
    {
      name: 'dedup',
      title: 'deduplication: identical anonymous productList requests (the old figures; a gateway may send concurrent ones to the subgraphs once)',
      perUser: false,
      atOne: false,
      write: false,
      direct: true,
      request: () => ({ query: PRODUCT_LIST, variables: listVariables(10, 3), user: null, pool: 'readers' }),
    },
    {
      name: 'productList',
      title: 'per user: products(first: 10) → 3 reviews each → their authors',
      perUser: true,
      atOne: true,
      write: false,
      direct: true,
      request: (i) => ({ query: PRODUCT_LIST, variables: listVariables(10, 3), user: reader(i), pool: 'readers' }),
    },
    {
      name: 'pages',
      title: `per user, varied arguments: ${pages.length} pages of 10 (4 orderings × every page) with reviews and authors`,
      perUser: true,
      atOne: false,
      write: false,
      direct: true,
      request: (i) => ({ query: PRODUCT_LIST, variables: pages[(i * 7) % pages.length]!, user: reader(i), pool: 'readers' }),
    },
    {
      name: 'product',
      title: `per user, varied arguments: product(sku:) over ${data.skus.length} SKUs (one fetch to products)`,
      perUser: true,
      atOne: false,
      write: false,
      direct: true,
      request: (i) => ({ query: PRODUCT, variables: { sku: data.skus[(i * 7) % data.skus.length]! }, user: reader(i), pool: 'readers' }),
    },
    {
      name: 'myOrders',
      title: 'per user, authenticated: me → own orders (2 of 2 items) → products',
      perUser: true,
      atOne: false,
      write: false,
      direct: true,
      request: (i) => ({ query: MY_ORDERS, variables: {}, user: reader(i), pool: 'readers', aboutUser: true }),
    },
    {
      name: 'largeList',
      title: 'per user, large response: products(first: 100) → 10 reviews each → their authors',
      perUser: true,
      atOne: false,
      write: false,
      direct: true,
      request: (i) => ({ query: PRODUCT_LIST, variables: listVariables(100, 10), user: reader(i), pool: 'readers' }),
    },
    {
      name: 'manyOperations',
      title: 'per user, many distinct operations: every request a document the gateway has not planned yet (generated selections and aliases)',
      perUser: true,
      atOne: false,
      write: false,
      direct: false,
      request: (i, run = 0) => ({ ...generatedOperation(i, data.skus, run), user: reader(i), pool: 'readers' }),
    },
    {
      name: 'placeOrder',
      title: 'per user, write: placeOrder of 1–2 products (saga: accept → stock reserved → CONFIRMED)',
      perUser: true,
      atOne: false,
      write: true,
      direct: false,
      request: (i) => ({ query: PLACE_ORDER, variables: { input: { items: orderLines(i, data.productIds) } }, user: userOf(i, data.writers), pool: 'writers' }),
    },
  ];
}

/** The lines of write request i: one or two distinct products, quantity 1, spread over the catalog. */
export function orderLines(i: number, productIds: string[]): { productId: string; quantity: number }[] {
  const first = (i * 13) % productIds.length;
  const lines = [{ productId: productIds[first]!, quantity: 1 }];
  if (i % 2 === 1 && productIds.length > 1) lines.push({ productId: productIds[(first + 1) % productIds.length]!, quantity: 1 });
  return lines;
}

// Product fields of the products subgraph a generated document picks from (a subset per document).
const PRODUCT_FIELDS = ['sku', 'name', 'description', 'stock', 'reviewCount', 'averageRating', 'active', 'createdAt', 'price { amountCents currency }'] as const;
const REVIEWS = 'reviews(first: 2) { edges { node { rating author { name } } } }';

/** The letter that marks run `run` (0–25) in generated documents: one character, so every run's documents have the same sizes. */
export function runTag(run: number): string {
  if (!Number.isInteger(run) || run < 0 || run > 25) throw new RangeError(`run: expected an integer 0–25, got ${run}`);
  return String.fromCharCode(97 + run);
}

/**
 * Document number i of run `run` of the many-operations scenario: a product or a short product list, a
 * subset of the product's fields (chosen by i's bits, sometimes with reviews and their authors, so the
 * plans span one to three subgraphs), under an alias and an operation name that carry the run's letter
 * and i, so no two documents are the same text, within a run or across runs (the alias reaches the
 * subgraphs' documents too). The shape depends on i alone, so every run has the same shapes and sizes.
 * Well inside the router's limits (depth ≤ 9, ≤ 2 aliases, cost ≤ 100).
 */
export function generatedOperation(i: number, skus: string[], run = 0): { query: string; variables: Record<string, unknown> } {
  const tag = `${runTag(run)}${i}`;
  const fields = PRODUCT_FIELDS.filter((_, bit) => ((i >> (bit + 1)) & 1) === 1);
  const selection = ['id', ...fields, ...(i % 3 === 0 ? [REVIEWS] : [])].join(' ');
  if (i % 2 === 0) {
    return { query: `query BenchMany${tag}($sku: String!) { p${tag}: product(sku: $sku) { ${selection} } }`, variables: { sku: skus[i % skus.length]! } };
  }
  return { query: `query BenchMany${tag}($first: Int!) { l${tag}: products(first: $first) { edges { node { ${selection} } } } }`, variables: { first: 1 + (i % 5) } };
}

export const SCENARIO_NAMES: ScenarioName[] = ['dedup', 'productList', 'pages', 'product', 'myOrders', 'largeList', 'manyOperations', 'placeOrder'];

/** Parses BENCH_SCENARIOS: known names, each once; throws naming the variable. */
export function parseScenarios(setting: string): ScenarioName[] {
  const names = setting.split(',').map((name) => name.trim()).filter(Boolean);
  const unknown = names.filter((name) => !(SCENARIO_NAMES as string[]).includes(name));
  if (unknown.length > 0 || names.length === 0) throw new Error(`BENCH_SCENARIOS: expected a comma-separated list of ${SCENARIO_NAMES.join(', ')}; got "${setting}"`);
  return [...new Set(names)] as ScenarioName[];
}
