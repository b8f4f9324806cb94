/**
 * The gateway benchmark's output: the table with ratios on stdout, the figures as JSON, and a chart of
 * throughput and p99 per gateway as an SVG rendered offline with vega-lite.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { GatewayName } from './gateways.js';
import type { Figures } from './load.js';
import type { OperationName } from './operations.js';

export type Series = Record<OperationName, Record<number, Figures>>;

export interface BenchResults {
  date: string;
  machine: { cpus: number; node: string };
  settings: { durationSeconds: number; warmupSeconds: number; subgraphWarmupSeconds: number; concurrencies: number[] };
  operations: Record<OperationName, string>;
  gateways: Record<GatewayName, { title: string; rssMiB: number; series: Series }>;
  direct: Series;
  sqlPerRequest: Record<'10' | '100', Record<string, number>>;
  targets: { description: string; met: boolean }[];
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : Number.NaN);
const fixed = (value: number, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : '-');

export function formatTable(results: BenchResults): string {
  const lines: string[] = [];
  const row = (cells: (string | number)[]) => lines.push(cells.map((cell, i) => String(cell).padStart(i === 0 ? 34 : i === 7 ? 11 : 9)).join(' '));
  for (const [operation, title] of Object.entries(results.operations) as [OperationName, string][]) {
    lines.push('', `${operation}: ${title}`);
    row(['', 'conc', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'errors', 'cpu ms/req']);
    for (const concurrency of results.settings.concurrencies) {
      for (const [name, gateway] of Object.entries(results.gateways)) {
        const f = gateway.series[operation][concurrency]!;
        row([name === 'ours' ? 'ours' : gateway.title, concurrency, f.requestsPerSecond, fixed(f.p50Ms), fixed(f.p95Ms), fixed(f.p99Ms), f.errors, fixed(f.gatewayCpuMsPerRequest ?? Number.NaN)]);
      }
      const d = results.direct[operation][concurrency]!;
      row(['direct (subgraphs, no gateway)', concurrency, d.requestsPerSecond, fixed(d.p50Ms), fixed(d.p95Ms), fixed(d.p99Ms), d.errors, '-']);
    }
    row(['ratios', 'conc', 'req/s', 'p50', 'p99', '', '', '']);
    for (const concurrency of results.settings.concurrencies) {
      const ours = results.gateways.ours.series[operation][concurrency]!;
      for (const peer of (['apollo', 'hive'] as const).filter((name) => name in results.gateways)) {
        const other = results.gateways[peer].series[operation][concurrency]!;
        row([`ours / ${peer}`, concurrency, `${fixed(ratio(ours.requestsPerSecond, other.requestsPerSecond))}x`, `${fixed(ratio(ours.p50Ms, other.p50Ms))}x`, `${fixed(ratio(ours.p99Ms, other.p99Ms))}x`, '', '', `${fixed(ratio(ours.gatewayCpuMsPerRequest ?? Number.NaN, other.gatewayCpuMsPerRequest ?? Number.NaN))}x`]);
      }
      const direct = results.direct[operation][concurrency]!;
      row(['ours / direct', concurrency, `${fixed(ratio(ours.requestsPerSecond, direct.requestsPerSecond))}x`, `${fixed(ratio(ours.p50Ms, direct.p50Ms))}x`, `${fixed(ratio(ours.p99Ms, direct.p99Ms))}x`, '', '', '']);
    }
  }
  lines.push('', 'SQL statements per request (products list with reviews and authors; db_queries_total of every subgraph):');
  for (const size of ['10', '100'] as const) {
    const counts = results.sqlPerRequest[size];
    const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
    lines.push(`  first: ${size.padEnd(3)} ${Object.entries(counts).map(([service, n]) => `${service} ${n}`).join(', ')}  (total ${total})`);
  }
  lines.push('', 'Gateway RSS after its run:');
  for (const gateway of Object.values(results.gateways)) lines.push(`  ${gateway.title.padEnd(34)} ${gateway.rssMiB} MiB`);
  lines.push('', 'Targets:');
  for (const target of results.targets) lines.push(`  [${target.met ? 'met' : 'NOT met'}] ${target.description}`);
  return lines.join('\n');
}

/** Which of the issue's targets this run met. */
export function evaluateTargets(results: Omit<BenchResults, 'targets'>): BenchResults['targets'] {
  const targets: BenchResults['targets'] = [];
  const loaded = results.settings.concurrencies.filter((c) => c >= 50);
  for (const peer of loaded.length > 0 ? (['apollo', 'hive'] as const) : []) {
    const factor = peer === 'apollo' ? 1.5 : 1;
    const misses: string[] = [];
    for (const operation of Object.keys(results.operations) as OperationName[]) {
      for (const concurrency of loaded) {
        const ours = results.gateways.ours.series[operation][concurrency]!;
        const other = results.gateways[peer].series[operation][concurrency]!;
        if (ours.requestsPerSecond < factor * other.requestsPerSecond || ours.p99Ms > other.p99Ms) misses.push(`${operation}@${concurrency}`);
      }
    }
    targets.push({
      description: `ours >= ${factor}x ${results.gateways[peer].title} requests/s with p99 no worse, at concurrency ${loaded.join(' and ')}, every operation${misses.length ? ` (missed: ${misses.join(', ')})` : ''}`,
      met: misses.length === 0,
    });
  }
  const slow = (Object.keys(results.operations) as OperationName[]).filter((operation) => {
    const ours = results.gateways.ours.series[operation][1];
    const direct = results.direct[operation][1];
    return !ours || !direct || ours.p50Ms > 1.3 * direct.p50Ms;
  });
  targets.push({ description: `p50 through ours <= 1.3x direct at concurrency 1${slow.length ? ` (missed: ${slow.join(', ')})` : ''}`, met: slow.length === 0 });
  const sql = (size: '10' | '100') => JSON.stringify(results.sqlPerRequest[size]);
  targets.push({ description: 'SQL statements per request identical for list sizes 10 and 100', met: sql('10') === sql('100') });
  return targets;
}

