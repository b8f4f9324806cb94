import { describe, expect, it } from 'vitest';
import { MissingSeriesError, parseMetrics, sampleValue } from './prometheus.js';

const PAGE = `# HELP requests_total Requests.
# TYPE requests_total counter
requests_total{service="users",route="/graphql"} 3
requests_total{service="users",route="/health"} 4
requests_total{other_service="users"} 100
requests_total{service="a \\"quoted\\" one"} 5
# HELP stamped A sample with a timestamp.
# TYPE stamped gauge
stamped{job="x"} 7 1700000000000
# HELP last_line A sample on the last line, without a newline after it.
# TYPE last_line gauge
# HELP latency_seconds Latency.
# TYPE latency_seconds histogram
latency_seconds_bucket{op="A",le="0.1"} 1
latency_seconds_bucket{op="A",le="+Inf"} 2
latency_seconds_sum{op="A"} 0.35
latency_seconds_count{op="A"} 2
latency_seconds_bucket{op="B",le="0.1"} 0
latency_seconds_bucket{op="B",le="+Inf"} 5
latency_seconds_sum{op="B"} 4
latency_seconds_count{op="B"} 5
# HELP never_incremented_total A labelled counter nobody has incremented.
# TYPE never_incremented_total counter
# HELP quantiles_seconds A summary.
# TYPE quantiles_seconds summary
quantiles_seconds{quantile="0.5"} 0.2
quantiles_seconds_sum 1
quantiles_seconds_count 4
last_line 9`;

describe('sampleValue: Prometheus text read by a real parser', () => {
  it('matches labels exactly, never by substring, and sums over the other labels', () => {
    expect(sampleValue(PAGE, 'requests_total', { service: 'users' })).toBe(7);
    expect(sampleValue(PAGE, 'requests_total', { service: 'users', route: '/health' })).toBe(4);
    expect(sampleValue(PAGE, 'requests_total', { other_service: 'users' })).toBe(100);
  });

  it('reads escaped label values and timestamped samples', () => {
    expect(sampleValue(PAGE, 'requests_total', { service: 'a "quoted" one' })).toBe(5);
    expect(sampleValue(PAGE, 'stamped', { job: 'x' })).toBe(7);
    expect(parseMetrics(PAGE).samples.find((sample) => sample.name === 'stamped')?.timestampMs).toBe(1_700_000_000_000);
  });

  it('reads histogram series under their Prometheus names, each with its own labels', () => {
    expect(sampleValue(PAGE, 'latency_seconds_count', { op: 'A' })).toBe(2);
    expect(sampleValue(PAGE, 'latency_seconds_count', { op: 'B' })).toBe(5);
    expect(sampleValue(PAGE, 'latency_seconds_count')).toBe(7);
    expect(sampleValue(PAGE, 'latency_seconds_sum', { op: 'A' })).toBeCloseTo(0.35);
    expect(sampleValue(PAGE, 'latency_seconds_bucket', { op: 'A', le: '+Inf' })).toBe(2);
  });

  it('reads summaries, and the last line of a page without a final newline', () => {
    expect(sampleValue(PAGE, 'quantiles_seconds', { quantile: '0.5' })).toBe(0.2);
    expect(sampleValue(PAGE, 'quantiles_seconds_count')).toBe(4);
    expect(sampleValue(PAGE, 'last_line')).toBe(9);
  });

  it('throws, naming the series, when no sample matches; never answers 0', () => {
    expect(() => sampleValue(PAGE, 'requests_total', { service: 'orders' })).toThrow(MissingSeriesError);
    expect(() => sampleValue(PAGE, 'requests_total', { service: 'orders' })).toThrow('no sample of requests_total{service="orders"}');
    expect(() => sampleValue(PAGE, 'request_total')).toThrow('(no such metric)');
    expect(() => sampleValue(PAGE, 'never_incremented_total')).toThrow('(the family has no sample yet)');
  });

  it('reads an absent series of a listed family as 0 only when asked to, and a misspelt name never', () => {
    expect(sampleValue(PAGE, 'never_incremented_total', {}, { absentAsZero: true })).toBe(0);
    expect(sampleValue(PAGE, 'requests_total', { service: 'orders' }, { absentAsZero: true })).toBe(0);
    expect(() => sampleValue(PAGE, 'request_total', {}, { absentAsZero: true })).toThrow(MissingSeriesError);
  });
});
