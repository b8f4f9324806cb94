import { describe, expect, it } from 'vitest';
import type { HitRate } from './entity-cache.js';
import type { GatewayName } from './gateways.js';
import type { Figures } from './load.js';
import { dedupFigures, evaluateTargets, formatTable, markdownSummary, type BenchResults } from './report.js';

const figures = (requestsPerSecond: number, p99Ms: number, gatewayCpu: number, extra: Partial<Figures> = {}): Figures => ({
  requestsPerSecond,
  seconds: 6,
  p50Ms: p99Ms / 2,
  p95Ms: p99Ms * 0.9,
  p99Ms,
  errors: 0,
  requests: requestsPerSecond * 6,
  cpu: { gateway: gatewayCpu, users: 0.5, products: 0.6, reviews: 0.7, orders: 0.1, postgres: 0.4, total: gatewayCpu + 2.3 },
  requestsPerCpuSecond: 100,
  ...extra,
});

/** A run where ours has `factor` times the req/s of every peer and the same p99, on every scenario at c50 and c200. */
function run(factor: number, gateways: GatewayName[] = ['ours', 'apollo', 'hive', 'hive-rust']): Omit<BenchResults, 'targets'> {
  const scenarios: BenchResults['scenarios'] = {
    dedup: { title: 'identical', perUser: false, concurrencies: [50, 200] },
    productList: { title: 'list', perUser: true, concurrencies: [1, 50, 200] },
    largeList: { title: 'large', perUser: true, concurrencies: [50, 200] },
    manyOperations: { title: 'many', perUser: true, concurrencies: [50, 200] },
    placeOrder: { title: 'write', perUser: true, concurrencies: [50, 200] },
  };
  const series = (rps: number, cpu: number, saga = false) =>
    Object.fromEntries(Object.entries(scenarios).map(([name, s]) => [name, Object.fromEntries(s!.concurrencies.map((c) => [c, figures(rps, 100, cpu, saga && name === 'placeOrder' ? { saga: { orders: 600, confirmed: 600, notConfirmed: 0, p50Ms: 40, p95Ms: 200, p99Ms: 450, maxMs: 600, stages: [{ stage: 'orders relay' as const, orders: 600, p50Ms: 7, p95Ms: 30, p99Ms: 80, maxMs: 90 }] } } : {})]))]));
  return {
    date: '2026-11-30T14:00:00.000Z',
    machine: { cpus: 2, node: 'v20' },
    settings: { durationSeconds: 6, warmupSeconds: 2, subgraphWarmupSeconds: 3, concurrencies: [1, 50, 200] },
    scenarios,
    gateways: Object.fromEntries(gateways.map((name) => [name, { title: name, deduplication: 'x', rssMiB: 300, series: name === 'ours' ? series(100 * factor, 1, true) : series(100, 2) }])),
    direct: {},
    sqlPerRequest: { '10': { users: 1, products: 1 }, '100': { users: 1, products: 1 } },
  };
}

const byPrefix = (targets: ReturnType<typeof evaluateTargets>, prefix: string) => targets.find((t) => t.description.includes(prefix))!;

