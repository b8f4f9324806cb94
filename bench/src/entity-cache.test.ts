import { describe, expect, it } from 'vitest';
import { hitRate, lagObservations, lagPercentiles, lagTotals, lookupCounts } from './entity-cache.js';

const page = (lines: string[]) => [
  '# HELP entity_cache_requests_total Entity cache lookups',
  '# TYPE entity_cache_requests_total counter',
  ...lines.filter((line) => line.startsWith('entity_cache_requests_total')),
  '# HELP entity_cache_invalidation_lag_seconds lag',
  '# TYPE entity_cache_invalidation_lag_seconds histogram',
  ...lines.filter((line) => line.startsWith('entity_cache_invalidation_lag_seconds')),
].join('\n');

describe('entity cache figures', () => {
  it('sums lookups per subgraph over entity types, and rates a point from two scrapes', () => {
    const before = lookupCounts(page([
      'entity_cache_requests_total{subgraph="products",type="Product",outcome="miss"} 10',
      'entity_cache_requests_total{subgraph="products",type="Query",outcome="hit"} 5',
    ]));
    const after = lookupCounts(page([
      'entity_cache_requests_total{subgraph="products",type="Product",outcome="miss"} 12',
      'entity_cache_requests_total{subgraph="products",type="Product",outcome="hit"} 30',
      'entity_cache_requests_total{subgraph="products",type="Query",outcome="hit"} 13',
      'entity_cache_requests_total{subgraph="reviews",type="Product",outcome="hit"} 9',
      'entity_cache_requests_total{subgraph="reviews",type="Product",outcome="miss"} 1',
    ]));
    const rate = hitRate(before, after);
    expect(rate).toEqual({
      hits: 47,
      misses: 3,
      rate: 0.94,
      bySubgraph: { products: { hits: 38, misses: 2, rate: 0.95 }, reviews: { hits: 9, misses: 1, rate: 0.9 } },
    });
  });

  it('reports no lookups, not a rate, for a router with the cache off', () => {
    const empty = lookupCounts(page([]));
    expect(hitRate(empty, empty)).toEqual({ hits: 0, misses: 0, rate: null, bySubgraph: {} });
  });

  it('recovers single lag observations exactly and merged ones as their mean', () => {
    const histogram = (direct: [number, number], derived: [number, number]) => lagTotals(page([
      `entity_cache_invalidation_lag_seconds_bucket{le="0.2",effect="direct"} ${direct[0]}`,
      `entity_cache_invalidation_lag_seconds_sum{effect="direct"} ${direct[1]}`,
      `entity_cache_invalidation_lag_seconds_count{effect="direct"} ${direct[0]}`,
      `entity_cache_invalidation_lag_seconds_sum{effect="derived"} ${derived[1]}`,
      `entity_cache_invalidation_lag_seconds_count{effect="derived"} ${derived[0]}`,
    ]));
    const first = histogram([4, 0.2], [1, 0.5]);
    const second = histogram([5, 0.237], [3, 0.9]);
    expect(lagObservations(first, second)).toEqual({ direct: { valuesMs: [37], merged: 0 }, derived: { valuesMs: [200, 200], merged: 2 } });
    expect(lagObservations(second, second).direct).toEqual({ valuesMs: [], merged: 0 });
  });

  it('gives nearest-rank percentiles of a sample', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(lagPercentiles(values)).toEqual({ count: 100, p50Ms: 50, p95Ms: 95, p99Ms: 99, maxMs: 100 });
    expect(lagPercentiles([]).count).toBe(0);
  });
});
