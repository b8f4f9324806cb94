import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import YAML from 'yaml';
import { SERVICES } from '@commerce/kit/service-config';
import { repoRoot } from '@commerce/stack/paths';
import { freePort } from '@commerce/stack/ports';
import { sharedSubgraphOverrides, startRouter, type TestProcess } from '../support/processes.js';
import { eventually, metricValue, run } from '../support/run.js';
import {
  exposedMetricNames,
  isKnownMetric,
  metricNamesIn,
  promtool,
  requireTool,
  startPrometheus,
  type PrometheusServer,
} from './support/prometheus.js';

/**
 * deploy/monitoring, checked by Prometheus's own tools rather than by reading YAML: promtool validates
 * the configs and rules and runs the rules' unit tests; the metric names in rules and dashboard are
 * held to what the running stack really exposes; and a real Prometheus, loaded with the same rule
 * files and job names, scrapes the test stack and fires the breaker alert on a real open breaker.
 */
const monitoring = path.join(repoRoot, 'deploy/monitoring');
const read = (file: string) => readFileSync(path.join(monitoring, file), 'utf8');
const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
const rel = (file: string) => path.relative(repoRoot, path.join(monitoring, file));

interface ScrapeConfig {
  job_name: string;
  static_configs?: { targets: string[]; labels?: Record<string, string> }[];
  kubernetes_sd_configs?: unknown[];
  relabel_configs?: unknown[];
  [key: string]: unknown;
}
interface PrometheusConfig {
  global?: Record<string, unknown>;
  rule_files: string[];
  scrape_configs: ScrapeConfig[];
}
interface Rule {
  record?: string;
  alert?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface RulesTest {
  rule_files: string[];
  tests: { alert_rule_test?: { alertname: string; exp_alerts?: unknown[] }[] }[];
}
interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type?: string; uid?: string };
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: { expr?: string; datasource?: { uid?: string } }[];
  options?: { datasource?: string };
  panels?: Panel[];
}

const composeConfig = YAML.parse(read('prometheus.yml')) as PrometheusConfig;
const kubernetesConfig = YAML.parse(read('prometheus-kubernetes.yml')) as PrometheusConfig;
const ruleFiles = readdirSync(path.join(monitoring, 'rules'))
  .filter((file) => file.endsWith('.yml') && !file.endsWith('.test.yml'))
  .map((file) => `rules/${file}`);
const rules = ruleFiles.flatMap((file) => (YAML.parse(read(file)) as { groups: { rules: Rule[] }[] }).groups.flatMap((group) => group.rules));
const alerts = rules.filter((rule): rule is Rule & { alert: string } => Boolean(rule.alert));
/**
 * The platform's rules read the cluster's exporters (kube-state-metrics, CloudNativePG, Strimzi), which
 * the test stack does not run and the app dashboard does not chart: promtool's unit tests
 * (rules/platform.rules.test.yml) hold them instead.
 */
const platformAlerts = new Set(
  (YAML.parse(read('rules/platform.rules.yml')) as { groups: { rules: Rule[] }[] }).groups.flatMap((group) => group.rules.flatMap((rule) => (rule.alert ? [rule.alert] : []))),
);
const appRules = rules.filter((rule) => !rule.alert || !platformAlerts.has(rule.alert));
const recorded = new Set(rules.flatMap((rule) => (rule.record ? [rule.record] : [])));
const dashboard = JSON.parse(read('grafana/dashboards/commerce.json')) as { uid: string; schemaVersion: number; panels: Panel[] };
const panels = dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
const dashboardExprs = panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr ?? ''));
const datasources = (YAML.parse(read('grafana/provisioning/datasources/prometheus.yml')) as { datasources: Record<string, unknown>[] }).datasources;

/** A passing promtool run, or a failure that shows what promtool said. */
async function expectPromtool(...args: string[]): Promise<string> {
  const result = await promtool(...args);
  expect(result.code, `promtool ${args.join(' ')}\n${result.stdout}${result.stderr}`).toBe(0);
  return result.stdout;
}

/** Rule files a config loads, as promtool reports them (it resolves rule_files against the config's directory). */
const checkedRuleFiles = (output: string, configFile: string) =>
  [...output.matchAll(/^Checking (\S+)$/gm)].map((match) => match[1] as string).filter((file) => file !== configFile);

