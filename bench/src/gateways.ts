/**
 * The gateways under test, each a process serving the same supergraph in front of the same subgraphs:
 * ours (the stack's router, production settings), the stock @apollo/gateway on @apollo/server, and
 * Hive Gateway's CLI. Peers are started one after another, each stopped before the next starts.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { repoRoot } from '@commerce/stack/paths';
import { freePort } from '@commerce/stack/ports';

export type GatewayName = 'ours' | 'apollo' | 'hive';

export const GATEWAY_TITLES: Record<GatewayName, string> = {
  ours: 'ours (router/)',
  apollo: '@apollo/gateway + @apollo/server',
  hive: '@graphql-hive/gateway',
};

export interface RunningGateway {
  name: GatewayName;
  url: string;
  pid: number;
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

export async function startPeer(name: Exclude<GatewayName, 'ours'>, settings: PeerSettings): Promise<RunningGateway> {
  const port = await freePort();
  const env = { PORT: String(port), SUPERGRAPH_PATH: settings.supergraphPath, JWKS_URL: settings.jwksUrl, ROUTER_SHARED_SECRET: settings.routerSecret, NODE_ENV: 'production' };
  const args =
    name === 'apollo'
      ? [path.join(here, 'peers/apollo-gateway.ts')]
      : [hiveBin, 'supergraph', settings.supergraphPath, '--config-path', path.join(here, 'peers/hive-gateway.config.ts'), '--host', '127.0.0.1', '--port', String(port)];
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

/** A process and its descendants (workers), each with its resident memory and CPU time, from /proc. */
async function processTree(pid: number): Promise<{ rssKiB: number; cpuMs: number }[]> {
  const { readFile, readdir } = await import('node:fs/promises');
  const all = new Map<number, { parent: number; rssKiB: number; cpuMs: number }>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const [status, stat] = await Promise.all([readFile(`/proc/${entry}/status`, 'utf8'), readFile(`/proc/${entry}/stat`, 'utf8')]);
      // utime and stime, in clock ticks (100 per second on Linux), follow the command name in stat.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      all.set(Number(entry), {
        parent: Number(/^PPid:\s+(\d+)/m.exec(status)?.[1] ?? 0),
        rssKiB: Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0),
        cpuMs: (Number(fields[11]) + Number(fields[12])) * 10,
      });
    } catch {
      // The process ended while we looked.
    }
  }
  const tree = new Set([pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [child, { parent }] of all) if (tree.has(parent) && !tree.has(child)) grew = tree.add(child).size > 0;
  }
  return [...tree].flatMap((member) => (all.has(member) ? [all.get(member)!] : []));
}

/** Resident memory of a process and its descendants, in MiB. */
export async function residentMiB(pid: number): Promise<number> {
  return Math.round((await processTree(pid)).reduce((sum, p) => sum + p.rssKiB, 0) / 1024);
}

/** CPU time (user + system) a process and its descendants have used so far, in milliseconds. */
export async function cpuMs(pid: number): Promise<number> {
  return (await processTree(pid)).reduce((sum, p) => sum + p.cpuMs, 0);
}
