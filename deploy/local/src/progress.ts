/** Honest progress for a person watching a long start: a line while a step runs long, its duration after. */

/** Seconds with one decimal, for progress lines. */
export const secondsSince = (startedMs: number) => `${((Date.now() - startedMs) / 1000).toFixed(1)} s`;

/**
 * Runs `work`; every `everyMs` while it runs, reports `<label> (<elapsed>)…` so a slow step (a first-run
 * download, migrations on a busy machine) never looks hung.
 */
export async function withProgress<T>(report: (line: string) => void, label: string, work: () => Promise<T>, everyMs = 10_000): Promise<T> {
  const started = Date.now();
  const timer = setInterval(() => report(`${label} (${Math.round((Date.now() - started) / 1000)} s)…`), everyMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

/**
 * One start-up step: runs `work` with progress lines, then reports what it did with the step's duration,
 * e.g. `migrations applied to users, orders (4.1 s)`. `describe` words the result (default: `label`).
 */
export async function step<T>(
  report: (line: string) => void,
  label: string,
  work: () => Promise<T>,
  describe: (result: T) => string = () => label,
): Promise<T> {
  const started = Date.now();
  const result = await withProgress(report, `${label}: still working`, work);
  report(`${describe(result)} (${secondsSince(started)})`);
  return result;
}
