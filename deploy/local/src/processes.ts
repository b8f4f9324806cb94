/**
 * Child processes of the local stack, each run by a respawn monitor (mafintosh/respawn): started with
 * its own env and log file, stopped together. Until `supervise()` is called a process is not restarted,
 * so a process that cannot start fails the start-up with its log tail; after that, an unexpected exit
 * is restarted with exponential back-off, and a crash loop stops that process alone.
 */
import type { ChildProcess, StdioOptions } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import respawn from 'respawn';
import { repoRoot } from './paths.js';
import { StartupError } from './startup-error.js';

export interface ManagedProcess {
  name: string;
  /** The running child (after a restart, the new one). */
  child: ChildProcess;
  logFile: string;
  /** Resolves with the last exit code once the process is gone for good (stopped, or given up on). */
  exited: Promise<number | null>;
  stop: () => Promise<void>;
}

/** How a supervised process is restarted. */
export interface RestartPolicy {
  /** Restarts allowed within a minute of running time; one more exit and the process is given up on. */
  maxRestartsPerMinute: number;
  /** Delay before the n-th restart in a row (n from 1), in ms. */
  backoffMs: (restart: number) => number;
}

/** Exponential back-off: `initialMs`, twice that, four times, ... capped at `maxMs`. */
export function exponentialBackoff(initialMs: number, maxMs: number): (restart: number) => number {
  return (restart) => Math.min(initialMs * 2 ** Math.max(0, restart - 1), maxMs);
}

/** `npm start`'s policy: 0.5 s, 1 s, 2 s, 4 s, 8 s; a sixth crash within a minute gives up. */
export const DEFAULT_RESTART_POLICY: RestartPolicy = { maxRestartsPerMinute: 5, backoffMs: exponentialBackoff(500, 8_000) };

export interface SupervisedProcess extends ManagedProcess {
  /** The running incarnation's pid; 0 while waiting to restart or once gone. */
  readonly pid: number;
  /** Restarts since the process was first started. */
  readonly restarts: number;
  /** Restart the process when it exits unexpectedly, from now on, reporting each step on `report`. */
  supervise: (policy: RestartPolicy, report: (line: string) => void) => void;
  /**
   * Stop restarting it, at once: called for every process before an orderly stop, because Ctrl-C in a
   * terminal also signals the children themselves, and their exits must not look like crashes.
   */
  unsupervise: () => void;
}

export interface ProcessSpec {
  name: string;
  command: string[];
  env: Record<string, string>;
  /** Where the process's output goes (appended), or where it logs by itself when `onOutput` is given. */
  logFile: string;
  /** Read stdout and stderr line by line instead of appending them to `logFile`. */
  onOutput?: (line: string) => void;
  /** Keep an IPC channel, so that a Node child notices this process dying (the kit shuts down on `disconnect`). */
  ipc?: boolean;
  /** Grace period between SIGTERM and SIGKILL on stop. */
  stopGraceMs?: number;
  /** Whether a restarted process serves again; polled after each restart to report the recovery time. */
  isReady?: () => Promise<boolean>;
}

/** A path as a person in the working directory would type it (`.data/logs/users.log`). */
export function shownPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

/** Starts `spec.command` under a respawn monitor; see the module comment for when it is restarted. */
export function startProcess(spec: ProcessSpec): SupervisedProcess {
  mkdirSync(path.dirname(spec.logFile), { recursive: true });
  const fd = spec.onOutput ? null : openSync(spec.logFile, 'a');
  const output = fd ?? 'pipe';
  const stdio: StdioOptions = spec.ipc ? ['ignore', output, output, 'ipc'] : ['ignore', output, output];
  let policy: RestartPolicy | null = null;
  let report: (line: string) => void = () => undefined;
  let stopping = false;
  let restarts = 0;
  let lastExit: { code: number | null; signal: NodeJS.Signals | null; at: number } = { code: null, signal: null, at: 0 };
  let current: ChildProcess | null = null;

  const monitor = respawn(spec.command, {
    name: spec.name,
    cwd: repoRoot,
    env: spec.env,
    stdio,
    // Not restarted until supervise(): a process that cannot start must fail the start-up.
    maxRestarts: 0,
    kill: spec.stopGraceMs ?? 10_000,
    sleep: (restart) => {
      const delay = policy?.backoffMs(restart) ?? 0;
      const how = lastExit.signal ? `signal ${lastExit.signal}` : `code ${lastExit.code}`;
      report(
        `${spec.name} exited unexpectedly (${how}); restarting in ${(delay / 1000).toFixed(1)} s ` +
          `(restart ${restart} of ${policy?.maxRestartsPerMinute} allowed within a minute); log: ${shownPath(spec.logFile)}`,
      );
      return delay;
    },
  });
  const exited = new Promise<number | null>((resolve) => monitor.once('stop', () => resolve(lastExit.code)));
  monitor.once('stop', () => {
    if (fd !== null) closeSync(fd);
  });
  monitor.on('warn', (error) => report(`${spec.name}: ${error.message}`));
  monitor.on('exit', (code, signal) => {
    lastExit = { code, signal, at: Date.now() };
  });
  monitor.on('crash', () => {
    if (!policy || stopping) return;
    report(
      `${spec.name} crashed ${policy.maxRestartsPerMinute + 1} times within a minute: it stays stopped, and the rest ` +
        `of the platform keeps running without it. Read ${shownPath(spec.logFile)}, fix the cause, then restart \`npm start\`.`,
    );
  });
  monitor.on('spawn', (child) => {
    current = child;
    if (spec.onOutput) pipeLines(child, spec.onOutput);
    if (lastExit.at > 0) {
      restarts += 1;
      void reportRecovery(child, lastExit.at);
    }
  });

  async function reportRecovery(child: ChildProcess, exitedAt: number): Promise<void> {
    if (!spec.isReady) return;
    while (current === child && child.exitCode === null && child.signalCode === null && !stopping) {
      if (await spec.isReady().catch(() => false)) {
        if (current === child && !stopping) report(`${spec.name} is ready again, ${((Date.now() - exitedAt) / 1000).toFixed(1)} s after it exited`);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  monitor.start();
  if (!current) throw new Error(`${spec.name}: could not spawn ${spec.command[0]}`);

  return {
    name: spec.name,
    logFile: spec.logFile,
    exited,
    get child() {
      return current as ChildProcess;
    },
    get pid() {
      return monitor.pid;
    },
    get restarts() {
      return restarts;
    },
    supervise: (restartPolicy, reportTo) => {
      policy = restartPolicy;
      report = reportTo;
      monitor.maxRestarts = restartPolicy.maxRestartsPerMinute;
    },
    unsupervise: () => {
      stopping = true;
      monitor.maxRestarts = 0;
    },
    stop: () => {
      stopping = true;
      monitor.maxRestarts = 0;
      return new Promise<void>((resolve) => monitor.stop(() => resolve()));
    },
  };
}

/** Runs a TypeScript entry point with tsx, its output appended to `<logsDir>/<name>.log`. */
export function startNodeProcess(name: string, entry: string, env: Record<string, string>, logsDir: string, isReady?: () => Promise<boolean>): SupervisedProcess {
  return startProcess({
    name,
    command: [process.execPath, '--import', 'tsx', path.join(repoRoot, entry)],
    env,
    logFile: path.join(logsDir, `${name}.log`),
    ipc: true,
    isReady,
  });
}

function pipeLines(child: ChildProcess, onLine: (line: string) => void) {
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) if (line.trim()) onLine(line);
    });
  }
}

/** Whether `url` answers 200 right now (a readiness probe). */
export async function answersOk(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
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
