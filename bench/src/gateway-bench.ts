/**
 * `npm run bench`: our router side by side with the stock @apollo/gateway and Hive Gateway, on the same
 * subgraphs, data and machine, in one run. The subgraphs start once (databases `commerce_bench_*`, a
 * broker of their own); then each gateway in turn serves the same supergraph and is driven on loopback
 * at each concurrency for a fixed time per operation; then the "direct" baseline runs each operation's
 * plan straight against the subgraphs. Every gateway's answers are first checked against the direct
 * answers, so no gateway is measured returning something else.
 *
 * Settings: BENCH_DURATION (seconds per point, default 10), BENCH_WARMUP (seconds per operation before
 * a gateway's first point, default 3), BENCH_SUBGRAPH_WARMUP (seconds per operation of direct load before
 * any gateway, default 10), BENCH_CONCURRENCY (default 1,50,200), BENCH_GATEWAYS (default
 * ours,apollo,hive), BENCH_RESULTS_DIR (default bench/results), BENCH_PROFILE_DIR (the router and subgraphs write V8 CPU profiles there, to open in
 * Chrome DevTools or speedscope).
 */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { decodeJwt } from 'jose';
import { encodeClaims } from '@commerce/kit/auth';
import { parseCommand } from '@commerce/kit/cli';
import { SERVICES, type ServiceName } from '@commerce/kit/service-config';
import { dataDir, repoRoot } from '@commerce/stack/paths';
import { metricValue } from '@commerce/stack/prometheus';
import { seedBenchData } from './bench-data.js';
import { benchStack } from './bench-stack.js';
import { GATEWAY_TITLES, cpuMs, residentMiB, startPeer, type GatewayName, type RunningGateway } from './gateways.js';
import { loadHttp, loadLoop, type Figures } from './load.js';
import { DirectClient, PRODUCT_LIST, operations, type Operation, type OperationName } from './operations.js';
import { evaluateTargets, formatTable, writeResults, type BenchResults, type Series } from './report.js';

parseCommand({
  command: 'npm run bench',
  summary:
    'Benchmarks our router, the stock @apollo/gateway and Hive Gateway on the same subgraphs and data, plus the direct baseline; ' +
    'writes bench/results/<date>.{json,md}. Settings are environment variables.',
  options: {},
  environment: [
    ['BENCH_DURATION', 'seconds per measured point (default 10)'],
    ['BENCH_WARMUP', "seconds per operation before a gateway's first point (default 3)"],
    ['BENCH_SUBGRAPH_WARMUP', 'seconds per operation of direct load before any gateway (default 10)'],
    ['BENCH_CONCURRENCY', 'comma-separated concurrencies (default 1,50,200)'],
    ['BENCH_GATEWAYS', 'comma-separated gateways: ours, apollo, hive (default all three)'],
    ['BENCH_RESULTS_DIR', 'where results are written (default bench/results)'],
    ['BENCH_PROFILE_DIR', 'when set, the router and subgraphs write V8 CPU profiles there'],
    ['REDIS_URL', "our router's Redis (default redis://127.0.0.1:6379)"],
    ['DATABASE_URL', 'the PostgreSQL server for the commerce_bench_* databases (default postgresql://postgres@127.0.0.1:5432/postgres)'],
    ['KAFKA_BROKERS', 'a broker to use instead of starting one'],
  ],
  exitCodes: { 1: 'the stack did not start, or a gateway answered differently from the subgraphs' },
});

const say = (line: string) => process.stdout.write(`[bench] ${line}\n`);
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
const SUBGRAPH_WARMUP = Number(process.env.BENCH_SUBGRAPH_WARMUP ?? 10);
const CONCURRENCIES = (process.env.BENCH_CONCURRENCY ?? '1,50,200').split(',').map(Number);
const GATEWAYS = (process.env.BENCH_GATEWAYS ?? 'ours,apollo,hive').split(',') as GatewayName[];

