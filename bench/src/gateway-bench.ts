/**
 * `npm run bench`: our router side by side with the stock @apollo/gateway and Hive Gateway (its default
 * runtime and The Guild's Rust query planner), on the same subgraphs, data and machine, in one run. The
 * subgraphs start once (databases `<BENCH_DATABASE_PREFIX>_*`, a broker of their own); then each gateway
 * in turn serves the same supergraph and is driven on loopback through every scenario (scenarios.ts:
 * every request its own user's token, except the labelled deduplication scenario) at each concurrency
 * for a fixed time; then the "direct" baseline runs the plans straight against the subgraphs. Every
 * gateway's answers are first checked against the direct answers (or, for generated operations, the
 * first gateway's), so no gateway is measured returning something else. Each point records the CPU per
 * request of the gateway, every subgraph and the PostgreSQL backends (process-cpu.ts); the write
 * scenario also the saga's accept → CONFIRMED lag (saga-lag.ts); each point of our routers the entity
 * cache's hit rate, from the router's metrics port (entity-cache.ts). After `ours+cache`'s scenarios, the
 * invalidation-lag phase measures how soon each kind of write shows through its cache (invalidation-lag.ts).
 *
 * Settings: see the --help text below.
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
import { metricsPage, metricValue } from '@commerce/stack/prometheus';
import { seedBenchData, type BenchData } from './bench-data.js';
import { PREFIX, SERVER_URL, benchStack } from './bench-stack.js';
import { hitRate, lookupCounts } from './entity-cache.js';
import { DEDUPLICATION, GATEWAY_NAMES, GATEWAY_TITLES, parseGateways, startPeer, type GatewayName, type RunningGateway } from './gateways.js';
import { measureInvalidationLag, type InvalidationLag } from './invalidation-lag.js';
import { loadHttp, loadLoop, type Figures, type HttpRequest, type LoadOptions } from './load.js';
import { DirectClient } from './operations.js';
import { CpuMeter, cpuPerRequest, residentMiB } from './process-cpu.js';
import { baselineResults, evaluateTargets, formatTable, writeResults, type BenchResults, type Series } from './report.js';
import { placedOrderId, sagaLag } from './saga-lag.js';
import { PRODUCT_LIST, listVariables, parseScenarios, scenarios, type RequestSpec, type Scenario, type ScenarioName } from './scenarios.js';
import { requestFor, type TokenPools } from './tokens.js';

parseCommand({
  command: 'npm run bench',
  summary:
    'Benchmarks our router (entity cache off and on), the stock @apollo/gateway, Hive Gateway and Hive Gateway with the Rust query planner on the same subgraphs ' +
    'and data, plus the direct baseline, through per-user scenarios (every request its own account\'s token) and a labelled deduplication scenario; ' +
    'prints the table (req/s, latency, CPU per request of every process, requests per CPU-second, the entity cache\'s hit rate and invalidation lag) and the targets of issues 16 and 17, ' +
    'writes bench/results/<date>.{json,svg,md}. Settings are environment variables.',
  options: {},
  environment: [
    ['BENCH_DURATION', 'seconds per measured point (default 5)'],
    ['BENCH_WARMUP', "seconds per scenario at concurrency 50 before a gateway's first point (default 2)"],
    ['BENCH_SUBGRAPH_WARMUP', 'seconds per scenario of direct load before any gateway (default 2)'],
    ['BENCH_CONCURRENCY', 'comma-separated concurrencies (default 1,50,200; 1 only for productList)'],
    ['BENCH_GATEWAYS', 'comma-separated gateways: ours, ours+cache, apollo, hive, hive-rust (default all five)'],
    ['BENCH_SCENARIOS', 'comma-separated scenarios: dedup, productList, pages, product, myOrders, largeList, manyOperations, placeOrder (default all)'],
    ['BENCH_LAG_WRITES', 'writes of each invalidating kind (price, stock, review added, review removed) in the invalidation-lag phase after ours+cache; 0 skips it (default 4 × BENCH_DURATION, at least 3, at most 64)'],
    ['BENCH_BASELINE', 'a results JSON whose deduplication figures the "no regression" target compares with (default: the newest in the results directory)'],
    ['BENCH_RESULTS_DIR', 'where results are written (default bench/results)'],
    ['BENCH_DATABASE_PREFIX', 'prefix of the bench databases, logs and key directory (default commerce_bench); give concurrent runs different ones'],
    ['BENCH_PROFILE_DIR', 'when set, the routers and subgraphs write V8 CPU profiles there'],
    ['REDIS_URL', "our router's Redis (default redis://127.0.0.1:6379)"],
    ['DATABASE_URL', 'the PostgreSQL server for the bench databases (default postgresql://postgres@127.0.0.1:5432/postgres)'],
    ['KAFKA_BROKERS', 'a broker to use instead of starting one'],
  ],
  exitCodes: { 1: 'the stack did not start, or a gateway answered differently from the subgraphs' },
});

const started = performance.now();
const say = (line: string) => process.stdout.write(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);
const DURATION = Number(process.env.BENCH_DURATION ?? 5);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
const SUBGRAPH_WARMUP = Number(process.env.BENCH_SUBGRAPH_WARMUP ?? 2);
const CONCURRENCIES = (process.env.BENCH_CONCURRENCY ?? '1,50,200').split(',').map(Number);
const GATEWAYS = parseGateways(process.env.BENCH_GATEWAYS ?? 'ours,ours+cache,apollo,hive,hive-rust');
const SCENARIOS = process.env.BENCH_SCENARIOS ? parseScenarios(process.env.BENCH_SCENARIOS) : null;
const RESULTS_DIR = path.resolve(repoRoot, process.env.BENCH_RESULTS_DIR ?? 'bench/results');
/** Writes of each kind in the invalidation-lag phase: a few seconds in the one-second smoke run, more samples in a full one. */
const LAG_WRITES = Math.min(64, Number(process.env.BENCH_LAG_WRITES ?? Math.max(3, 4 * DURATION)));
/** How long the write scenario waits, after a point, for its orders to leave PENDING. */
const SAGA_WAIT_MS = 60_000;

