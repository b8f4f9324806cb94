/**
 * The README's command-output blocks that need a running platform or a bare machine: `npm start` (with a
 * products subgraph killed and Ctrl-C), its crash/restart lines, `npm run reconcile` and `npm run doctor`.
 * Each is a real run, normalised: what differs per machine or run (durations, versions, paths, disk
 * space, ids, the free ports and names a scratch run uses instead of the defaults) becomes a stable
 * placeholder or the documented default, so the README block is byte for byte what a normalised run
 * prints on any machine.
 *
 * Used twice: by `npm run docs:examples` (which writes the README) and by the integration tests that
 * compare the README with a run (`tests/platform/npm-start.test.ts`, `tests/platform/readme-examples.test.ts`),
 * which is how CI checks these blocks: inside `npm test`, on the npm start run that suite makes anyway.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { parseConfig } from '@commerce/kit/config';
import { stackConfigShape } from '@commerce/stack/config';
import { dataDir, repoRoot } from '@commerce/stack/paths';
import { freePort } from '@commerce/stack/ports';
import { databaseUrl, dropDatabases, serviceDatabaseNames } from '@commerce/stack/postgres';
import { SYSTEM_TOOLS } from '@commerce/stack/system-tools';

const exec = promisify(execFile);

/** Every port `npm start` listens on (or its broker does), by the variable that moves it. */
export const PORT_VARIABLES = [
  'ROUTER_PORT',
  'USERS_PORT',
  'PRODUCTS_PORT',
  'REVIEWS_PORT',
  'ORDERS_PORT',
  'STOREFRONT_PORT',
  'ROUTER_METRICS_PORT',
  'USERS_METRICS_PORT',
  'PRODUCTS_METRICS_PORT',
  'REVIEWS_METRICS_PORT',
  'ORDERS_METRICS_PORT',
  'KAFKA_PORT',
  'KAFKA_CONTROLLER_PORT',
] as const;
export type PortVariable = (typeof PORT_VARIABLES)[number];

/** The documented defaults of npm start's settings (its configuration schema with nothing set). */
const defaults = parseConfig(stackConfigShape, {});

/** `npm start`'s settings a developer's shell might carry in: a scratch run sets its own or none. */
const START_SETTINGS = ['DATABASE_URL', 'KAFKA_BROKERS', 'PORT', 'METRICS_PORT', 'ADMIN_EMAIL', 'ADMIN_PASSWORD', 'SEED_DEMO_DATA', 'EMBEDDED_POSTGRES_PORT', 'KAFKA_TOPIC_PREFIX', 'DATABASE_NAME_PREFIX', 'REDIS_URL', 'HOST', ...PORT_VARIABLES];

function cleanEnv(): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of START_SETTINGS) delete env[name];
  return env;
}

/** Lines whose presence depends on the machine's speed or state, not on what `npm start` does. */
const STATE_LINES = [
  / still working \(\d+ s\)…$/, // a progress line every 10 s of a step: how many depends on the machine
  /^\[start\] (fetching the Kafka|still fetching|fetched) .*broker's jars/, // first run on a machine only
  /^\[start\] building the storefront$/, // only when its sources changed since the last build
];

/**
 * `npm start`'s output as the README shows it: state-dependent lines dropped (see STATE_LINES), the Node
 * version and every duration a placeholder, and what a scratch run moved (ports, database prefix, topic
 * prefix, Redis URL) written as the documented default it stands for.
 */