describe('evaluateTargets', () => {
  it('judges each of issue 16\'s targets from the figures', () => {
    const targets = evaluateTargets(run(2.5), null);
    expect(byPrefix(targets, 'CPU per request of router + subgraphs').met).toBe(true);
    expect(byPrefix(targets, 'each subgraph call').met).toBe(true);
    expect(byPrefix(targets, '>= 2x stock').met).toBe(true);
    expect(byPrefix(targets, 'Rust planner').met).toBe(true);
    expect(byPrefix(targets, 'router CPU per request <=').met).toBe(true);
    expect(byPrefix(targets, 'largeList ahead').met).toBe(true);
    expect(byPrefix(targets, 'manyOperations ahead').met).toBe(true);
    expect(byPrefix(targets, 'accept → CONFIRMED').met).toBe(true);
    expect(byPrefix(targets, 'SQL statements').met).toBe(true);
  });

  it('names the points that missed', () => {
    const targets = evaluateTargets(run(1.5), null);
    const apollo = byPrefix(targets, '>= 2x stock');
    expect(apollo.met).toBe(false);
    expect(apollo.figures).toMatch(/missed at 8 of 8 points: productList@c50 1\.50x/);
    expect(byPrefix(targets, 'Rust planner').met).toBe(true);
  });

  it('gives a point to the gateway that answered when the other answered nothing', () => {
    const partial = run(1);
    const apollo = partial.gateways.apollo!.series.largeList![50]!;
    Object.assign(apollo, { requests: 0, requestsPerSecond: 0, p99Ms: 0, cpu: { total: Number.NaN } });
    const target = byPrefix(evaluateTargets(partial, null), '>= 2x stock');
    expect(target.figures).not.toContain('largeList@c50');
    expect(target.figures).toContain('largeList@c200');
  });

  it('leaves a target unevaluated, never met, when its gateway or baseline is missing', () => {
    const targets = evaluateTargets(run(3, ['ours', 'apollo']), null);
    expect(byPrefix(targets, 'Rust planner').met).toBeNull();
    expect(byPrefix(targets, 'router CPU per request <=').met).toBeNull();
    expect(byPrefix(targets, 'deduplication').met).toBeNull();
  });

  it('compares the deduplication scenario with a baseline run, old format included', () => {
    const now = run(2);
    const oldFormat = { ...run(1), operations: { productList: 'x' }, gateways: { ours: { title: 'ours', deduplication: '', rssMiB: 1, series: { productList: { 50: figures(500, 100, 1), 200: figures(100, 100, 1) } } } } };
    expect(dedupFigures(oldFormat)?.[50]?.requestsPerSecond).toBe(500);
    const target = byPrefix(evaluateTargets(now, oldFormat), 'deduplication');
    expect(target.met).toBe(false);
    expect(target.figures).toContain('c50 200 vs 500 req/s');
  });

  it('prints a table with every process\'s CPU and the targets', () => {
    const partial = run(2.5);
    const table = formatTable({ ...partial, targets: evaluateTargets(partial, null) });
    expect(table).toContain('req/cpu-s');
    expect(table).toContain('accept → CONFIRMED p50 40 ms');
    expect(table).toMatch(/orders relay +p50 +7 ms, p95 +30 ms, p99 +80 ms, max +90 ms  accept → OrderPlaced acknowledged/);
    expect(table).toMatch(/\[met\] ours: >= 2x stock/);
  });
});

describe('markdownSummary', () => {
  it('tabulates every gateway per scenario and concurrency, the saga lag and the targets', () => {
    const partial = run(2.5);
    const markdown = markdownSummary({ ...partial, targets: evaluateTargets(partial, null) });
    expect(markdown).toContain('| scenario | c | ours | apollo | hive | hive-rust | direct |');
    expect(markdown).toContain('| productList | 50 | 250 (100) | 100 (100) | 100 (100) | 100 (100) | – |');
    expect(markdown).toContain('| ours | 50 | 600 | 600 | 40 | 200 | 450 | 600 |');
    expect(markdown).toContain('| ours | 50 | orders relay | 7 | 30 | 80 | 90 |');
    expect(markdown).toMatch(/\| ours: >= 2x stock .* \| \*\*met\*\* \|/);
  });
});