async function main(): Promise<void> {
  const routerSecret = randomBytes(24).toString('hex');
  // Our router as production runs it: limits, cost, auth, persisted queries and APQ, rate limiting in
  // Redis (with a ceiling the load cannot reach), tracing and metrics all on.
  const bench = await benchStack(say, {
    NODE_ENV: 'production',
    ROUTER_SHARED_SECRET: routerSecret,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    RATE_LIMIT_MAX: '1000000000',
    ...(process.env.BENCH_PROFILE_DIR ? { BENCH_PROFILE_DIR: path.resolve(process.env.BENCH_PROFILE_DIR), NODE_OPTIONS: `--import ${path.join(repoRoot, 'bench/src/cpu-profile.mjs')}` } : {}),
  });
  const peers: RunningGateway[] = [];
  try {
    const stack = bench.stack!;
    const data = await seedBenchData(bench.routerUrl, say);
    const ops = operations(data.sku);
    const direct = new DirectClient(stack.subgraphUrls, routerSecret, encodeClaims(decodeJwt(data.buyerToken)));
    const expected = new Map<OperationName, unknown>();
    for (const operation of ops) expected.set(operation.name, await direct.run(operation));

    // The subgraphs and PostgreSQL warm up first (JIT, plans, caches), so the gateway measured first is
    // not measured against colder subgraphs than the baseline measured last.
    say(`warming up the subgraphs: each plan direct at concurrency 50 for ${SUBGRAPH_WARMUP} s`);
    for (const operation of ops) await loadLoop(() => direct.run(operation), { concurrency: 50, durationSeconds: SUBGRAPH_WARMUP });

    const supergraphPath = await peerSupergraph(stack.subgraphUrls);
    const routerProcess = stack.processes.find((p) => p.name === 'router')!;
    const gateways = {} as BenchResults['gateways'];
    for (const name of GATEWAYS) {
      const gateway: RunningGateway =
        name === 'ours'
          ? { name, url: bench.routerUrl, pid: routerProcess.child.pid!, stop: async () => undefined }
          : await startPeer(name, { supergraphPath, jwksUrl: new URL('/.well-known/jwks.json', stack.subgraphUrls.users).toString(), routerSecret, logsDir: path.join(dataDir, 'bench-logs') });
      if (name !== 'ours') peers.push(gateway);
      say(`${GATEWAY_TITLES[name]}: checking answers, warming up`);
      const series = await measureGateway(gateway, ops, data.buyerToken, expected);
      gateways[name] = { title: GATEWAY_TITLES[name], rssMiB: await residentMiB(gateway.pid), series };
      if (name !== 'ours') await gateway.stop();
    }

    say('direct: the same plans straight against the subgraphs');
    const directSeries = await measureDirect(direct, ops);
    await direct.close();

    const sqlPerRequest = { '10': await statementsPerRequest(bench.routerUrl, stack.metricsUrls, 10), '100': await statementsPerRequest(bench.routerUrl, stack.metricsUrls, 100) };
    const partial: Omit<BenchResults, 'targets'> = {
      date: new Date().toISOString(),
      machine: { cpus: availableParallelism(), node: process.version },
      settings: { durationSeconds: DURATION, warmupSeconds: WARMUP, subgraphWarmupSeconds: SUBGRAPH_WARMUP, concurrencies: CONCURRENCIES },
      operations: Object.fromEntries(ops.map((operation) => [operation.name, operation.title])) as Record<OperationName, string>,
      gateways,
      direct: directSeries,
      sqlPerRequest,
    };
    const results: BenchResults = { ...partial, targets: GATEWAYS.length === 3 ? evaluateTargets(partial) : [] };
    process.stdout.write(`${formatTable(results)}\n`);
    const written = await writeResults(results, path.resolve(repoRoot, process.env.BENCH_RESULTS_DIR ?? 'bench/results'));
    say(`wrote ${path.relative(repoRoot, written.json)} and ${path.relative(repoRoot, written.svg)}`);
  } finally {
    await Promise.allSettled(peers.map((peer) => peer.stop()));
    await bench.stop();
  }
}