beforeAll(async () => {
  await Promise.all([requireTool('promtool'), requireTool('prometheus')]);
});

describe('deploy/monitoring: Prometheus config and rules (promtool)', () => {
  it('prometheus.yml is valid and loads every rule file, but not the unit tests', async () => {
    const output = await expectPromtool('check', 'config', '--lint=all', '--lint-fatal', rel('prometheus.yml'));
    expect(checkedRuleFiles(output, rel('prometheus.yml')).sort()).toEqual(ruleFiles.map(rel).sort());
    expect(composeConfig.global?.scrape_interval).toBe('15s');
    expect(composeConfig.scrape_configs.map((job) => job.job_name)).toEqual(['router', 'subgraphs']);
    const targets = composeConfig.scrape_configs.flatMap((job) => job.static_configs?.flatMap((group) => group.targets) ?? []);
    // The METRICS_PORT of each (docker-compose.yml sets the same), never the public GraphQL port.
    expect(targets.sort()).toEqual(['orders:9104', 'products:9102', 'reviews:9103', 'router:9090', 'users:9101']);
    // Each target's `app`, as the Kubernetes config relabels it: ServiceNotScraped counts targets by it.
    const apps = composeConfig.scrape_configs.flatMap((job) => job.static_configs?.flatMap((group) => group.targets.map((target) => [target.split(':')[0], group.labels?.app])) ?? []);
    for (const [name, app] of apps) expect(app, name).toBe(name);
  });

  it('the rule files are valid, lint-clean, and pass their promtool unit tests', async () => {
    expect(ruleFiles.length).toBeGreaterThan(0);
    await expectPromtool('check', 'rules', '--lint=all', '--lint-fatal', ...ruleFiles.map(rel));
    await expectPromtool('test', 'rules', rel('rules/commerce.rules.test.yml'));
    await expectPromtool('test', 'rules', rel('rules/platform.rules.test.yml'));
  });

  it('every alert has a severity, a summary, a description and its runbook, and unit tests both ways', () => {
    const tests = ['rules/commerce.rules.test.yml', 'rules/platform.rules.test.yml'].flatMap((file) =>
      (YAML.parse(read(file)) as RulesTest).tests.flatMap((test) => test.alert_rule_test ?? []),
    );
    // Platform runbooks are absolute: the `runbook_base` external label (an https URL in both configs) + the anchor.
    for (const config of ['prometheus.yml', 'prometheus-kubernetes.yml']) {
      expect((YAML.parse(read(config)) as { global: { external_labels: Record<string, string> } }).global.external_labels.runbook_base, config).toMatch(/^https:\/\/\S+README\.md$/);
    }
    expect(alerts.length).toBeGreaterThanOrEqual(7);
    for (const rule of alerts) {
      expect(['critical', 'warning'], rule.alert).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary, rule.alert).toBeTruthy();
      expect(rule.annotations?.description, rule.alert).toBeTruthy();
      const anchor = `#alert-${rule.alert.toLowerCase()}`;
      expect(rule.annotations?.runbook_url, rule.alert).toBe(platformAlerts.has(rule.alert) ? `{{ $externalLabels.runbook_base }}${anchor}` : `README.md${anchor}`);
      expect(readme.toLowerCase(), `README section for ${rule.alert}`).toContain(`#### alert: ${rule.alert.toLowerCase()}`);
      const cases = tests.filter((test) => test.alertname === rule.alert);
      expect(cases.some((test) => (test.exp_alerts ?? []).length > 0), `${rule.alert} is never tested firing`).toBe(true);
      expect(cases.some((test) => (test.exp_alerts ?? []).length === 0), `${rule.alert} is never tested silent`).toBe(true);
    }
    // The live test below waits for it: an open breaker must fire at the first evaluation.
    expect(alerts.find((rule) => rule.alert === 'SubgraphCircuitOpen')).toMatchObject({ expr: 'subgraph_circuit_state == 2', for: '0m' });
  });

  describe('prometheus-kubernetes.yml', () => {
    // Pods as Kubernetes pod discovery describes them (its __meta_* labels), to run the relabeling on.
    const pod = (name: string, app: string, ip: string, annotations: Record<string, string>, phase = 'Running') => ({
      // A declared container port that is not the annotated one: the annotation wins.
      targets: [`${ip}:8080`],
      labels: {
        __meta_kubernetes_namespace: 'commerce',
        __meta_kubernetes_pod_name: name,
        __meta_kubernetes_pod_phase: phase,
        __meta_kubernetes_pod_node_name: 'node-1',
        __meta_kubernetes_pod_label_app_kubernetes_io_name: app,
        ...Object.fromEntries(Object.entries(annotations).map(([key, value]) => [`__meta_kubernetes_pod_annotation_prometheus_io_${key}`, value])),
      },
    });
    const pods = [
      pod('router-a', 'router', '10.0.0.1', { scrape: 'true', port: '9090', path: '/metrics' }),
      pod('users-a', 'users', '10.0.0.2', { scrape: 'true', port: '9101' }),
      pod('reviews-a', 'reviews', '10.0.0.3', { scrape: 'true', port: '9103', path: '/internal/metrics' }),
      pod('products-a', 'products', '10.0.0.4', { scrape: 'false', port: '4002' }),
      pod('orders-old', 'orders', '10.0.0.5', { scrape: 'true', port: '4004' }, 'Succeeded'),
      pod('redis-a', 'redis', '10.0.0.6', { scrape: 'true', port: '9121' }),
      // Strimzi's pods: one discovered target per declared container port; only tcp-prometheus is scraped.
      ...[
        ['commerce-brokers-0', 'commerce-brokers', '10.0.5.1', 'tcp-prometheus', 9404],
        ['commerce-brokers-0', 'commerce-brokers', '10.0.5.1', 'tcp-replication', 9091],
        ['commerce-kafka-exporter-x', 'commerce-kafka-exporter', '10.0.5.2', 'tcp-prometheus', 9404],
        ['commerce-entity-operator-x', 'commerce-entity-operator', '10.0.5.3', 'healthcheck', 8080],
      ].map(([name, strimziName, ip, portName, port]) => ({
        targets: [`${ip}:${port}`],
        labels: {
          __meta_kubernetes_namespace: 'commerce',
          __meta_kubernetes_pod_name: String(name),
          __meta_kubernetes_pod_phase: 'Running',
          __meta_kubernetes_pod_node_name: 'node-2',
          __meta_kubernetes_pod_label_strimzi_io_cluster: 'commerce',
          __meta_kubernetes_pod_label_strimzi_io_name: String(strimziName),
          __meta_kubernetes_pod_container_port_name: String(portName),
        },
      })),
    ];

    /** The same config with discovery replaced by the pods above, rule files resolved from deploy/monitoring. */
    function withPods(): string {
      const config = structuredClone(kubernetesConfig);
      config.rule_files = config.rule_files.map((pattern) => path.resolve(monitoring, pattern));
      for (const job of config.scrape_configs) {
        delete job.kubernetes_sd_configs;
        job.static_configs = pods;
      }
      return YAML.stringify(config);
    }

    it('discovers pods of the commerce namespace under the same jobs and rules as prometheus.yml, and the Kafka cluster', () => {
      expect(kubernetesConfig.rule_files).toEqual(composeConfig.rule_files);
      expect(kubernetesConfig.scrape_configs.map((job) => job.job_name)).toEqual([...composeConfig.scrape_configs.map((job) => job.job_name), 'kafka']);
      for (const job of kubernetesConfig.scrape_configs) {
        expect(job.kubernetes_sd_configs, job.job_name).toEqual([{ role: 'pod', namespaces: { names: ['commerce'] } }]);
        expect(job.static_configs, job.job_name).toBeUndefined();
      }
    });

    it('relabels annotated pods into targets: port and path from annotations, app/namespace/pod labels', async () => {
      // Debian's promtool is built without Kubernetes discovery, so the relabeling is checked on pods
      // given statically: the same relabel_configs, run by promtool's own service discovery.
      const dir = mkdtempSync(path.join(os.tmpdir(), 'commerce-monitoring-'));
      onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
      const file = path.join(dir, 'prometheus-kubernetes.yml');
      writeFileSync(file, withPods());
      const output = await expectPromtool('check', 'config', '--lint=all', '--lint-fatal', file);
      expect(checkedRuleFiles(output, file).map((checked) => path.basename(checked)).sort()).toEqual(ruleFiles.map((ruleFile) => path.basename(ruleFile)).sort());

      // Static targets are discovered at once; promtool waits out its timeout whatever it found.
      const discovered = await Promise.all(
        kubernetesConfig.scrape_configs.map(async (job) => JSON.parse(await expectPromtool('check', 'service-discovery', '--timeout=1s', file, job.job_name)) as { labels: Record<string, string> }[]),
      );
      const scraped = discovered.flat().map((target) => target.labels).filter((labels) => Object.keys(labels).length > 0);
      // No `service` target label: it would clash with the one every process puts on its own series.
      expect(scraped.filter((labels) => 'service' in labels)).toEqual([]);
      const summary = scraped
        .map(({ job, __address__, __metrics_path__, app, namespace, pod: name }) => ({ job, __address__, __metrics_path__, app, namespace, pod: name }))
        .sort((a, b) => String(a.pod).localeCompare(String(b.pod)));
      expect(summary).toEqual([
        { job: 'kafka', __address__: '10.0.5.1:9404', __metrics_path__: '/metrics', app: 'commerce-brokers', namespace: 'commerce', pod: 'commerce-brokers-0' },
        { job: 'kafka', __address__: '10.0.5.2:9404', __metrics_path__: '/metrics', app: 'commerce-kafka-exporter', namespace: 'commerce', pod: 'commerce-kafka-exporter-x' },
        { job: 'subgraphs', __address__: '10.0.0.3:9103', __metrics_path__: '/internal/metrics', app: 'reviews', namespace: 'commerce', pod: 'reviews-a' },
        { job: 'router', __address__: '10.0.0.1:9090', __metrics_path__: '/metrics', app: 'router', namespace: 'commerce', pod: 'router-a' },
        { job: 'subgraphs', __address__: '10.0.0.2:9101', __metrics_path__: '/metrics', app: 'users', namespace: 'commerce', pod: 'users-a' },
      ]);
    });

    it('passes promtool check config as it is, or fails only for the discovery a Debian promtool lacks', async () => {
      const result = await promtool('check', 'config', rel('prometheus-kubernetes.yml'));
      const output = result.stdout + result.stderr;
      if (result.code === 0) {
        expect(output).toMatch(/SUCCESS/);
        return;
      }
      // Debian builds promtool without Kubernetes discovery; anything else wrong must still fail here.
      const problems = output.split('\n').filter((line) => /FAILED|error|not found/i.test(line));
      expect(output, 'the one failure allowed is the missing Kubernetes discovery').toMatch(/kubernetes_sd_configs not found/);
      for (const line of problems) expect(line, output).toMatch(/kubernetes_sd_configs not found|FAILED: parsing YAML file .*prometheus-kubernetes\.yml/);
    });
  });
});

