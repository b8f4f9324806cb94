/**
 * Our router's entity-cache figures, read from its metrics port (METRICS_PORT, `/metrics`; the bench
 * gives every router process it starts one of its own): the lookups of a point
 * (`entity_cache_requests_total{subgraph,type,outcome=hit|miss}`, sampled before and after it) and the
 * individual observations of the invalidation lag histogram
 * (`entity_cache_invalidation_lag_seconds{effect=direct|derived}`: from the event's `occurredAt`, its
 * commit in the producing service, to the router's purge), recovered from its `_sum` and `_count`.
 */
import { parseMetrics } from '@commerce/stack/prometheus';
import { percentile } from './bench-stack.js';

export const LOOKUPS = 'entity_cache_requests_total';
export const LAG = 'entity_cache_invalidation_lag_seconds';
export const LAG_EFFECTS = ['direct', 'derived'] as const;
export type LagEffect = (typeof LAG_EFFECTS)[number];

/** Cumulative lookups per subgraph, as the counters stand at one scrape. */
export type LookupCounts = Record<string, { hits: number; misses: number }>;

/** A point's lookups: hits / (hits + misses), overall and per subgraph (rate null when there was no lookup). */
export interface HitRate {
  hits: number;
  misses: number;
  /** hits / (hits + misses), 0–1; null without lookups. */
  rate: number | null;
  bySubgraph: Record<string, { hits: number; misses: number; rate: number | null }>;
}

/** The entity cache's lookups on a metrics page, summed over entity types, per subgraph. */
export function lookupCounts(metricsText: string): LookupCounts {
  const counts: LookupCounts = {};
  for (const sample of parseMetrics(metricsText).samples) {
    if (sample.name !== LOOKUPS) continue;
    const subgraph = sample.labels.subgraph ?? '';
    const entry = (counts[subgraph] ??= { hits: 0, misses: 0 });
    if (sample.labels.outcome === 'hit') entry.hits += sample.value;
    else if (sample.labels.outcome === 'miss') entry.misses += sample.value;
  }
  return counts;
}

const rateOf = (hits: number, misses: number) => (hits + misses > 0 ? hits / (hits + misses) : null);

/** The lookups between two scrapes of one router (`before` taken first). */
export function hitRate(before: LookupCounts, after: LookupCounts): HitRate {
  const bySubgraph: HitRate['bySubgraph'] = {};
  let hits = 0;
  let misses = 0;
  for (const subgraph of Object.keys(after).sort()) {
    const h = after[subgraph]!.hits - (before[subgraph]?.hits ?? 0);
    const m = after[subgraph]!.misses - (before[subgraph]?.misses ?? 0);
    if (h + m === 0) continue;
    bySubgraph[subgraph] = { hits: h, misses: m, rate: rateOf(h, m) };
    hits += h;
    misses += m;
  }
  return { hits, misses, rate: rateOf(hits, misses), bySubgraph };
}

/** The invalidation lag histogram's `_count` and `_sum` (seconds) per effect, as they stand at one scrape. */
export type LagTotals = Record<LagEffect, { count: number; sumSeconds: number }>;

export function lagTotals(metricsText: string): LagTotals {
  const totals = Object.fromEntries(LAG_EFFECTS.map((effect) => [effect, { count: 0, sumSeconds: 0 }])) as LagTotals;
  for (const sample of parseMetrics(metricsText).samples) {
    const effect = sample.labels.effect as LagEffect | undefined;
    if (!effect || !(effect in totals)) continue;
    if (sample.name === `${LAG}_count`) totals[effect].count += sample.value;
    else if (sample.name === `${LAG}_sum`) totals[effect].sumSeconds += sample.value;
  }
  return totals;
}

/**
 * The individual observations (ms) made between two scrapes, per effect: one observation is exactly
 * the `_sum` difference; k > 1 between the same two scrapes can only be told apart as k times their
 * mean, and are counted in `merged`.
 */
export function lagObservations(before: LagTotals, after: LagTotals): Record<LagEffect, { valuesMs: number[]; merged: number }> {
  const result = {} as Record<LagEffect, { valuesMs: number[]; merged: number }>;
  for (const effect of LAG_EFFECTS) {
    const k = after[effect].count - before[effect].count;
    const mean = k > 0 ? ((after[effect].sumSeconds - before[effect].sumSeconds) * 1000) / k : 0;
    result[effect] = { valuesMs: Array.from({ length: Math.max(0, k) }, () => Math.round(mean * 10) / 10), merged: k > 1 ? k : 0 };
  }
  return result;
}

/** Percentiles (ms, nearest rank) of a sample, with its size. */
export interface LagPercentiles {
  count: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

export function lagPercentiles(valuesMs: number[]): LagPercentiles {
  const sorted = [...valuesMs].sort((a, b) => a - b);
  const ms = (value: number) => Math.round(value * 10) / 10;
  return { count: sorted.length, p50Ms: ms(percentile(sorted, 50)), p95Ms: ms(percentile(sorted, 95)), p99Ms: ms(percentile(sorted, 99)), maxMs: ms(sorted.at(-1) ?? Number.NaN) };
}