/** Checks the gateway's answers, warms it up, then drives every operation at every concurrency. */
async function measureGateway(gateway: RunningGateway, ops: Operation[], token: string, expected: Map<OperationName, unknown>): Promise<Series> {
  for (const operation of ops) await expectSameAnswer(gateway, operation, token, expected.get(operation.name));
  for (const operation of ops) await drive(gateway, operation, token, { concurrency: 50, durationSeconds: WARMUP });
  const series = {} as Series;
  for (const operation of ops) {
    series[operation.name] = {};
    for (const concurrency of CONCURRENCIES) {
      const cpuBefore = await cpuMs(gateway.pid);
      const figures = await drive(gateway, operation, token, { concurrency, durationSeconds: DURATION });
      figures.gatewayCpuMsPerRequest = Math.round(((await cpuMs(gateway.pid)) - cpuBefore) / Math.max(1, figures.requests) * 100) / 100;
      series[operation.name][concurrency] = figures;
      say(`  ${gateway.name} ${operation.name} c${concurrency}: ${figures.requestsPerSecond} req/s, p50 ${figures.p50Ms} ms, p99 ${figures.p99Ms} ms, ${figures.errors} errors`);
    }
  }
  return series;
}

async function measureDirect(direct: DirectClient, ops: Operation[]): Promise<Series> {
  const series = {} as Series;
  for (const operation of ops) {
    await loadLoop(() => direct.run(operation), { concurrency: 50, durationSeconds: WARMUP });
    series[operation.name] = {};
    for (const concurrency of CONCURRENCIES) {
      series[operation.name][concurrency] = await loadLoop(() => direct.run(operation), { concurrency, durationSeconds: DURATION });
    }
  }
  return series;
}

/** What a client sends for the operation: the JSON body, and the buyer's token when it needs one. */
function requestOf(operation: Operation, token: string): { body: string; headers: Record<string, string> } {
  return {
    body: JSON.stringify({ query: operation.query, variables: operation.variables }),
    headers: operation.authenticated ? { authorization: `Bearer ${token}` } : {},
  };
}

function drive(gateway: RunningGateway, operation: Operation, token: string, options: { concurrency: number; durationSeconds: number }): Promise<Figures> {
  const { body, headers } = requestOf(operation, token);
  return loadHttp(gateway.url, body, headers, options);
}

async function expectSameAnswer(gateway: RunningGateway, operation: Operation, token: string, expected: unknown): Promise<void> {
  const { body, headers } = requestOf(operation, token);
  const response = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const answer = (await response.json()) as { data?: unknown; errors?: unknown };
  if (response.status !== 200 || answer.errors || !isDeepStrictEqual(answer.data, expected)) {
    throw new Error(`${gateway.name} answered ${operation.name} differently (HTTP ${response.status}):\n${JSON.stringify(answer).slice(0, 600)}\nexpected data:\n${JSON.stringify(expected).slice(0, 600)}`);
  }
}

/** The committed supergraph with its routing URLs pointed at this run's subgraphs, for the peers. */
async function peerSupergraph(subgraphUrls: Record<ServiceName, string>): Promise<string> {
  let sdl = await readFile(path.join(repoRoot, 'schema/supergraph.graphql'), 'utf8');
  for (const service of SERVICES) {
    sdl = sdl.replace(new RegExp(`(@join__graph\\(name: "${service}", url: ")[^"]*(")`), `$1${subgraphUrls[service]}$2`);
  }
  const file = path.join(dataDir, 'bench-supergraph.graphql');
  await writeFile(file, sdl);
  return file;
}

/** SQL statements one list request causes in each subgraph, from their db_queries_total counters. */
async function statementsPerRequest(routerUrl: string, metricsUrls: Record<ServiceName, string>, first: number): Promise<Record<string, number>> {
  const count = (service: ServiceName) => metricValue(metricsUrls[service], 'db_queries_total', { source: 'graphql' }, { absentAsZero: true });
  const before = await Promise.all(SERVICES.map(count));
  const response = await fetch(routerUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: PRODUCT_LIST, variables: { first } }) });
  const answer = (await response.json()) as { data?: { products: { edges: unknown[] } } };
  if (answer.data?.products.edges.length !== first) throw new Error(`the list of ${first} came back with ${answer.data?.products.edges.length} products`);
  const after = await Promise.all(SERVICES.map(count));
  return Object.fromEntries(SERVICES.map((service, i) => [service, after[i]! - before[i]!]));
}

main().catch((error: unknown) => {
  process.stderr.write(`[bench] ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