export function normaliseStartOutput(output: string, run: { ports: Record<PortVariable, number>; prefix: string; redisUrl?: string }): string {
  const defaultPort = new Map<number, number>(PORT_VARIABLES.map((name) => [run.ports[name], defaults[name]]));
  return output
    .split('\n')
    .filter((line) => !STATE_LINES.some((pattern) => pattern.test(line)))
    .join('\n')
    .replace(/Node v\d+\.\d+\.\d+/g, 'Node v<version>')
    .replace(/\((\d+(?:\.\d+)?) s\)$/gm, '(<n> s)')
    .replace(/ready again, \d+(?:\.\d+)? s after/g, 'ready again, <n> s after')
    .replace(/ready in \d+(?:\.\d+)?s:/g, 'ready in <n>s:')
    .replace(run.redisUrl ? new RegExp(escape(run.redisUrl), 'g') : /$^/, 'redis://127.0.0.1:6379')
    .replace(new RegExp(`\\b${escape(run.prefix)}_`, 'g'), `${defaults.DATABASE_NAME_PREFIX}_`)
    .replace(/:(\d{2,5})(?!\d)/g, (match, port: string) => {
      const moved = defaultPort.get(Number(port));
      return moved === undefined ? match : `:${moved}`;
    });
}

/**
 * `npm run reconcile`'s output as the README shows it: ids (UUIDs) a placeholder; the counts and field
 * names are what the demo data and the drift made for the example give.
 */
export function normaliseReconcileOutput(output: string): string {
  return output.replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, '<id>');
}

/**
 * `npm run doctor`'s output as the README shows it: versions, the Node binary's path and the free disk
 * space are placeholders; the lines that say what this machine has already (the broker's jars cached or
 * Maven to fetch them; each test tool found or how to install it) are left out, with their `→` hints.
 */
export function normaliseDoctorOutput(output: string): string {
  const tools = SYSTEM_TOOLS.map((tool) => escape(tool.command)).join('|');
  const machineState = new RegExp(`^(✔ Kafka \\S+ jars cached in .*|✔ Maven \\d+; the first start fetches .*|✔ (${tools}), for .*|! (${tools}) not found .*)$`);
  const lines = output.split('\n');
  const kept = lines.filter((line, index) => !machineState.test(line) && !(line.startsWith('    → ') && machineState.test(lines[index - 1] ?? '')));
  return kept
    .join('\n')
    .replace(/^✔ Node \d+\.\d+\.\d+ \(.*\)$/m, '✔ Node <version> (<path>)')
    .replace(/^✔ Java \d+$/m, '✔ Java <version>')
    .replace(/^✔ \d+ GB free on disk$/m, '✔ <n> GB free on disk');
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A running `npm start` of this module's (see startScratch). */
export interface ScratchStart {
  ports: Record<PortVariable, number>;
  /** Its DATABASE_NAME_PREFIX (and topic prefix), new per run. */
  prefix: string;
  databases: string[];
  /** The server its databases are on. */
  serverUrl: string;
  redisUrl?: string;
  child: ChildProcess;
  /** Its standard output so far (standard error is in `errors`). */
  output: () => string;
  errors: () => string;
  /** Resolves once the output contains `text`; rejects if npm start exits first or after `timeoutMs`. */
  waitFor: (text: string, timeoutMs: number) => Promise<void>;
  /** Kills one of its services with SIGKILL, as a crash would (by the process id of its node process). */
  kill: (service: string) => void;
  /** Ctrl-C: SIGINT, then its exit code. */
  interrupt: () => Promise<number | null>;
  /** Stops it if still running (SIGINT, then SIGKILL after 20 s) and drops its databases. */
  dispose: () => Promise<void>;
}

/**
 * Runs `npm start` (deploy/local/src/start.ts, as the npm script runs it) from a clean environment with
 * every port moved to a free one, databases `<prefix>_*` and topics `<prefix>.*` new to this run, its own
 * local broker on a new data directory (a mount namespace: Linux, root or CAP_SYS_ADMIN), and the demo
 * data seeded (unless `env` says otherwise). PostgreSQL is found as npm start finds it (127.0.0.1:5432);
 * `redisUrl` is its REDIS_URL.
 */
export async function startScratch(options: { serverUrl: string; redisUrl?: string; env?: Record<string, string> }): Promise<ScratchStart> {
  const prefix = `commerce_scratch_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const ports = Object.fromEntries(await Promise.all(PORT_VARIABLES.map(async (name) => [name, await freePort()] as const))) as Record<PortVariable, number>;
  const env = {
    ...cleanEnv(),
    ...Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, String(port)])),
    DATABASE_NAME_PREFIX: prefix,
    KAFKA_TOPIC_PREFIX: `${prefix}.`,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'development',
    ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
    ...options.env,
  };
  // The broker's data directory is `.data/kafka` whatever the ports: a scratch broker on another port over
  // an existing one's data can refuse the topics for a while after it starts. A mount namespace gives this
  // run a new, empty directory there (and leaves a developer's broker data alone). `unshare` and `sh`
  // exec, so `child` is npm start's own process.
  const kafkaData = mkdtempSync(path.join(tmpdir(), 'scratch-kafka-'));
  const script = 'mkdir -p "$KAFKA_DATA" && mount --bind "$SCRATCH_KAFKA_DATA" "$KAFKA_DATA" && exec "$NODE" --import tsx deploy/local/src/start.ts';
  const child = spawn('unshare', ['--mount', 'sh', '-c', script], {
    cwd: repoRoot,
    env: { ...env, KAFKA_DATA: path.join(dataDir, 'kafka'), SCRATCH_KAFKA_DATA: kafkaData, NODE: process.execPath },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const running = () => child.exitCode === null && child.signalCode === null;
  const databases = Object.values(serviceDatabaseNames(prefix));
  return {
    ports,
    prefix,
    databases,
    serverUrl: options.serverUrl,
    redisUrl: options.redisUrl,
    child,
    output: () => stdout,
    errors: () => stderr,
    waitFor: (text, timeoutMs) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no "${text}" within ${timeoutMs} ms:\n${stdout}${stderr}`)), timeoutMs);
        const check = () => {
          if (!stdout.includes(text)) return;
          clearTimeout(timer);
          child.stdout.off('data', check);
          resolve();
        };
        child.stdout.on('data', check);
        check();
        void exited.then((code) => {
          clearTimeout(timer);
          if (!stdout.includes(text)) reject(new Error(`npm start exited ${code} before "${text}":\n${stdout}${stderr}`));
        });
      }),
    kill: (service) => {
      const pid = descendantRunning(child.pid!, `subgraphs/${service}/src/index.ts`);
      process.kill(pid, 'SIGKILL');
    },
    interrupt: async () => {
      if (!running()) throw new Error(`npm start is not running:\n${stdout}${stderr}`);
      child.kill('SIGINT');
      return exited;
    },
    dispose: async () => {
      if (running()) {
        child.kill('SIGINT');
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 20_000))]);
        if (running()) child.kill('SIGKILL');
      }
      await dropDatabases(options.serverUrl, databases);
      rmSync(kafkaData, { recursive: true, force: true });
    },
  };
}

