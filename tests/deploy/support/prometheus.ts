/**
 * Prometheus's own tools for the monitoring suite: promtool, a real Prometheus server on a scratch
 * directory, and a loose reader of the metric names a PromQL expression uses.
 */
import { execFile, spawn } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dataDir, repoRoot } from '@commerce/stack/paths';
import { parseMetrics } from '@commerce/stack/prometheus';
import { waitUntilReady, type ManagedProcess } from '@commerce/stack/processes';

const INSTALL_HINT = '`npm run setup` installs it (npm test runs it first as its pretest step)';

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion; a non-zero exit is a result (with its output), a missing binary an error. */
export function runTool(command: string, args: string[], cwd = repoRoot): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, timeout: 60_000 }, (error, stdout, stderr) => {
      if ((error as NodeJS.ErrnoException | null)?.code === 'ENOENT') {
        reject(new Error(`${command} is not installed (not on PATH): ${INSTALL_HINT}`));
        return;
      }
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

export const promtool = (...args: string[]) => runTool('promtool', args);

/** Fails with the install hint when the binary is missing, rather than with an unrelated error later. */
export async function requireTool(command: 'promtool' | 'prometheus'): Promise<string> {
  const result = await runTool(command, ['--version']);
  if (result.code !== 0) throw new Error(`${command} --version failed (${INSTALL_HINT}):\n${result.stderr}`);
  return `${result.stdout}${result.stderr}`.split('\n')[0] ?? command;
}

// PromQL words that are not metric names: operators, modifiers, and the literals inf / nan.
const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'offset', 'bool', 'inf', 'nan', 'atan2']);

/**
 * The metric names an expression reads, found loosely: strings, label matchers, ranges, grouping label
 * lists and Grafana variables are cut out; of the identifiers left, those called like functions and
 * the keywords are not metrics. Good enough for our own expressions, not a PromQL parser.
 */
export function metricNamesIn(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\$\{?\w+\}?/g, ' ');
  const names = new Set<string>();
  for (const match of stripped.matchAll(/(?<![\w.:])[a-zA-Z_:][\w:]*/g)) {
    const rest = stripped.slice((match.index ?? 0) + match[0].length);
    if (/^\s*\(/.test(rest) || KEYWORDS.has(match[0].toLowerCase())) continue;
    names.add(match[0]);
  }
  return [...names];
}

/** Metric families on a /metrics page (listed even before any sample), as the Prometheus text parser reads them. */
export function exposedMetricNames(page: string): Set<string> {
  return new Set(parseMetrics(page).families);
}

/** Whether `name` is known, as itself or as the _bucket/_sum/_count series of a known histogram. */
export function isKnownMetric(name: string, known: ReadonlySet<string>): boolean {
  return known.has(name) || known.has(name.replace(/_(?:bucket|sum|count)$/, ''));
}

export interface PrometheusServer {
  url: string;
  dir: string;
  logFile: string;
  stop: () => Promise<void>;
  /** `data` of a GET on the HTTP API (`/api/v1/...`). */
  api: <T>(pathAndQuery: string) => Promise<T>;
}

/** A Prometheus server on `port` with `config` (YAML text), its storage in a scratch directory. */
export async function startPrometheus(config: string, port: number): Promise<PrometheusServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'commerce-prometheus-'));
  const configFile = path.join(dir, 'prometheus.yml');
  writeFileSync(configFile, config);
  const logsDir = path.join(dataDir, 'test-logs');
  mkdirSync(logsDir, { recursive: true });
  const logFile = path.join(logsDir, 'prometheus-monitoring.log');
  const fd = openSync(logFile, 'w');
  const child = spawn(
    'prometheus',
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-lifecycle',
      '--log.level=warn',
    ],
    { cwd: dir, stdio: ['ignore', fd, fd] },
  );
  closeSync(fd);
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ENOENT' ? new Error(`prometheus is not installed (not on PATH): ${INSTALL_HINT}`) : error),
    );
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}`;
  try {
    await spawned;
    const managed: ManagedProcess = { name: 'prometheus', child, logFile, exited, stop };
    await waitUntilReady(managed, `${url}/-/ready`, 20_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    dir,
    logFile,
    stop,
    api: async <T>(pathAndQuery: string) => {
      const response = await fetch(`${url}${pathAndQuery}`);
      const body = (await response.json()) as { status: string; data: T; error?: string };
      if (body.status !== 'success') throw new Error(`${pathAndQuery}: ${body.error ?? response.status}`);
      return body.data;
    },
  };
}