/** The concurrencies a scenario is measured at: all configured, 1 only where it says so. */
const concurrenciesOf = (scenario: Scenario) => CONCURRENCIES.filter((c) => c !== 1 || scenario.atOne);

interface Run {
  tokens: TokenPools;
  meter: CpuMeter;
  ordersDatabaseUrl: string;
}

async function main(): Promise<void> {
  const routerSecret = randomBytes(24).toString('hex');
  // Our router as production runs it: limits, cost, auth, persisted queries and APQ, rate limiting in
  // Redis (with a ceiling the load cannot reach), tracing and metrics all on; the entity cache off for
  // `ours` (a second router has it on, for `ours+cache`).
  const bench = await benchStack(say, {
    NODE_ENV: 'production',
    ROUTER_SHARED_SECRET: routerSecret,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    RATE_LIMIT_MAX: '1000000000',
    ENTITY_CACHE_ENABLED: 'false',
    ...(process.env.BENCH_PROFILE_DIR ? { BENCH_PROFILE_DIR: path.resolve(process.env.BENCH_PROFILE_DIR), NODE_OPTIONS: `--import ${path.join(repoRoot, 'bench/src/cpu-profile.mjs')}` } : {}),
  });
  const peers: RunningGateway[] = [];
  let meter: CpuMeter | null = null;
  try {
    const stack = bench.stack!;
    const baseline = await baselineResults(process.env.BENCH_BASELINE, RESULTS_DIR);
    const data = await seedBenchData(bench.routerUrl, say);
    const list = scenarios(data).filter((scenario) => !SCENARIOS || SCENARIOS.includes(scenario.name));
    const subOf = (token: string) => String(decodeJwt(token).sub);
    const tokens: TokenPools = { readers: data.readerTokens, writers: data.writerTokens, ids: { readers: data.readerTokens.map(subOf), writers: data.writerTokens.map(subOf) } };
    const claims = { readers: data.readerTokens.map(claimsOf), writers: data.writerTokens.map(claimsOf) };
    const direct = new DirectClient(stack.subgraphUrls, routerSecret, (spec) => (spec.user === null ? undefined : claims[spec.pool][spec.user]));
    const subgraphPids = Object.fromEntries(SERVICES.map((service) => [service, stack.processes.find((p) => p.name === service)!.pid])) as Record<ServiceName, number>;
    meter = await CpuMeter.open(SERVER_URL, bench.databases, subgraphPids);
    const run: Run = { tokens, meter, ordersDatabaseUrl: stack.databaseUrls.orders };

    // What every gateway must answer: the direct plan's answer, or (generated operations) the first gateway's.
    const expected = new Map<string, unknown>();
    for (const scenario of list.filter((s) => s.direct)) {
      for (const index of sampleIndices(scenario)) expected.set(`${scenario.name}#${index}`, await direct.run(scenario, scenario.request(index)));
    }

    // The subgraphs and PostgreSQL warm up first (JIT, plans, caches), so the gateway measured first is
    // not measured against colder subgraphs than the baseline measured last.
    say(`warming up the subgraphs: each direct plan at concurrency 50 for ${SUBGRAPH_WARMUP} s`);
    for (const scenario of list.filter((s) => s.direct)) await loadLoop(directRequests(direct, scenario), { concurrency: 50, durationSeconds: SUBGRAPH_WARMUP });

    const supergraphPath = await peerSupergraph(stack.subgraphUrls);
    const routerProcess = stack.processes.find((p) => p.name === 'router')!;
    const gateways = {} as BenchResults['gateways'];
    let invalidationLag: InvalidationLag | undefined;
    for (const name of GATEWAYS) {
      const gateway = await startGateway(name, bench, { pid: routerProcess.pid, metricsUrl: stack.metricsUrls.router }, { supergraphPath, jwksUrl: new URL('/.well-known/jwks.json', stack.subgraphUrls.users).toString(), routerSecret, logsDir: bench.logsDir });
      if (name !== 'ours') peers.push(gateway);
      say(`${GATEWAY_TITLES[name]}: checking answers, warming up`);
      const series = await measureGateway(gateway, list, run, expected);
      gateways[name] = { title: GATEWAY_TITLES[name], deduplication: DEDUPLICATION[name], rssMiB: await residentMiB(gateway.pid), series };
      // After its scenarios, while no other gateway runs: writes through the cache-off router, reads through this one.
      if (name === 'ours+cache' && LAG_WRITES > 0) {
        invalidationLag = await measureInvalidationLag({ writerUrl: bench.routerUrl, cache: { url: gateway.url, metricsUrl: gateway.metricsUrl! }, adminToken: data.adminToken, writerTokens: data.writerTokens, productIds: data.productIds, writesPerKind: LAG_WRITES, say });
        say(`  ${summaryOfLag(invalidationLag)}`);
      }
      if (name !== 'ours') await gateway.stop();
    }

    say('direct: the same plans straight against the subgraphs');
    const directSeries = await measureDirect(direct, list.filter((s) => s.direct), meter);
    await direct.close();

    const sqlPerRequest = { '10': await statementsPerRequest(bench.routerUrl, stack.metricsUrls, 10), '100': await statementsPerRequest(bench.routerUrl, stack.metricsUrls, 100) };
    const partial: Omit<BenchResults, 'targets'> = {
      date: new Date().toISOString(),
      machine: { cpus: availableParallelism(), node: process.version, loadAverage: (await readFile('/proc/loadavg', 'utf8')).split(' ').slice(0, 3).join(' ') },
      settings: { durationSeconds: DURATION, warmupSeconds: WARMUP, subgraphWarmupSeconds: SUBGRAPH_WARMUP, concurrencies: CONCURRENCIES, readers: data.readers, writers: data.writers },
      scenarios: Object.fromEntries(list.map((scenario) => [scenario.name, { title: scenario.title, perUser: scenario.perUser, concurrencies: concurrenciesOf(scenario) }])) as BenchResults['scenarios'],
      gateways,
      direct: directSeries,
      sqlPerRequest,
      ...(invalidationLag ? { invalidationLag } : {}),
    };
    const results: BenchResults = { ...partial, targets: evaluateTargets(partial, baseline) };
    process.stdout.write(`${formatTable(results)}\n`);
    const written = await writeResults(results, RESULTS_DIR);
    say(`wrote ${[written.json, written.svg, written.markdown].map((file) => path.relative(repoRoot, file)).join(', ')}`);
  } finally {
    await meter?.close();
    await Promise.allSettled(peers.map((peer) => peer.stop()));
    await bench.stop();
  }
}