export async function writeResults(results: BenchResults, directory: string): Promise<{ json: string; svg: string }> {
  await mkdir(directory, { recursive: true });
  const stamp = results.date.replace(/[:]/g, '-').replace(/\..*$/, '');
  const json = path.join(directory, `${stamp}.json`);
  const svg = path.join(directory, `${stamp}.svg`);
  await writeFile(json, `${JSON.stringify(results, null, 2)}\n`);
  await writeFile(svg, await chart(results));
  return { json, svg };
}

async function chart(results: BenchResults): Promise<string> {
  const values = (Object.entries(results.gateways) as [GatewayName, BenchResults['gateways'][GatewayName]][]).flatMap(([name, gateway]) =>
    (Object.entries(gateway.series) as [OperationName, Record<number, Figures>][]).flatMap(([operation, byConcurrency]) =>
      Object.entries(byConcurrency).map(([concurrency, f]) => ({ gateway: name === 'ours' ? 'ours' : gateway.title, operation, concurrency: Number(concurrency), rps: f.requestsPerSecond, p99: f.p99Ms })),
    ),
  );
  const panel = (field: 'rps' | 'p99', title: string) => ({
    facet: { column: { field: 'operation', type: 'nominal' as const, title: null } },
    spec: {
      width: 200,
      height: 170,
      mark: 'bar' as const,
      encoding: {
        x: { field: 'concurrency', type: 'ordinal' as const, title: 'concurrency', axis: { labelAngle: 0 } },
        xOffset: { field: 'gateway', type: 'nominal' as const },
        // p99 spans milliseconds to seconds: a symmetric-log scale keeps the fast bars visible.
        y: { field, type: 'quantitative' as const, title, ...(field === 'p99' ? { scale: { type: 'symlog' as const }, axis: { values: [0, 10, 30, 100, 300, 1000, 3000, 10000] } } : {}) },
        color: { field: 'gateway', type: 'nominal' as const, title: 'gateway', legend: { labelLimit: 320 } },
        tooltip: [{ field: 'gateway' }, { field: field, type: 'quantitative' as const }],
      },
    },
  });
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `Gateways on the same subgraphs (${results.date.slice(0, 10)}, ${results.machine.cpus} cores, ${results.settings.durationSeconds} s per point)`,
    data: { values },
    vconcat: [panel('rps', 'requests/s (higher is better)'), panel('p99', 'p99 latency, ms (lower is better)')],
    config: { font: 'sans-serif' },
  };
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  return view.toSVG();
}
