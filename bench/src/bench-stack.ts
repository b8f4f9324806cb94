/**
 * A stack of its own for a benchmark: separate databases (`commerce_bench_*`), ports and topics, and a
 * fresh local broker unless KAFKA_BROKERS names one. Or, with ROUTER_URL set, an already running stack.
 */
import path from 'node:path';
import { startBroker, type Broker } from '@commerce/stack/kafka-broker';
import { dataDir } from '@commerce/stack/paths';
import { dropDatabases, serviceDatabaseNames } from '@commerce/stack/postgres';
import { freePort, freeStackPorts } from '@commerce/stack/ports';
import { startStack, type Stack } from '@commerce/stack/stack';

export interface BenchStack {
  routerUrl: string;
  stack: Stack | null;
  stop: () => Promise<void>;
}

const SERVER_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const PREFIX = 'commerce_bench';

export async function benchStack(say: (line: string) => void, env: Record<string, string> = {}): Promise<BenchStack> {
  if (process.env.ROUTER_URL) return { routerUrl: process.env.ROUTER_URL, stack: null, stop: async () => undefined };
  await dropDatabases(SERVER_URL, Object.values(serviceDatabaseNames(PREFIX)));
  let broker: Broker | null = null;
  let brokers = process.env.KAFKA_BROKERS?.split(',');
  if (!brokers) {
    broker = await startBroker({ dataDir: path.join(dataDir, 'bench-kafka'), port: await freePort(), controllerPort: await freePort(), fresh: true });
    brokers = broker.brokers;
  }
  const stack = await startStack({
    serverUrl: SERVER_URL,
    databasePrefix: PREFIX,
    kafkaBrokers: brokers,
    topicPrefix: 'bench.',
    host: '127.0.0.1',
    ports: await freeStackPorts(),
    metricsPorts: await freeStackPorts(),
    logsDir: path.join(dataDir, 'bench-logs'),
    env: { LOG_LEVEL: 'warn', JWT_KEY_DIR: path.join(dataDir, 'bench-jwt'), ...env },
    report: say,
  });
  return {
    routerUrl: stack.routerUrl,
    stack,
    stop: async () => {
      await stack.stop();
      await broker?.stop();
      await dropDatabases(SERVER_URL, Object.values(serviceDatabaseNames(PREFIX)));
    },
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