const claimsOf = (token: string) => encodeClaims(decodeJwt(token));

/**
 * The requests whose answers are compared before a gateway is measured (generated operations: ones the
 * load never sends, of the gateway's own run, so their answers are compared without the root alias that
 * carries the run).
 */
function sampleIndices(scenario: Scenario): number[] {
  if (scenario.write) return [];
  const indices = [0, 1, 2, 3, 5, 8, 13];
  return scenario.name === 'manyOperations' ? indices.map((i) => 1_000_000 + i) : indices;
}

async function startGateway(name: GatewayName, bench: Awaited<ReturnType<typeof benchStack>>, stackRouter: { pid: number; metricsUrl: string }, settings: Parameters<typeof startPeer>[1]): Promise<RunningGateway> {
  if (name === 'ours') return { name, url: bench.routerUrl, pid: stackRouter.pid, metricsUrl: stackRouter.metricsUrl, stop: async () => undefined };
  if (name === 'ours+cache') {
    const router = await bench.startRouter('router-cache', { ENTITY_CACHE_ENABLED: 'true' });
    return { name, url: router.url, pid: router.process.pid, metricsUrl: router.metricsUrl, stop: () => router.process.stop() };
  }
  return startPeer(name, settings);
}

/** Checks the gateway's answers, warms it up, then drives every scenario at each of its concurrencies. */
async function measureGateway(gateway: RunningGateway, list: Scenario[], run: Run, expected: Map<string, unknown>): Promise<Series> {
  // Each gateway its own run of generated documents (scenarios.ts): none sends another's.
  const runOf = GATEWAY_NAMES.indexOf(gateway.name);
  for (const scenario of list) {
    for (const index of sampleIndices(scenario)) {
      const key = `${scenario.name}#${index}`;
      const data = await answerOf(gateway, scenario.request(index, runOf), run.tokens);
      const answer = scenario.name === 'manyOperations' ? withoutRootAliases(data) : data;
      if (!expected.has(key)) expected.set(key, answer);
      else if (!isDeepStrictEqual(answer, expected.get(key))) {
        throw new Error(`${gateway.name} answered ${scenario.name} request ${index} differently:\n${JSON.stringify(answer).slice(0, 600)}\nexpected data:\n${JSON.stringify(expected.get(key)).slice(0, 600)}`);
      }
    }
  }
  const series = {} as Series;
  for (const scenario of list) {
    // One sequence per scenario and gateway: warm-up, then the points, each going on where the last stopped.
    let next = 0;
    const sequence = () => requestFor(scenario.request(next++, runOf), run.tokens);
    if (WARMUP > 0) await drive(gateway, scenario, sequence, { concurrency: 50, durationSeconds: WARMUP }, run);
    series[scenario.name] = {};
    for (const concurrency of concurrenciesOf(scenario)) {
      const figures = await drive(gateway, scenario, sequence, { concurrency, durationSeconds: DURATION }, run);
      series[scenario.name][concurrency] = figures;
      say(`  ${gateway.name} ${scenario.name} c${concurrency}: ${summary(figures)}`);
    }
  }
  return series;
}

