import { describe, expect, it } from 'vitest';
import { createMetrics } from './metrics.js';

describe('operationLabel', () => {
  it('labels a name by itself, a missing one anonymous, and a name past 128 characters other', () => {
    const metrics = createMetrics('test');
    expect(metrics.operationLabel('ProductPage__products__0')).toBe('ProductPage__products__0');
    expect(metrics.operationLabel(undefined)).toBe('anonymous');
    expect(metrics.operationLabel('')).toBe('anonymous');
    expect(metrics.operationLabel('O'.repeat(128))).toBe('O'.repeat(128));
    expect(metrics.operationLabel('O'.repeat(90_000))).toBe('other');
  });

  it('gives the first 200 distinct names labels of their own and every later one other', () => {
    const metrics = createMetrics('test');
    for (let i = 0; i < 200; i += 1) expect(metrics.operationLabel(`Op${i}`)).toBe(`Op${i}`);
    expect(metrics.operationLabel('Op200')).toBe('other');
    expect(metrics.operationLabel('Op7')).toBe('Op7');
  });
});
