/**
 * What the entity cache suites share: routers with the cache on and off on the shared subgraphs, the
 * read operations of the storefront and partner manifests with variables for a fixture, and waits on
 * the cache's own metrics (a purge counted, not a time slept).
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { GraphQLClient } from '@commerce/stack/client';
import { metricValue } from '../support/run.js';
import { eventually } from '../support/run.js';
import type { TestProcess } from '../support/processes.js';

interface ManifestOperation {
  id: string;
  name: string;
  type: 'query' | 'mutation';
  body: string;
}

const manifestPath = (file: string) => new URL(`../../schema/persisted-queries/${file}`, import.meta.url);
const operationsOf = (file: string): ManifestOperation[] => (JSON.parse(readFileSync(manifestPath(file), 'utf8')) as { operations: ManifestOperation[] }).operations;

export const storefront = operationsOf('storefront.json');
export const partners = { acme: operationsOf('partners/acme.json'), globex: operationsOf('partners/globex.json') };
export const PARTNER_KEYS = { acme: 'dev-acme-key', globex: 'dev-globex-key' } as const;

export const bodyOf = (name: string): string => {
  const operation = storefront.find((op) => op.name === name);
  if (!operation) throw new Error(`storefront manifest has no ${name}`);
  return operation.body;
};

export interface Fixture {
  productId: string;
  sku: string;
  orderId: string;
  /** Bearer tokens: the shopper who owns the order, and the admin. */
  shopper: string;
  admin: string;
}

/** A read of every query in the manifests, as the client who may run it. */
export interface Read {
  name: string;
  run: (router: TestProcess) => Promise<unknown>;
}

/** Variables for every query of the storefront and partner manifests, for one fixture. */
export function readsOf(fixture: Fixture): Read[] {
  const variables: Record<string, Record<string, unknown>> = {
    StorefrontAdminOrders: { first: 5 },
    StorefrontAdminProduct: { id: fixture.productId },
    StorefrontCartLine: { id: fixture.productId },
    StorefrontMe: {},
    StorefrontMyOrders: { first: 5 },
    StorefrontOrder: { id: fixture.orderId },
    StorefrontProduct: { id: fixture.productId },
    StorefrontProductReviews: { id: fixture.productId, first: 5 },
    StorefrontProducts: { first: 10, orderBy: 'NEWEST' },
    PartnerCatalogPage: { first: 10 },
    PartnerProductBySku: { sku: fixture.sku },
    PartnerProductReviews: { sku: fixture.sku },
  };
  const tokenOf = (name: string) => (name.startsWith('StorefrontAdmin') ? fixture.admin : fixture.shopper);
  const reads: Read[] = storefront
    .filter((op) => op.type === 'query')
    .map((op) => ({
      name: op.name,
      run: (router: TestProcess) => answer(router.client.withToken(tokenOf(op.name)), op.body, variablesFor(op.name)),
    }));
  for (const [partner, operations] of Object.entries(partners) as [keyof typeof PARTNER_KEYS, ManifestOperation[]][]) {
    for (const op of operations.filter((candidate) => candidate.type === 'query')) {
      reads.push({
        name: op.name,
        run: (router) => answer(router.client.with({ 'x-api-key': PARTNER_KEYS[partner] }), '', variablesFor(op.name), { persistedQuery: { version: 1, sha256Hash: op.id } }),
      });
    }
  }
  return reads;

  function variablesFor(name: string): Record<string, unknown> {
    const given = variables[name];
    if (!given) throw new Error(`no variables for ${name}: a new manifest operation needs a line in tests/cache/support.ts`);
    return given;
  }
}

/** Status, data and error codes/paths of one request (messages left out: they name no data). */
async function answer(client: GraphQLClient, query: string, variables: Record<string, unknown>, extensions?: Record<string, unknown>) {
  const result = await client.request(query, variables, extensions ? { extensions } : {});
  return { status: result.status, data: result.data, errors: result.errors?.map((error) => ({ path: error.path, code: error.extensions?.code })) };
}

/** Every read through both routers; fails unless each answer is the same on both. */
export async function expectSameAnswers(reads: Read[], on: TestProcess, off: TestProcess): Promise<void> {
  for (const read of reads) {
    const [cached, direct] = [await read.run(on), await read.run(off)];
    expect({ name: read.name, answer: cached }).toEqual({ name: read.name, answer: direct });
  }
}

/** A counter (or a histogram's `_count`) of a router, absent read as 0. */
export const counter = (router: TestProcess, name: string, labels: Record<string, string> = {}) => metricValue(router.metricsUrl, name, labels, { absentAsZero: true });

/**
 * Runs `write`, then waits until the router has counted `times` more of the series (a purge, a
 * derived purge): the next read is after the purge.
 */
export async function afterPurge(router: TestProcess, name: string, labels: Record<string, string>, write: () => Promise<unknown>, times = 1): Promise<void> {
  const before = await counter(router, name, labels);
  await write();
  await eventually(async () => expect(await counter(router, name, labels)).toBeGreaterThanOrEqual(before + times), { timeoutMs: 30_000 });
}

/** p50/p90/p99 (upper bucket bounds) of a router's histogram, for printing. */
export async function percentiles(router: TestProcess, name: string, labels: Record<string, string> = {}): Promise<Record<string, string>> {
  const text = await (await fetch(router.metricsUrl)).text();
  const buckets = new Map<number, number>();
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}_bucket{`) || !wanted.every((pair) => line.includes(pair))) continue;
    const le = /le="([^"]+)"/.exec(line)?.[1];
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (le !== undefined) {
      const bound = le === '+Inf' ? Infinity : Number(le);
      buckets.set(bound, (buckets.get(bound) ?? 0) + value);
    }
  }
  const sorted = [...buckets.entries()].sort(([a], [b]) => a - b);
  const total = sorted.at(-1)?.[1] ?? 0;
  const at = (q: number) => {
    const bound = sorted.find(([, count]) => count >= q * total)?.[0];
    return bound === undefined ? 'n/a' : bound === Infinity ? '> largest bucket' : `<= ${bound * 1000} ms`;
  };
  return { count: String(total), p50: at(0.5), p90: at(0.9), p99: at(0.99) };
}

/**
 * Reads until an answer comes from the cache (a hit counted). A first read may not be stored: the
 * cache refuses an answer whose fetch began before a purge of its entity, and the creation event of a
 * fresh entity may arrive just after that read began.
 */
export async function untilCached(router: TestProcess, read: () => Promise<unknown>): Promise<void> {
  await eventually(
    async () => {
      const before = await counter(router, 'entity_cache_requests_total', { outcome: 'hit' });
      await read();
      expect(await counter(router, 'entity_cache_requests_total', { outcome: 'hit' })).toBeGreaterThan(before);
    },
    { timeoutMs: 15_000, intervalMs: 100 },
  );
}
