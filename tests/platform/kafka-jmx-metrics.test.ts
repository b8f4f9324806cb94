import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { JMX_EXPORTER_VERSION, jmxExporterAgent, startBroker, type Broker } from '@commerce/stack/kafka-broker';
import { repoRoot } from '@commerce/stack/paths';
import { freePort } from '@commerce/stack/ports';
import { metricValue } from '@commerce/stack/prometheus';

/**
 * The prod overlay's broker metrics, as Strimzi serves them: the JMX Prometheus exporter agent in the
 * broker's JVM with the rules of deploy/k8s/overlays/prod/kafka-metrics.yaml. The series the
 * under-replication alert reads must be one those rules really produce from a real broker's MBeans.
 */
const dir = mkdtempSync(path.join(tmpdir(), 'kafka-jmx-'));
let broker: Broker;
let metricsUrl: string;

const metricsConfigMap = YAML.parse(readFileSync(path.join(repoRoot, 'deploy/k8s/overlays/prod/kafka-metrics.yaml'), 'utf8')) as { data: Record<string, string> };
const alertRules = YAML.parse(readFileSync(path.join(repoRoot, 'deploy/monitoring/rules/platform.rules.yml'), 'utf8')) as { groups: { rules: { alert?: string; expr: string }[] }[] };
const alertExpr = (name: string) => alertRules.groups.flatMap((g) => g.rules).find((r) => r.alert === name)!.expr;

beforeAll(async () => {
  const rules = path.join(dir, 'kafka-metrics-config.yml');
  writeFileSync(rules, metricsConfigMap.data['kafka-metrics-config.yml']!);
  const metricsPort = await freePort();
  broker = await startBroker({
    dataDir: path.join(dir, 'broker'),
    port: await freePort(),
    controllerPort: await freePort(),
    fresh: true,
    jvmOptions: [`-javaagent:${await jmxExporterAgent()}=127.0.0.1:${metricsPort}:${rules}`],
  });
  metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
}, 180_000);

afterAll(async () => {
  await broker?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe(`the brokers' JMX exporter rules (jmx_prometheus_javaagent ${JMX_EXPORTER_VERSION}) on a real broker`, () => {
  it('export the under-replicated partition count KafkaUnderReplicatedPartitions reads, at 0 on a healthy broker', async () => {
    const [series] = /kafka_server_\w+/.exec(alertExpr('KafkaUnderReplicatedPartitions')) ?? [];
    expect(series).toBe('kafka_server_replicamanager_underreplicatedpartitions');
    expect(await metricValue(metricsUrl, series!)).toBe(0);
  });

  it('export the controller gauges and the broker topic counters by the same rules', async () => {
    const page = await (await fetch(metricsUrl)).text();
    expect(page).toMatch(/^kafka_controller_kafkacontroller_activecontrollercount(\{[^}]*\})? 1(\.0)?$/m);
    expect(page).toMatch(/^kafka_server_brokertopicmetrics_messagesin_total(\{[^}]*\})? /m);
  });
});