/** Series Prometheus makes itself, beside what it scrapes. */
const PROMETHEUS_SERIES = ['up', 'scrape_duration_seconds', 'scrape_samples_scraped', 'scrape_samples_post_metric_relabeling', 'scrape_series_added', 'ALERTS', 'ALERTS_FOR_STATE'];

/** The scraped metrics an expression depends on, through recording rules. */
function scrapedMetricsOf(expr: string, seen = new Set<string>()): string[] {
  return metricNamesIn(expr).flatMap((name) => {
    const rule = rules.find((candidate) => candidate.record === name);
    if (!rule) return [name];
    if (seen.has(name)) return [];
    seen.add(name);
    return scrapedMetricsOf(rule.expr, seen);
  });
}

describe('metric names in the rules and the dashboard', () => {
  let known: Set<string>;
  beforeAll(async () => {
    // HELP/TYPE lines list every registered metric, also the labelled ones nothing has counted yet.
    const pages = await Promise.all(Object.values(run.metricsUrls).map(async (url) => (await fetch(url)).text()));
    const exposed = pages.flatMap((page) => [...exposedMetricNames(page)]);
    for (const name of ['subgraph_circuit_state', 'kafka_consumer_lag', 'events_dead_lettered_total', 'graphql_operation_duration_seconds']) expect(exposed).toContain(name);
    known = new Set([...exposed, ...recorded, ...PROMETHEUS_SERIES]);
  });

  const unknownIn = (entries: [string, string][]) =>
    entries.flatMap(([where, expr]) => metricNamesIn(expr).filter((name) => !isKnownMetric(name, known)).map((name) => `${where}: ${name}`));

  it('are read out of PromQL loosely but well enough to catch a typo', () => {
    expect(metricNamesIn('sum by (code, le) (rate(graphql_erors_total{service="router", code=~"A|B"}[$__rate_interval])) / ignoring (x) up offset 15m > 1e3')).toEqual(['graphql_erors_total', 'up']);
    expect(metricNamesIn('histogram_quantile(0.95, sum by (le) (rate(event_apply_lag_seconds_bucket[5m]))) or vector(0)')).toEqual(['event_apply_lag_seconds_bucket']);
    expect(unknownIn([['typo', 'rate(http_request_total[5m])'], ['fine', 'rate(http_requests_total[5m]) + subgraph_request_duration_seconds_count']])).toEqual(['typo: http_request_total']);
  });

  it('every metric a rule reads is one the running services expose (or a recording rule)', () => {
    expect(unknownIn(appRules.map((rule) => [rule.alert ?? rule.record ?? '?', rule.expr]))).toEqual([]);
  });

  it('every metric a dashboard panel reads is one the running services expose (or a recording rule)', () => {
    expect(unknownIn(panels.flatMap((panel) => (panel.targets ?? []).map((target): [string, string] => [panel.title, target.expr ?? ''])))).toEqual([]);
  });
});