/** The process id of the descendant of `ancestor` whose command line contains `command` (Linux /proc). */
function descendantRunning(ancestor: number, command: string): number {
  const parents = new Map<number, number>();
  const commands = new Map<number, string>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      commands.set(Number(entry), readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' '));
    } catch {
      // gone meanwhile
    }
  }
  const descends = (pid: number): boolean => {
    for (let current = parents.get(pid); current !== undefined && current > 1; current = parents.get(current)) if (current === ancestor) return true;
    return false;
  };
  const found = [...commands].filter(([pid, line]) => line.includes(command) && descends(pid)).map(([pid]) => pid);
  if (found.length !== 1) throw new Error(`expected one process running ${command} under ${ancestor}, found ${found.length}`);
  return found[0]!;
}

/** `npm run reconcile` (dry run) on a scratch run's databases: exit code and standard output. */
export function reconcile(run: Pick<ScratchStart, 'serverUrl' | 'prefix'>): Promise<{ code: number; stdout: string }> {
  return exec(process.execPath, ['--import', 'tsx', 'deploy/local/src/reconcile-cli.ts'], {
    cwd: repoRoot,
    env: { ...cleanEnv(), DATABASE_URL: run.serverUrl, DATABASE_NAME_PREFIX: run.prefix },
  }).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
  );
}