/** A generated document's answer without the root field's alias (which carries the run): its values in order. */
const withoutRootAliases = (data: unknown) => Object.values(data as Record<string, unknown>);

function summary(f: Figures): string {
  const saga = f.saga ? `, saga accept→CONFIRMED p50 ${f.saga.p50Ms} p99 ${f.saga.p99Ms} ms (${f.saga.notConfirmed} not confirmed)` : '';
  const cache = f.entityCache ? `, entity cache ${f.entityCache.rate === null ? 'no lookups' : `hit rate ${(f.entityCache.rate * 100).toFixed(1)}% of ${f.entityCache.hits + f.entityCache.misses} lookups`}` : '';
  return `${f.requestsPerSecond} req/s, p50 ${f.p50Ms} ms, p99 ${f.p99Ms} ms, ${f.errors} errors${f.unanswered ? ` (${f.unanswered} unanswered at the end)` : ''}, CPU ${f.cpu?.total ?? '-'} ms/req${saga}${cache}`;
}

function summaryOfLag(lag: InvalidationLag): string {
  const p = (f: { p50Ms: number; p99Ms: number; maxMs: number; count: number }) => `p50 ${f.p50Ms} p99 ${f.p99Ms} max ${f.maxMs} ms (${f.count})`;
  return `invalidation lag in ${lag.seconds} s: commit → purge direct ${p(lag.purge.direct)}, derived ${p(lag.purge.derived)}; write → visible ${p(lag.visible.all)}`;
}