describe('Grafana dashboard and provisioning', () => {
  it('is a dashboard Grafana provisions: its uid, schemaVersion 39+, unique panel ids on the 24-column grid', () => {
    expect(dashboard.uid).toBe('commerce-overview');
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(39);
    expect(new Set(panels.map((panel) => panel.id)).size).toBe(panels.length);
    for (const panel of panels) expect(panel.gridPos.x + panel.gridPos.w, panel.title).toBeLessThanOrEqual(24);
  });

  it('every panel queries the provisioned Prometheus datasource with an expression; the alert list shows its alerts', () => {
    const ok = ['prometheus', '${datasource}'];
    for (const panel of panels.filter((candidate) => !['row', 'text', 'alertlist'].includes(candidate.type))) {
      expect(ok, panel.title).toContain(panel.datasource?.uid);
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets ?? []) {
        expect(target.expr?.trim(), panel.title).toBeTruthy();
        if (target.datasource) expect(ok, panel.title).toContain(target.datasource.uid);
      }
    }
    const alertList = panels.find((panel) => panel.type === 'alertlist');
    // The alert list filters by datasource name, not uid.
    expect(alertList?.options?.datasource).toBe(datasources[0]?.name);
  });

  it('has panels on every required subject, and on what every alert watches', () => {
    const shown = new Set(dashboardExprs.flatMap((expr) => scrapedMetricsOf(expr)));
    const subjects = {
      'router request rate': 'http_requests_total',
      'router error rate': 'graphql_errors_total',
      'p95 latency per operation': 'graphql_operation_duration_seconds_bucket',
      'subgraph request latency': 'subgraph_request_duration_seconds_bucket',
      'subgraph request outcomes': 'subgraph_request_duration_seconds_count',
      'breaker state per subgraph': 'subgraph_circuit_state',
      'rate-limited requests': 'rate_limit_rejections_total',
      'rejected requests': 'router_rejections_total',
      'events published': 'events_published_total',
      'events consumed': 'events_consumed_total',
      'consumer lag': 'kafka_consumer_lag',
      'dead-lettered events': 'events_dead_lettered_total',
      'outbox backlog': 'outbox_pending_events',
      'event apply lag p95': 'event_apply_lag_seconds_bucket',
      'DB queries per GraphQL operation': 'db_queries_total',
      'process memory': 'process_resident_memory_bytes',
      'event loop lag': 'nodejs_eventloop_lag_p99_seconds',
    };
    const missing = Object.entries(subjects).filter(([, metric]) => !shown.has(metric));
    expect(missing).toEqual([]);
    const unwatched = alerts.filter((rule) => !platformAlerts.has(rule.alert) && !scrapedMetricsOf(rule.expr).some((metric) => shown.has(metric))).map((rule) => rule.alert);
    expect(unwatched).toEqual([]);
    expect(panels.some((panel) => panel.type === 'alertlist')).toBe(true);
  });

  it('provisions the datasource and the dashboards where docker-compose mounts them', () => {
    expect(datasources).toEqual([expect.objectContaining({ name: 'Prometheus', uid: 'prometheus', type: 'prometheus', url: 'http://prometheus:9090', isDefault: true })]);
    const providers = (YAML.parse(read('grafana/provisioning/dashboards/commerce.yml')) as { providers: { type: string; options: { path: string } }[] }).providers;
    expect(providers).toEqual([expect.objectContaining({ type: 'file', options: expect.objectContaining({ path: '/var/lib/grafana/dashboards' }) })]);

    const compose = YAML.parse(readFileSync(path.join(repoRoot, 'docker-compose.yml'), 'utf8')) as { services: Record<string, { volumes?: string[]; command?: string[] }> };
    const mounts = (service: string) => Object.fromEntries((compose.services[service]?.volumes ?? []).map((volume) => volume.split(':').slice(0, 2)).map(([from, to]) => [to, from]));
    expect(mounts('grafana')).toMatchObject({ '/etc/grafana/provisioning': './deploy/monitoring/grafana/provisioning', '/var/lib/grafana/dashboards': './deploy/monitoring/grafana/dashboards' });
    expect(mounts('prometheus')).toMatchObject({ '/etc/prometheus': './deploy/monitoring' });
    expect(compose.services.prometheus?.command).toContain('--config.file=/etc/prometheus/prometheus.yml');
  });
});