/** The README's reconcile example: once the demo data has settled (no drift), one product's review count drifted by hand, then a dry run. */
export async function reconcileExample(run: Pick<ScratchStart, 'serverUrl' | 'prefix'>): Promise<string> {
  const settledBy = Date.now() + 60_000;
  for (let last = await reconcile(run); last.code !== 0; last = await reconcile(run)) {
    if (Date.now() > settledBy) throw new Error(`the demo data did not settle within 60 s:\n${last.stdout}`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  const client = new pg.Client({ connectionString: databaseUrl(run.serverUrl, serviceDatabaseNames(run.prefix).products) });
  await client.connect();
  try {
    const { rowCount } = await client.query("UPDATE products SET review_count = review_count + 7 WHERE sku = 'MUG-001'");
    if (rowCount !== 1) throw new Error('the demo product MUG-001 is missing');
  } finally {
    await client.end();
  }
  const { code, stdout } = await reconcile(run);
  if (code !== 3) throw new Error(`reconcile should find the drift and exit 3, but exited ${code}:\n${stdout}`);
  return normaliseReconcileOutput(stdout).trimEnd();
}

/** The README's `npm start` block, and its crash/restart excerpt, from a scratch run's whole output (through Ctrl-C). */
export function startBlocks(run: Pick<ScratchStart, 'ports' | 'prefix' | 'redisUrl' | 'output'>): { 'npm-start': string; 'crash-restart': string } {
  const normalised = normaliseStartOutput(run.output(), run).trimEnd();
  const crash = normalised.split('\n').filter((line) => /^\[start\] products (exited unexpectedly|is ready again)/.test(line));
  if (crash.length !== 2) throw new Error(`expected the products subgraph's crash and restart lines:\n${normalised}`);
  return { 'npm-start': normalised, 'crash-restart': crash.join('\n') };
}

/** How long the scratch run may take to be ready: a first start migrates four databases and starts a broker. */
export const START_TIMEOUT_MS = 240_000;

/**
 * The README's `npm run doctor` example: doctor on this machine, but in a network namespace of its own
 * (`unshare --net`, root or CAP_SYS_ADMIN): nothing answers there, as on a bare laptop, so PostgreSQL
 * and Redis are "not found" on every machine alike, and USERS_PORT is held by a listener, as by another
 * `npm start`. Linux only.
 */
export async function doctorExample(): Promise<string> {
  const usersPort = defaults.USERS_PORT;
  const holder = `"$NODE" -e 'require("net").createServer().listen(${usersPort}, "127.0.0.1"); setTimeout(() => process.exit(0), 30000)' &`;
  const script = `ip link set lo up && ${holder} sleep 1 && "$NODE" --import tsx deploy/local/src/doctor.ts; code=$?; kill $! 2>/dev/null; exit $code`;
  const outcome = await exec('unshare', ['--net', 'sh', '-c', script], { cwd: repoRoot, env: { ...cleanEnv(), NODE: process.execPath } }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
  if (outcome.code !== 1 || !outcome.stdout.includes(`port ${usersPort} (USERS_PORT) is in use`)) {
    throw new Error(`doctor in a network namespace (needs root or CAP_SYS_ADMIN) should report USERS_PORT in use and exit 1; exited ${outcome.code}:\n${outcome.stdout}${outcome.stderr}`);
  }
  return normaliseDoctorOutput(outcome.stdout).trimEnd();
}

/** Every block of this module from one scratch run (about a minute or two): what `npm run docs:examples` writes. */
export async function liveExamples(serverUrl: string, redisUrl?: string): Promise<Record<string, string>> {
  const run = await startScratch({ serverUrl, redisUrl });
  try {
    await run.waitFor('Supergraph ready in', START_TIMEOUT_MS);
    const reconcileBlock = await reconcileExample(run);
    run.kill('products');
    await run.waitFor('products is ready again', 120_000);
    const code = await run.interrupt();
    if (code !== 0) throw new Error(`npm start exited ${code} on Ctrl-C:\n${run.output()}${run.errors()}`);
    return { ...startBlocks(run), reconcile: reconcileBlock, doctor: await doctorExample() };
  } finally {
    await run.dispose();
  }
}