/**
 * One point: the load, the CPU of every process over it, for a write scenario the saga's lag, and for
 * our routers the entity cache's lookups (scraped outside the CPU samples, so not counted in them).
 */
async function drive(gateway: RunningGateway, scenario: Scenario, next: () => HttpRequest, options: LoadOptions, run: Run): Promise<Figures> {
  const placed: string[] = [];
  const inspect = scenario.write ? (body: string) => void (placedOrderId(body) && placed.push(placedOrderId(body)!)) : undefined;
  const lookupsBefore = gateway.metricsUrl ? lookupCounts(await metricsPage(gateway.metricsUrl)) : null;
  const before = await run.meter.sample(gateway.pid);
  const figures = await loadHttp(gateway.url, next, options, inspect);
  Object.assign(figures, cpuPerRequest(before, await run.meter.sample(gateway.pid), figures.requests));
  if (lookupsBefore) figures.entityCache = hitRate(lookupsBefore, lookupCounts(await metricsPage(gateway.metricsUrl!)));
  // Also after the warm-up: the saga's backlog must drain before the next point is measured.
  if (scenario.write) figures.saga = await sagaLag(run.ordersDatabaseUrl, placed, SAGA_WAIT_MS);
  return figures;
}

async function answerOf(gateway: RunningGateway, spec: RequestSpec, tokens: TokenPools): Promise<unknown> {
  const { body, headers } = requestFor(spec, tokens);
  const response = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const answer = (await response.json()) as { data?: unknown; errors?: unknown };
  if (response.status !== 200 || answer.errors) throw new Error(`${gateway.name} failed (HTTP ${response.status}): ${JSON.stringify(answer).slice(0, 600)}`);
  return answer.data;
}

function directRequests(direct: DirectClient, scenario: Scenario): () => Promise<unknown> {
  let next = 0;
  return () => direct.run(scenario, scenario.request(next++));
}

async function measureDirect(direct: DirectClient, list: Scenario[], meter: CpuMeter): Promise<Partial<Series>> {
  const series: Partial<Series> = {};
  for (const scenario of list) {
    const operation = directRequests(direct, scenario);
    if (WARMUP > 0) await loadLoop(operation, { concurrency: 50, durationSeconds: WARMUP });
    const byConcurrency: Record<number, Figures> = {};
    for (const concurrency of concurrenciesOf(scenario)) {
      const before = await meter.sample(null);
      const figures = await loadLoop(operation, { concurrency, durationSeconds: DURATION });
      byConcurrency[concurrency] = Object.assign(figures, cpuPerRequest(before, await meter.sample(null), figures.requests));
      say(`  direct ${scenario.name} c${concurrency}: ${summary(figures)}`);
    }
    series[scenario.name] = byConcurrency;
  }
  return series;
}

/** The committed supergraph with its routing URLs pointed at this run's subgraphs, for the peers. */
async function peerSupergraph(subgraphUrls: Record<ServiceName, string>): Promise<string> {
  let sdl = await readFile(path.join(repoRoot, 'schema/supergraph.graphql'), 'utf8');
  for (const service of SERVICES) {
    sdl = sdl.replace(new RegExp(`(@join__graph\\(name: "${service}", url: ")[^"]*(")`), `$1${subgraphUrls[service]}$2`);
  }
  const file = path.join(dataDir, `${PREFIX}-supergraph.graphql`);
  await writeFile(file, sdl);
  return file;
}

/** SQL statements one list request causes in each subgraph, from their db_queries_total counters. */
async function statementsPerRequest(routerUrl: string, metricsUrls: Record<ServiceName, string>, first: number): Promise<Record<string, number>> {
  const count = (service: ServiceName) => metricValue(metricsUrls[service], 'db_queries_total', { source: 'graphql' }, { absentAsZero: true });
  const before = await Promise.all(SERVICES.map(count));
  const response = await fetch(routerUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: PRODUCT_LIST, variables: listVariables(first, 3) }) });
  const answer = (await response.json()) as { data?: { products: { edges: unknown[] } } };
  if (answer.data?.products.edges.length !== first) throw new Error(`the list of ${first} came back with ${answer.data?.products.edges.length} products`);
  const after = await Promise.all(SERVICES.map(count));
  return Object.fromEntries(SERVICES.map((service, i) => [service, after[i]! - before[i]!]));
}

main().catch((error: unknown) => {
  process.stderr.write(`[bench] ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
