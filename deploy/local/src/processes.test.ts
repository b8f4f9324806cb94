import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exponentialBackoff, startProcess, type ProcessSpec } from './processes.js';

const logsDir = mkdtempSync(path.join(tmpdir(), 'supervisor-'));
const node = (name: string, script: string): ProcessSpec => ({
  name,
  command: [process.execPath, '-e', script],
  env: {},
  logFile: path.join(logsDir, `${name}.log`),
});
const fastPolicy = { maxRestartsPerMinute: 2, backoffMs: exponentialBackoff(10, 40) };

describe('exponentialBackoff', () => {
  it('doubles from the initial delay up to the cap', () => {
    const backoff = exponentialBackoff(500, 8_000);
    expect([1, 2, 3, 4, 5, 6, 12].map(backoff)).toEqual([500, 1_000, 2_000, 4_000, 8_000, 8_000, 8_000]);
  });
});

describe('a supervised process', () => {
  it('is not restarted before supervise(): a failed start ends with its exit code', async () => {
    const managed = startProcess(node('fails-at-start', 'console.log("bad config"); process.exit(3)'));
    expect(await managed.exited).toBe(3);
    expect(managed.restarts).toBe(0);
    expect(readFileSync(managed.logFile, 'utf8')).toContain('bad config');
  });

  it('is restarted with back-off after a crash, one line each time, then given up in a crash loop', async () => {
    const lines: string[] = [];
    const managed = startProcess(node('crash-loop', 'setTimeout(() => process.exit(7), 50)'));
    managed.supervise(fastPolicy, (line) => lines.push(line));
    expect(await managed.exited).toBe(7);
    expect(managed.restarts).toBe(2);
    expect(lines).toEqual([
      `crash-loop exited unexpectedly (code 7); restarting in 0.0 s (restart 1 of 2 allowed within a minute); log: ${managed.logFile}`,
      `crash-loop exited unexpectedly (code 7); restarting in 0.0 s (restart 2 of 2 allowed within a minute); log: ${managed.logFile}`,
      `crash-loop crashed 3 times within a minute: it stays stopped, and the rest of the platform keeps running without it. Read ${managed.logFile}, fix the cause, then restart \`npm start\`.`,
    ]);
  });

  it('comes back after kill -9, reports when it is ready again, and stops without a restart', async () => {
    const lines: string[] = [];
    const managed = startProcess({ ...node('killed', 'setInterval(() => undefined, 1000)'), isReady: async () => true });
    managed.supervise(fastPolicy, (line) => lines.push(line));
    const first = managed.pid;
    process.kill(first, 'SIGKILL');
    await expect.poll(() => lines.length, { timeout: 15_000 }).toBe(2);
    expect(lines[0]).toMatch(/^killed exited unexpectedly \(signal SIGKILL\); restarting in 0\.0 s/);
    expect(lines[1]).toMatch(/^killed is ready again, \d+\.\d s after it exited$/);
    expect(managed.pid).not.toBe(first);
    expect(managed.restarts).toBe(1);

    const second = managed.pid;
    managed.unsupervise();
    await managed.stop();
    expect(() => process.kill(second, 0)).toThrow();
    expect(lines).toHaveLength(2);
  });
});
