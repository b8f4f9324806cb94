import { afterEach, describe, expect, it, vi } from 'vitest';
import { step, withProgress } from './progress.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('start-up progress', () => {
  it('reports a progress line every 10 s while a step runs, none after it ended', async () => {
    vi.useFakeTimers();
    const lines: string[] = [];
    let finish: (value: string) => void = () => undefined;
    const running = withProgress((line) => lines.push(line), 'still fetching', () => new Promise<string>((resolve) => (finish = resolve)));
    await vi.advanceTimersByTimeAsync(25_000);
    finish('done');
    expect(await running).toBe('done');
    await vi.advanceTimersByTimeAsync(30_000);
    expect(lines).toEqual(['still fetching (10 s)…', 'still fetching (20 s)…']);
  });

  it('ends a step with what it did and its duration', async () => {
    vi.useFakeTimers();
    const lines: string[] = [];
    const done = step((line) => lines.push(line), 'migrations', () => new Promise<string[]>((resolve) => setTimeout(() => resolve(['users']), 4_100)), (migrated) => `migrations applied to ${migrated.join(', ')}`);
    await vi.advanceTimersByTimeAsync(4_100);
    expect(await done).toEqual(['users']);
    expect(lines).toEqual(['migrations applied to users (4.1 s)']);
  });
});
