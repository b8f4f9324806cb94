/**
 * CPU time and memory of the processes behind a measured point, from Linux's /proc: the gateway (its
 * process and any workers), each subgraph, and the PostgreSQL backends serving the bench databases
 * (found through pg_stat_activity). Sampled before and after a point; the difference over the requests
 * answered is the CPU per request of each, in ms.
 */
import { readFile, readdir } from 'node:fs/promises';
import pg from 'pg';
import { SERVICES, type ServiceName } from '@commerce/kit/service-config';

/** CPU per request, in ms: the gateway (absent for the direct baseline), each subgraph, PostgreSQL, and their sum. */
export type CpuPerRequest = Partial<Record<'gateway' | ServiceName | 'postgres', number>> & { total: number };

interface ProcStat {
  parent: number;
  rssKiB: number;
  cpuMs: number;
}

/** utime + stime of one process, in ms (clock ticks are 1/100 s on Linux); null when it is gone or unreadable. */
async function procStat(pid: number): Promise<ProcStat | null> {
  try {
    const [status, stat] = await Promise.all([readFile(`/proc/${pid}/status`, 'utf8'), readFile(`/proc/${pid}/stat`, 'utf8')]);
    // utime and stime follow the command name (which may contain spaces) in stat: fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return {
      parent: Number(/^PPid:\s+(\d+)/m.exec(status)?.[1] ?? 0),
      rssKiB: Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0),
      cpuMs: (Number(fields[11]) + Number(fields[12])) * 10,
    };
  } catch {
    return null;
  }
}

/** A process and its descendants (workers), each with its resident memory and CPU time. */
async function processTree(pid: number): Promise<ProcStat[]> {
  const all = new Map<number, ProcStat>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await procStat(Number(entry));
    if (stat) all.set(Number(entry), stat);
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

/** CPU time (user + system) a process and its descendants have used so far, in ms. */
export async function cpuMs(pid: number): Promise<number> {
  return (await processTree(pid)).reduce((sum, p) => sum + p.cpuMs, 0);
}

/** CPU used so far by each PostgreSQL backend connected to one of `databases`, by pid, in ms. */
async function backendCpu(client: pg.Client, databases: string[]): Promise<Map<number, number>> {
  const { rows } = await client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = ANY($1)', [databases]);
  const cpu = new Map<number, number>();
  for (const { pid } of rows) {
    const stat = await procStat(pid);
    if (stat) cpu.set(pid, stat.cpuMs);
  }
  return cpu;
}

export interface CpuSnapshot {
  processes: Partial<Record<'gateway' | ServiceName, number>>;
  backends: Map<number, number>;
}

/**
 * Samples the CPU of a gateway (pid, or null for the direct baseline), the subgraphs and the bench
 * databases' backends. A backend that connected during the point counts from zero; one that closed
 * during it is lost (the subgraphs keep their pools open, so this is rare).
 */
export class CpuMeter {
  private constructor(
    private readonly client: pg.Client,
    private readonly databases: string[],
    private readonly subgraphPids: Record<ServiceName, number>,
  ) {}

  /** `databaseServerUrl`: a URL of the PostgreSQL server (its own database is not one of `databases`). */
  static async open(databaseServerUrl: string, databases: string[], subgraphPids: Record<ServiceName, number>): Promise<CpuMeter> {
    const client = new pg.Client({ connectionString: databaseServerUrl });
    await client.connect();
    return new CpuMeter(client, databases, subgraphPids);
  }

  async sample(gatewayPid: number | null): Promise<CpuSnapshot> {
    const processes: CpuSnapshot['processes'] = {};
    if (gatewayPid !== null) processes.gateway = await cpuMs(gatewayPid);
    for (const service of SERVICES) processes[service] = (await procStat(this.subgraphPids[service]))?.cpuMs ?? Number.NaN;
    return { processes, backends: await backendCpu(this.client, this.databases) };
  }

  close(): Promise<void> {
    return this.client.end();
  }
}

/**
 * CPU per request between two snapshots, in ms rounded to 0.01, and requests per CPU-second of them
 * all. With no request answered, per-request figures are NaN (null in the JSON), not the whole CPU.
 */
export function cpuPerRequest(before: CpuSnapshot, after: CpuSnapshot, requests: number): { cpu: CpuPerRequest; requestsPerCpuSecond: number } {
  const per = (ms: number) => (requests > 0 ? Math.round((ms / requests) * 100) / 100 : Number.NaN);
  const used: Partial<Record<'gateway' | ServiceName | 'postgres', number>> = {};
  for (const [name, value] of Object.entries(after.processes) as ['gateway' | ServiceName, number][]) used[name] = value - (before.processes[name] ?? Number.NaN);
  let postgres = 0;
  for (const [pid, value] of after.backends) postgres += value - (before.backends.get(pid) ?? 0);
  used.postgres = postgres;
  const totalMs = Object.values(used).reduce((sum, ms) => sum + ms, 0);
  const cpu = { ...Object.fromEntries(Object.entries(used).map(([name, ms]) => [name, per(ms)])), total: per(totalMs) } as CpuPerRequest;
  return { cpu, requestsPerCpuSecond: totalMs > 0 ? Math.round((requests / (totalMs / 1000)) * 10) / 10 : Number.NaN };
}
