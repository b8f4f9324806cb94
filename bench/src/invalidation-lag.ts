/**
 * The bench's invalidation-lag phase (issue 17), run on the `ours+cache` router right after its
 * scenarios, before the next gateway starts: a bounded number of writes of each kind that makes a
 * cached product stale, one at a time, each through the *other* router (the stack's, cache off) — as
 * if another replica or client wrote — so the cache router learns of it only from the domain events:
 *
 * - `price`: an admin's `updateProduct` of the price (ProductUpdated; purged directly);
 * - `stock`: a writer's `placeOrder` of 1 unit (the products service's StockReserved; purged directly);
 * - `reviewAdded` / `reviewRemoved`: a writer's `addReview` / `deleteReview` (ReviewAdded/Deleted; the
 *   product's `reviewCount` is derived by the products service, purged once it applied the event).
 *
 * Two figures, both from individual measurements:
 * - **visible** (per kind): from the write's answer to the first read through the cache router that
 *   shows the new value (the product is read until cached before each write, then polled every 2 ms):
 *   the freshness a user of another replica sees. For `stock` it includes the saga hop (orders →
 *   Kafka → products reserves → Kafka), for the reviews the products service's derivation.
 * - **purge** (per effect): the router's own `entity_cache_invalidation_lag_seconds` observations (event
 *   `occurredAt`, its commit → purge), scraped every 20 ms over the phase; each scrape interval with one
 *   new observation yields it exactly (the `_sum` difference), k > 1 yield their mean k times (`merged`).
 *
 * The phase starts once the router has purged what the scenarios left (no lag observed for a second),
 * so only its own writes' purges are counted. Every write is undone within the phase (price set back,
 * each added review removed), so the gateways after it read the same catalog; stock and orders change
 * only on the write scenario's products and accounts, which the reads never show.
 */
import { GraphQLClient } from '@commerce/stack/client';
import { metricsPage } from '@commerce/stack/prometheus';
import { LAG_EFFECTS, lagObservations, lagPercentiles, lagTotals, lookupCounts, type LagEffect, type LagPercentiles, type LagTotals } from './entity-cache.js';

export const WRITE_KINDS = ['price', 'stock', 'reviewAdded', 'reviewRemoved'] as const;
export type WriteKind = (typeof WRITE_KINDS)[number];

export interface InvalidationLag {
  /** Measured writes of each kind (every write is measured; a final price revert, when needed, is not). */
  writesPerKind: number;
  /** Seconds the phase took. */
  seconds: number;
  /** Write answered → first read through the cache router showing it, per kind and over all kinds (ms). */
  visible: Record<WriteKind | 'all', LagPercentiles & { timeouts: number }>;
  /** Event commit (occurredAt) → purge, the router's histogram observations during the phase (ms). */
  purge: Record<LagEffect, LagPercentiles & { merged: number }>;
}

export interface LagPhaseOptions {
  /** The router the writes go through (the stack's, entity cache off). */
  writerUrl: string;
  /** The router with the entity cache, and its metrics page. */
  cache: { url: string; metricsUrl: string };
  adminToken: string;
  writerTokens: string[];
  /** Products the reads never show stock of, nor (after the phase) anything else changed. */
  productIds: string[];
  writesPerKind: number;
  say: (line: string) => void;
}

