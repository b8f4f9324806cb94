import { describe, expect, it } from 'vitest';
import { benchDatabasePrefix, percentile } from './bench-stack.js';
import { parseGateways } from './gateways.js';

describe('bench settings', () => {
  it('defaults the database prefix and refuses one that is not an identifier, naming the variable', () => {
    expect(benchDatabasePrefix(undefined)).toBe('commerce_bench');
    expect(benchDatabasePrefix('commerce_perf_bench')).toBe('commerce_perf_bench');
    expect(() => benchDatabasePrefix('bench"; drop')).toThrow(/BENCH_DATABASE_PREFIX/);
  });

  it('parses BENCH_GATEWAYS, refusing unknown names', () => {
    expect(parseGateways('ours,ours+cache, hive-rust')).toEqual(['ours', 'ours+cache', 'hive-rust']);
    expect(() => parseGateways('ours,kong')).toThrow(/BENCH_GATEWAYS/);
  });

  it('takes nearest-rank percentiles', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 99)).toBe(4);
  });
});