describe('live: a real Prometheus with these rules and jobs, scraping the test stack', () => {
  let prometheus: PrometheusServer;
  let faulty: TestProcess;
  const hostOf = (url: string) => new URL(url).host;

  /** prometheus.yml with each compose name (`users:9101`) replaced by the test stack's address for it. */
  function liveConfig(addresses: Record<string, string[]>): string {
    const config = structuredClone(composeConfig);
    config.global = { ...config.global, scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' };
    config.rule_files = config.rule_files.map((pattern) => path.resolve(monitoring, pattern));
    for (const job of config.scrape_configs) {
      for (const group of job.static_configs ?? []) {
        group.targets = group.targets.flatMap((target) => {
          const name = target.split(':')[0] as string;
          if (!addresses[name]) throw new Error(`no test-stack address for ${target}`);
          return addresses[name];
        });
      }
    }
    return YAML.stringify(config);
  }

  type Vector = { metric: Record<string, string>; value: [number, string] }[];
  const query = async (expr: string) => (await prometheus.api<{ result: Vector }>(`/api/v1/query?query=${encodeURIComponent(expr)}`)).result;
  const logIn = () => faulty.client.request('mutation MonitoringLogIn { logIn(email: "nobody@example.com", password: "whatever1") { token } }');

  beforeAll(async () => {
    // An extra router whose users subgraph is a port nobody listens on: one failure opens its breaker,
    // and it stays open (no half-open trial) for as long as the test needs.
    const deadPort = await freePort();
    faulty = await startRouter(
      'monitoring',
      { SUBGRAPH_URL_OVERRIDES: sharedSubgraphOverrides({ users: `http://127.0.0.1:${deadPort}/graphql` }), BREAKER_FAILURES: '1', BREAKER_HALF_OPEN_MS: '600000', SUBGRAPH_RETRIES: '0', SUBGRAPH_TIMEOUT_MS: '500' },
      // Never ready: its readiness check reaches the users subgraph.
      { waitFor: 'health' },
    );
    const addresses = {
      router: [hostOf(run.metricsUrls.router), hostOf(faulty.metricsUrl)],
      ...Object.fromEntries(SERVICES.map((service) => [service, [hostOf(run.metricsUrls[service])]])),
    };
    prometheus = await startPrometheus(liveConfig(addresses), await freePort());
  });
  afterAll(async () => {
    await prometheus?.stop();
  });

  it('scrapes the router, the extra router and the four subgraphs, and evaluates every rule without error', async () => {
    type Targets = { activeTargets: { labels: Record<string, string>; health: string; lastError: string }[] };
    const targets = await eventually(async () => {
      const { activeTargets } = await prometheus.api<Targets>('/api/v1/targets?state=active');
      expect(activeTargets).toHaveLength(6);
      for (const target of activeTargets) expect(target.health, `${target.labels.instance}: ${target.lastError}`).toBe('up');
      return activeTargets;
    }, { timeoutMs: 15_000, intervalMs: 250 });
    const instances = (job: string) => targets.filter((target) => target.labels.job === job).map((target) => target.labels.instance).sort();
    expect(instances('router')).toEqual([hostOf(run.metricsUrls.router), hostOf(faulty.metricsUrl)].sort());
    expect(instances('subgraphs')).toEqual(SERVICES.map((service) => hostOf(run.metricsUrls[service])).sort());
    // ServiceNotScraped counts each service's targets by `app`: every one is there, the extra router under router.
    await eventually(async () => {
      const counted = (await query('count by (app) (up)')).map((sample) => [sample.metric.app, sample.value[1]]).sort();
      expect(counted).toEqual([['orders', '1'], ['products', '1'], ['reviews', '1'], ['router', '2'], ['users', '1']]);
    }, { timeoutMs: 10_000, intervalMs: 250 });

    type Rules = { groups: { rules: { name: string; health: string; lastError?: string }[] }[] };
    const loaded = await eventually(async () => {
      const groups = (await prometheus.api<Rules>('/api/v1/rules')).groups.flatMap((group) => group.rules);
      expect(groups.filter((rule) => rule.health === 'unknown')).toEqual([]);
      return groups;
    }, { timeoutMs: 10_000, intervalMs: 250 });
    expect(loaded.map((rule) => rule.name).sort()).toEqual(rules.map((rule) => rule.alert ?? rule.record).sort());
    expect(loaded.filter((rule) => rule.health !== 'ok')).toEqual([]);
  });

  it('fires SubgraphCircuitOpen for the extra router and users once its breaker opens, and only for it', async () => {
    const answer = await logIn();
    expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'SUBREQUEST_HTTP_ERROR', service: 'users' });
    expect(await metricValue(faulty.metricsUrl, 'subgraph_circuit_state', { subgraph: 'users' })).toBe(2);

    type Alerts = { alerts: { labels: Record<string, string>; annotations: Record<string, string>; state: string }[] };
    const open = await eventually(async () => {
      const firing = (await prometheus.api<Alerts>('/api/v1/alerts')).alerts.filter((alert) => alert.labels.alertname === 'SubgraphCircuitOpen');
      expect(firing.map((alert) => [alert.labels.instance, alert.labels.subgraph, alert.state])).toEqual([[hostOf(faulty.metricsUrl), 'users', 'firing']]);
      return firing[0]!;
    }, { timeoutMs: 30_000, intervalMs: 250 });
    expect(open.labels).toMatchObject({ job: 'router', service: 'router', severity: 'critical' });
    expect(open.annotations.runbook_url).toBe('README.md#alert-subgraphcircuitopen');
  });

  it('sees the failing requests in the error-ratio and latency recording rules, with the labels the router really uses', async () => {
    // Counters are only listed once counted: a first request creates the series, a scrape sees them,
    // and a second request is an increase that rate() can see.
    await logIn();
    await eventually(async () => expect(await query(`graphql_errors_total{instance="${hostOf(faulty.metricsUrl)}", code="SUBREQUEST_HTTP_ERROR"}`)).toHaveLength(1), { timeoutMs: 10_000, intervalMs: 250 });
    await logIn();
    await eventually(async () => {
      const [ratio] = await query('router:graphql_server_error_ratio:rate5m');
      expect(Number(ratio?.value[1])).toBeGreaterThan(0);
      expect(await query('router:graphql_operation_duration_seconds:p95_5m{operation="MonitoringLogIn"}')).toHaveLength(1);
    }, { timeoutMs: 10_000, intervalMs: 250 });
  });
});