const PRODUCT = 'query BenchLagProduct($id: ID!) { product(id: $id) { id price { amountCents } stock reviewCount } }';
type ProductView = { id: string; price: { amountCents: string }; stock: number; reviewCount: number };
/** Longest a write may take to show before it counts as a timeout (at this value). */
const VISIBLE_TIMEOUT_MS = 10_000;
/** Longest to wait for a write's purges (by their expected counts) before the next write. */
const PURGES_TIMEOUT_MS = 3_000;
const SCRAPE_EVERY_MS = 20;
/** Purges each kind's events cause at least (the event → tags map in subgraphs/kit/src/events/cache-invalidation.ts). */
const EXPECTED: Record<WriteKind, Record<LagEffect, number>> = {
  price: { direct: 1, derived: 0 }, // ProductUpdated
  stock: { direct: 3, derived: 2 }, // OrderPlaced, StockReserved, OrderConfirmed (+ users, reviews)
  reviewAdded: { direct: 1, derived: 2 }, // ReviewAdded (+ products, users)
  reviewRemoved: { direct: 1, derived: 2 }, // ReviewDeleted (+ products, users)
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until the router has observed no invalidation lag for a second (at most 20 s). */
async function settled(metricsUrl: string): Promise<void> {
  const deadline = performance.now() + 20_000;
  let last = JSON.stringify(lagTotals(await metricsPage(metricsUrl)));
  let quietSince = performance.now();
  while (performance.now() - quietSince < 1_000 && performance.now() < deadline) {
    await sleep(100);
    const now = JSON.stringify(lagTotals(await metricsPage(metricsUrl)));
    if (now !== last) [last, quietSince] = [now, performance.now()];
  }
}

export async function measureInvalidationLag(options: LagPhaseOptions): Promise<InvalidationLag> {
  const started = performance.now();
  const writer = new GraphQLClient(options.writerUrl);
  const admin = writer.withToken(options.adminToken);
  const reader = new GraphQLClient(options.cache.url);
  const writes = Math.max(1, Math.min(options.writesPerKind, options.writerTokens.length));
  const productAt = (i: number) => options.productIds[i % options.productIds.length]!;
  const priceProduct = productAt(0);
  const stockProduct = productAt(1);
  const reviewProduct = productAt(2);
  const read = async (id: string) => (await reader.data<{ product: ProductView }>(PRODUCT, { id })).product;

  // The write scenario's last purges (derived ones wait for their service) first: the phase measures its own writes only.
  await settled(options.cache.metricsUrl);
  // The router's lag observations, sampled over the whole phase.
  const observed = Object.fromEntries(LAG_EFFECTS.map((effect) => [effect, { valuesMs: [] as number[], merged: 0 }])) as Record<LagEffect, { valuesMs: number[]; merged: number }>;
  let totals: LagTotals = lagTotals(await metricsPage(options.cache.metricsUrl));
  const counted = () => Object.fromEntries(LAG_EFFECTS.map((effect) => [effect, totals[effect].count])) as Record<LagEffect, number>;
  let sampling = true;
  const sampleOnce = async () => {
    const next = lagTotals(await metricsPage(options.cache.metricsUrl));
    const found = lagObservations(totals, next);
    for (const effect of LAG_EFFECTS) {
      observed[effect].valuesMs.push(...found[effect].valuesMs);
      observed[effect].merged += found[effect].merged;
    }
    totals = next;
  };
  const sampler = (async () => {
    while (sampling) {
      await sampleOnce();
      await sleep(SCRAPE_EVERY_MS);
    }
  })();

  /** Reads until the answer came from the cache (a products hit counted during the read). */
  const untilCached = async (id: string) => {
    for (let attempt = 0; attempt < 50; attempt += 1) {
      const before = lookupCounts(await metricsPage(options.cache.metricsUrl)).products?.hits ?? 0;
      await read(id);
      if ((lookupCounts(await metricsPage(options.cache.metricsUrl)).products?.hits ?? 0) > before) return;
    }
    throw new Error(`invalidation lag: product ${id} never came from the cache router's cache`);
  };
  const visible = Object.fromEntries(WRITE_KINDS.map((kind) => [kind, { valuesMs: [] as number[], timeouts: 0 }])) as Record<WriteKind, { valuesMs: number[]; timeouts: number }>;
  /** One measured write: cached first, written through the other router, then polled until it shows and its purges are counted. */
  const measure = async (kind: WriteKind, id: string, write: () => Promise<unknown>, shows: (product: ProductView) => boolean) => {
    await untilCached(id);
    const expected = counted();
    await write();
    const answered = performance.now();
    for (;;) {
      if (shows(await read(id))) {
        visible[kind].valuesMs.push(performance.now() - answered);
        break;
      }
      if (performance.now() - answered > VISIBLE_TIMEOUT_MS) {
        visible[kind].valuesMs.push(VISIBLE_TIMEOUT_MS);
        visible[kind].timeouts += 1;
        break;
      }
      await sleep(2);
    }
    // The next write starts after this one's purges, so they are not measured overlapping.
    const deadline = performance.now() + PURGES_TIMEOUT_MS;
    while (LAG_EFFECTS.some((effect) => totals[effect].count < expected[effect] + EXPECTED[kind][effect]) && performance.now() < deadline) await sleep(SCRAPE_EVERY_MS);
  };

  try {
    options.say(`invalidation lag: ${writes} writes of each kind (${WRITE_KINDS.join(', ')}) through the cache-off router, read through ours+cache`);
    const original = (await read(priceProduct)).price.amountCents;
    for (let i = 0; i < writes; i += 1) {
      const cents = i % 2 === 0 ? String(BigInt(original) + 1n) : original;
      await measure('price', priceProduct, () => admin.data('mutation BenchLagPrice($id: ID!, $input: UpdateProductInput!) { updateProduct(id: $id, input: $input) { id } }', { id: priceProduct, input: { price: { amountCents: cents } } }), (p) => p.price.amountCents === cents);
    }
    if (writes % 2 === 1) await admin.data('mutation BenchLagPrice($id: ID!, $input: UpdateProductInput!) { updateProduct(id: $id, input: $input) { id } }', { id: priceProduct, input: { price: { amountCents: original } } });

    for (let i = 0; i < writes; i += 1) {
      const before = (await read(stockProduct)).stock;
      const buyer = writer.withToken(options.writerTokens[i]!);
      await measure('stock', stockProduct, () => buyer.data('mutation BenchLagOrder($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }', { input: { items: [{ productId: stockProduct, quantity: 1 }] } }), (p) => p.stock === before - 1);
    }

    for (let i = 0; i < writes; i += 1) {
      // Each review by another writer (one review per user and product), removed before the next.
      const author = writer.withToken(options.writerTokens[i]!);
      const count = (await read(reviewProduct)).reviewCount;
      let reviewId = '';
      await measure('reviewAdded', reviewProduct, async () => {
        reviewId = (await author.data<{ addReview: { id: string } }>('mutation BenchLagReview($input: AddReviewInput!) { addReview(input: $input) { id } }', { input: { productId: reviewProduct, rating: 1 + (i % 5), body: 'Invalidation lag.' } })).addReview.id;
      }, (p) => p.reviewCount === count + 1);
      await measure('reviewRemoved', reviewProduct, () => author.data('mutation BenchLagUnreview($id: ID!) { deleteReview(id: $id) { id } }', { id: reviewId }), (p) => p.reviewCount === count);
    }
  } finally {
    // The last purges (derived ones wait for their service) land in the sample too.
    await sleep(SCRAPE_EVERY_MS * 3);
    sampling = false;
    await sampler;
    await sampleOnce();
  }

  const all = WRITE_KINDS.flatMap((kind) => visible[kind].valuesMs);
  return {
    writesPerKind: writes,
    seconds: Math.round((performance.now() - started) / 100) / 10,
    visible: {
      ...(Object.fromEntries(WRITE_KINDS.map((kind) => [kind, { ...lagPercentiles(visible[kind].valuesMs), timeouts: visible[kind].timeouts }])) as Record<WriteKind, LagPercentiles & { timeouts: number }>),
      all: { ...lagPercentiles(all), timeouts: WRITE_KINDS.reduce((sum, kind) => sum + visible[kind].timeouts, 0) },
    },
    purge: Object.fromEntries(LAG_EFFECTS.map((effect) => [effect, { ...lagPercentiles(observed[effect].valuesMs), merged: observed[effect].merged }])) as InvalidationLag['purge'],
  };
}
