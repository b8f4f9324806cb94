/** Child processes of the local stack: started with their own env and log file, stopped together. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, closeSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './paths.js';
import { StartupError } from './startup-error.js';

export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  logFile: string;
  exited: Promise<number | null>;
  stop: () => Promise<void>;
}

/**
 * Runs a TypeScript entry point with tsx. The IPC channel is there so that the child notices when this
 * process dies without stopping it (the kit shuts down on `disconnect`): no orphans left behind.
 */
export function startNodeProcess(name: string, entry: string, env: Record<string, string>, logsDir: string): ManagedProcess {
  mkdirSync(logsDir, { recursive: true });
  const logFile = path.join(logsDir, `${name}.log`);
  const fd = openSync(logFile, 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, entry)], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', fd, fd, 'ipc'],
  });
  closeSync(fd);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    name,
    child,
    logFile,
    exited,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The last lines of a process's log, to show why it failed. */
export function logTail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Polls `url` until it answers 200; fails early, with the log tail, if the process exits. */
export async function waitUntilReady(processInfo: ManagedProcess, url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  processInfo.exited.then((code) => (exitCode = code)).catch(() => undefined);
  let last = '';
  while (Date.now() < deadline) {
    if (exitCode !== undefined) {
      throw new StartupError(`${processInfo.name} exited (code ${exitCode}) while starting:\n${logTail(processInfo.logFile)}`, `Read ${processInfo.logFile} for the cause; \`npm run doctor\` checks the prerequisites.`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
      last = `${response.status} ${await response.text()}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new StartupError(
    `${processInfo.name} was not ready within ${timeoutMs / 1000} s (${url}: ${last}):\n${logTail(processInfo.logFile)}`,
    `Read ${processInfo.logFile}; \`npm run doctor\` checks that PostgreSQL, Kafka and the ports are usable.`,
  );
}
