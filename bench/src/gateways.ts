/**
 * The gateways under test, each a process serving the same supergraph in front of the same subgraphs:
 * ours (the stack's router, production settings) without and with its entity cache, the stock
 * @apollo/gateway on @apollo/server, Hive Gateway's CLI with its default (stitching) runtime, and Hive
 * Gateway with The Guild's Rust query planner (@graphql-hive/router-runtime, a native add-on). Peers are
 * started one after another, each stopped before the next starts.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { repoRoot } from '@commerce/stack/paths';
import { freePort } from '@commerce/stack/ports';

export const GATEWAY_NAMES = ['ours', 'ours+cache', 'apollo', 'hive', 'hive-rust'] as const;
export type GatewayName = (typeof GATEWAY_NAMES)[number];
/** Our router, with its entity cache off or on (ENTITY_CACHE_ENABLED). */
export type OurGateway = 'ours' | 'ours+cache';
export type PeerName = Exclude<GatewayName, OurGateway>;

export const GATEWAY_TITLES: Record<GatewayName, string> = {
  ours: 'ours (router/, entity cache off)',
  'ours+cache': 'ours (router/, entity cache on)',
  apollo: '@apollo/gateway + @apollo/server',
  hive: '@graphql-hive/gateway (default runtime)',
  'hive-rust': '@graphql-hive/gateway + router-runtime (Rust planner)',
};

/**
 * How each gateway treats identical concurrent subgraph requests, for the report: with every request
 * its own user's token, sharing between users is impossible for a gateway that forwards claims.
 */
export const DEDUPLICATION: Record<GatewayName, string> = {
  ours: 'SUBGRAPH_DEDUPLICATE=true (default): identical in-flight queries with the same forwarded claims are sent once; never mutations',
  'ours+cache': 'as ours, plus the entity cache (ENTITY_CACHE_ENABLED=true)',
  apollo: 'none: @apollo/gateway 2 has no subgraph request deduplication',
  hive: "on by default (the HTTP executor's deduplicateInflightRequests): keyed by URL, method and body only, so concurrent identical subgraph queries of different users are sent once, with the first user's signed claims (the glue signs in onFetch, after the key is taken)",
  'hive-rust': 'as hive: the router runtime fetches through the same HTTP executor',
};

/** Parses BENCH_GATEWAYS: known names, each once; throws naming the variable. */
export function parseGateways(setting: string): GatewayName[] {
  const names = setting.split(',').map((name) => name.trim()).filter(Boolean);
  const unknown = names.filter((name) => !(GATEWAY_NAMES as readonly string[]).includes(name));
  if (unknown.length > 0 || names.length === 0) throw new Error(`BENCH_GATEWAYS: expected a comma-separated list of ${GATEWAY_NAMES.join(', ')}; got "${setting}"`);
  return [...new Set(names)] as GatewayName[];
}

export interface RunningGateway {
  name: GatewayName;
  url: string;
  pid: number;
  /** Our routers: their METRICS_PORT's `/metrics` (the entity cache's counters); absent for the peers. */
  metricsUrl?: string;
  stop: () => Promise<void>;
}

export interface PeerSettings {
  supergraphPath: string;
  jwksUrl: string;
  routerSecret: string;
  logsDir: string;
}

const here = path.dirname(new URL(import.meta.url).pathname);
const hiveBin = path.join(path.dirname(createRequire(import.meta.url).resolve('@graphql-hive/gateway/package.json')), 'dist/bin.js');

export async function startPeer(name: PeerName, settings: PeerSettings): Promise<RunningGateway> {
  const port = await freePort();
  const env = { PORT: String(port), SUPERGRAPH_PATH: settings.supergraphPath, JWKS_URL: settings.jwksUrl, ROUTER_SHARED_SECRET: settings.routerSecret, NODE_ENV: 'production' };
  const hive = [hiveBin, 'supergraph', settings.supergraphPath, '--config-path', path.join(here, 'peers/hive-gateway.config.ts'), '--host', '127.0.0.1', '--port', String(port)];
  // The Rust planner: the CLI's documented switch, which loads @graphql-hive/router-runtime's unifiedGraphHandler.
  const args = name === 'apollo' ? [path.join(here, 'peers/apollo-gateway.ts')] : name === 'hive' ? hive : [...hive, '--hive-router-runtime'];
  mkdirSync(settings.logsDir, { recursive: true });
  const log = openSync(path.join(settings.logsDir, `${name}.log`), 'w');
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', log, log] });
  closeSync(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const gateway: RunningGateway = {
    name,
    url: `http://127.0.0.1:${port}/graphql`,
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
  try {
    await waitForGraphQL(gateway.url, exited);
  } catch (error) {
    await gateway.stop();
    throw new Error(`${name} did not start (see ${path.join(settings.logsDir, `${name}.log`)}): ${(error as Error).message}`);
  }
  return gateway;
}

/** Polls with `{ __typename }` until the gateway answers it. */
export async function waitForGraphQL(url: string, exited: Promise<void>, timeoutMs = 60_000): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline && !gone) {
    try {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
      if (response.ok) return;
      last = `${response.status} ${await response.text()}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(gone ? 'the process exited' : `not answering: ${last}`);
}
