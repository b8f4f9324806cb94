import { describe, expect, it } from 'vitest';
import { cpuMs, cpuPerRequest, residentMiB } from './process-cpu.js';

describe('cpuPerRequest', () => {
  it('divides each process\'s CPU over the point by the requests, PostgreSQL backends summed', () => {
    const before = { processes: { gateway: 1_000, users: 500, products: 500, reviews: 500, orders: 500 }, backends: new Map([[11, 100], [12, 100]]) };
    const after = { processes: { gateway: 2_000, users: 700, products: 800, reviews: 900, orders: 510 }, backends: new Map([[11, 300], [12, 200], [13, 50]]) };
    const { cpu, requestsPerCpuSecond } = cpuPerRequest(before, after, 500);
    // 1000 + 200 + 300 + 400 + 10 + (200 + 100 + 50) ms = 2260 ms for 500 requests.
    expect(cpu).toEqual({ gateway: 2, users: 0.4, products: 0.6, reviews: 0.8, orders: 0.02, postgres: 0.7, total: 4.52 });
    expect(requestsPerCpuSecond).toBe(221.2);
    expect(cpuPerRequest(before, after, 0).cpu.total).toBeNaN();
  });

  it('reads this process\'s own CPU and memory from /proc', async () => {
    expect(await cpuMs(process.pid)).toBeGreaterThan(0);
    expect(await residentMiB(process.pid)).toBeGreaterThan(10);
  });
});