describe('the entity cache figures (issue 17)', () => {
  const lookups = (hits: number, misses: number): HitRate => ({ hits, misses, rate: hits + misses > 0 ? hits / (hits + misses) : null, bySubgraph: hits + misses > 0 ? { products: { hits, misses, rate: hits / (hits + misses) } } : {} });
  const lagFigures = (p99Ms: number) => ({ count: 40, p50Ms: p99Ms / 4, p95Ms: p99Ms / 2, p99Ms, maxMs: p99Ms + 10 });
  /** ours with the cache off, and ours+cache `speedup` times as fast with a 90% hit rate and the given saga and lag p99s. */
  function cacheRun(speedup: number, sagaP99: { off: number; on: number }, purgeP99: number): Omit<BenchResults, 'targets'> {
    const base = run(1, ['ours']);
    const scenarios: BenchResults['scenarios'] = {
      productList: { title: 'list', perUser: true, concurrencies: [50] },
      product: { title: 'product', perUser: true, concurrencies: [50] },
      placeOrder: { title: 'write', perUser: true, concurrencies: [50] },
    };
    const saga = (p99Ms: number) => ({ orders: 100, confirmed: 100, notConfirmed: 0, p50Ms: 30, p95Ms: p99Ms / 2, p99Ms, maxMs: p99Ms });
    const series = (rps: number, cache: boolean, sagaP99Ms: number) => ({
      productList: { 50: figures(rps, 20, 1, { entityCache: cache ? lookups(900, 100) : lookups(0, 0) }) },
      product: { 50: figures(rps, 20, 1, { entityCache: cache ? lookups(900, 100) : lookups(0, 0) }) },
      placeOrder: { 50: figures(100, 20, 1, { saga: saga(sagaP99Ms), entityCache: cache ? lookups(10, 90) : lookups(0, 0) }) },
    });
    return {
      ...base,
      scenarios,
      gateways: {
        ours: { title: 'ours', deduplication: 'x', rssMiB: 300, series: series(100, false, sagaP99.off) },
        'ours+cache': { title: 'ours+cache', deduplication: 'x', rssMiB: 300, series: series(100 * speedup, true, sagaP99.on) },
      },
      invalidationLag: {
        writesPerKind: 10,
        seconds: 4,
        visible: { price: { ...lagFigures(60), timeouts: 0 }, stock: { ...lagFigures(90), timeouts: 0 }, reviewAdded: { ...lagFigures(150), timeouts: 0 }, reviewRemoved: { ...lagFigures(150), timeouts: 0 }, all: { ...lagFigures(150), timeouts: 0 } },
        purge: { direct: { ...lagFigures(purgeP99), merged: 0 }, derived: { ...lagFigures(400), merged: 2 } },
      },
    };
  }

  it('judges the speed-up with the hit rate, the invalidation lag and the saga with the cache on', () => {
    const good = evaluateTargets(cacheRun(4, { off: 300, on: 310 }, 120), null);
    expect(byPrefix(good, '>= 3x ours').met).toBe(true);
    expect(byPrefix(good, '>= 3x ours').figures).toContain('productList@c50 4.00x (400 vs 100 req/s, hit rate 90.0%)');
    expect(byPrefix(good, 'invalidation lag p99').met).toBe(true);
    expect(byPrefix(good, 'saga accept → CONFIRMED p99 not worse').met).toBe(true);
    const bad = evaluateTargets(cacheRun(2, { off: 300, on: 400 }, 250), null);
    expect(byPrefix(bad, '>= 3x ours').met).toBe(false);
    expect(byPrefix(bad, '>= 3x ours').figures).toMatch(/^missed at productList@c50, product@c50/);
    expect(byPrefix(bad, 'invalidation lag p99').met).toBe(false);
    expect(byPrefix(bad, 'saga accept → CONFIRMED p99 not worse').met).toBe(false);
    const without = evaluateTargets(run(2), null);
    expect(byPrefix(without, 'invalidation lag p99').met).toBeNull();
    expect(byPrefix(without, '>= 3x ours').met).toBeNull();
  });

  it('prints and tabulates the hit rate of every point and the lag percentiles', () => {
    const partial = cacheRun(4, { off: 300, on: 310 }, 120);
    const results = { ...partial, targets: evaluateTargets(partial, null) };
    const table = formatTable(results);
    expect(table).toMatch(/ours\+cache productList\s+c50\s+90\.0% of 1000 lookups, 100 misses \(products 90\.0% of 1000\)/);
    expect(table).toContain('ours (cache off), all 3 points: 0 lookups (as expected)');
    expect(table).toMatch(/direct\s+40\s+30\.0\s+60\.0\s+120\.0\s+130\.0/);
    expect(table).toMatch(/reviewAdded\s+40/);
    const markdown = markdownSummary(results);
    expect(markdown).toContain('**Entity cache hit rate**');
    expect(markdown).toContain('| ours+cache | product | 50 | 1000 | 100 | 90.0% | 90.0% |');
    expect(markdown).toContain('| ours | product | 50 | 0 | 0 | – | – |');
    expect(markdown).toContain('| event commit → purge, direct effects (router histogram) | 40 | 30 | 60 | 120 | 130 |');
    expect(markdown).toContain('| write → visible through the cache: all | 40 |');
  });
});
