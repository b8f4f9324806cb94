import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IService } from 'kubernetes-models/v1/Service';
import { ConfigError, env, parseConfig, type ConfigOf, type ConfigRule } from '@commerce/kit/config';
import type { IVolume } from 'kubernetes-models/v1/Volume';
import type { EventType } from '@commerce/kit/events/catalog';
import { kafkaAccessOf, routerKafkaAccess } from '@commerce/kit/events/kafka';
import { derivingServices } from '@commerce/kit/events/samples';
import { DEFAULT_METRICS_PORTS, DEFAULT_PORTS, SERVICES, kafkaClientRules, productionSecretRule, type ServiceName } from '@commerce/kit/service-config';
import { stackConfigShape } from '@commerce/stack/config';
import { repoRoot } from '@commerce/stack/paths';
import { configShape as routerShape, introspectionEnabled } from '../../router/src/config.js';
import { configShape as usersShape } from '../../subgraphs/users/src/config.js';
import { configShape as productsShape } from '../../subgraphs/products/src/config.js';
import { configShape as reviewsShape } from '../../subgraphs/reviews/src/config.js';
import { configShape as ordersShape } from '../../subgraphs/orders/src/config.js';
import { userHandlers } from '../../subgraphs/users/src/events/consume.js';
import { productHandlers } from '../../subgraphs/products/src/events/consume.js';
import { reviewHandlers } from '../../subgraphs/reviews/src/events/consume.js';
import { orderHandlers } from '../../subgraphs/orders/src/events/consume.js';
import {
  admits,
  egressAllows,
  containersOf,
  createValidator,
  isWorkload,
  k8sDir,
  podLabels,
  quantity,
  renderOverlay,
  resolveEnv,
  resolvePort,
  selects,
  type K8sObject,
  type LabelSelector,
  type Peer,
  type Workload,
} from './support/kubernetes.js';

/**
 * deploy/k8s, rendered by a real kustomize (`kubectl kustomize`, what `kubectl apply -k` runs) and
 * checked as Kubernetes would take it: every object against its schema (kubernetes-models for the
 * core API, the operators' own CRDs for Strimzi and CloudNativePG), then the rules of the deployment
 * as behaviour of the rendered objects — what each container's environment resolves to and whether
 * that service's own configuration schema accepts it, which pods the NetworkPolicies admit, which
 * pods each Service, autoscaler and disruption budget selects. No cluster is needed.
 */
const OVERLAYS = { dev: 'commerce-dev', prod: 'commerce' } as const;
type Overlay = keyof typeof OVERLAYS;
const IMAGE = 'ghcr.io/commerce-supergraph/commerce';
const WORKLOADS = ['router', ...SERVICES] as const;
type WorkloadName = (typeof WORKLOADS)[number];
const TOPICS = SERVICES.flatMap((service) => [`${service}.events`, `${service}.events.dlq`]);
const ENTRY: Record<WorkloadName, string> = {
  router: 'router/src/index.ts',
  ...(Object.fromEntries(SERVICES.map((service) => [service, `subgraphs/${service}/src/index.ts`])) as Record<ServiceName, string>),
};
const SHAPES = { router: routerShape, users: usersShape, products: productsShape, reviews: reviewsShape, orders: ordersShape };
/** The events each subgraph has handlers for: what its consumer group subscribes to (kit/events/consumer.ts). */
const HANDLED: Record<ServiceName, EventType[]> = {
  users: Object.keys(userHandlers) as EventType[],
  products: Object.keys(productHandlers) as EventType[],
  reviews: Object.keys(reviewHandlers) as EventType[],
  orders: Object.keys(orderHandlers) as EventType[],
};
/**
 * Every rule a service applies at start but the file checks: a `_FILE` setting names a file that exists
 * only in the pod (a mounted Secret); where the mount comes from is checked below instead.
 */
const RULES = [productionSecretRule, ...kafkaClientRules];
/** Read outside the config schemas: by the telemetry module of every process, and by Node itself. */
const READ_ELSEWHERE = ['OTEL_EXPORTER_OTLP_ENDPOINT', 'NODE_OPTIONS'];
/** What `prisma-cli.ts migrate` reads: the stack settings plus one database URL per service. */
const migrationShape = {
  ...stackConfigShape,
  ...Object.fromEntries(SERVICES.map((service) => [`${service.toUpperCase()}_DATABASE_URL`, env.optionalPostgresUrl()])),
};
/** Stand-ins for the Secrets an operator creates by hand in prod (deploy/k8s/README.md), shaped like the real ones. */
const STAND_IN: Record<string, string> = {
  ROUTER_SHARED_SECRET: 'f3c1e0b7a9d24c6e8b5a7f1d2c3e4b5a',
  PARTNER_API_KEYS: 'acme=2d9f0c1e8b7a6f5e,globex=9a8b7c6d5e4f3a2b',
  REDIS_URL: 'rediss://default:stand-in@redis.example.internal:6380',
  JWT_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----\nstand-in\n-----END PRIVATE KEY-----',
  ADMIN_EMAIL: 'ops@example.com',
  ADMIN_PASSWORD: 'a-long-stand-in-password',
};

const validate = createValidator();
const rendered = {} as Record<Overlay, K8sObject[]>;

beforeAll(async () => {
  rendered.dev = await renderOverlay('dev');
  rendered.prod = await renderOverlay('prod');
});

const ofKind = <T = K8sObject>(objects: K8sObject[], kind: string) => objects.filter((o) => o.kind === kind) as unknown as (K8sObject & T)[];
const named = <T = K8sObject>(objects: K8sObject[], kind: string, name: string) => {
  const found = ofKind<T>(objects, kind).find((o) => o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} rendered`);
  return found;
};
const workloads = (objects: K8sObject[]) => objects.filter(isWorkload);
const platformWorkloads = (objects: K8sObject[]) => workloads(objects).filter((w) => containersOf(w).some((c) => c.image?.startsWith(`${IMAGE}:`)));
const deployment = (objects: K8sObject[], name: string) => named<Workload>(objects, 'Deployment', name);
const mainContainer = (workload: Workload) => containersOf(workload)[0] as IContainer;

/** The Secret and key a file path inside the main container comes from (a secret volume with items), if any. */
function mountedSecretKey(workload: Workload, file: string | undefined): { secret: string; key: string } | undefined {
  if (!file) return undefined;
  const mount = mainContainer(workload).volumeMounts?.find((m) => file.startsWith(`${m.mountPath}/`));
  const volume = workload.spec.template.spec?.volumes?.find((v) => v.name === mount?.name) as IVolume | undefined;
  const item = volume?.secret?.items?.find((i) => `${mount!.mountPath}/${i.path}` === file);
  return volume?.secret && item ? { secret: volume.secret.secretName as string, key: item.key } : undefined;
}

/** A subgraph's ACLs as `type:pattern:name operation` (kafkaAccessOf): Write/Describe, Read/Describe on topics, Read on its group. */
function serviceGrants(service: ServiceName): { grants: string[]; topics: string[] } {
  const access = kafkaAccessOf(service, HANDLED[service]);
  const topic = (name: string, operation: string) => `topic:literal:${name} ${operation}`;
  return {
    grants: [
      ...access.write.flatMap((name) => [topic(name, 'Write'), topic(name, 'Describe')]),
      ...access.read.flatMap((name) => [topic(name, 'Read'), topic(name, 'Describe')]),
      ...access.groups.map((name) => `group:literal:${name} Read`),
    ],
    topics: [...access.write, ...access.read],
  };
}

/** The router's ACLs (routerKafkaAccess): Read/Describe on the event topics, Read on its group prefix, Describe on the groups it polls. */
function routerGrants(): { grants: string[]; topics: string[] } {
  const access = routerKafkaAccess(derivingServices());
  return {
    grants: [
      ...access.read.flatMap((name) => [`topic:literal:${name} Read`, `topic:literal:${name} Describe`]),
      `group:prefix:${access.groupPrefix} Read`,
      ...access.describeGroups.map((name) => `group:literal:${name} Describe`),
    ],
    topics: access.read,
  };
}

/**
 * The series name the Prometheus JMX exporter gives an MBean attribute (`domain<key=value, ...><>attribute`):
 * the first rule whose pattern matches the whole string, its `name` with $1.. substituted, lower-cased
 * under lowercaseOutputName, characters outside [a-zA-Z0-9:_] turned into `_` (jmx_exporter's JmxCollector).
 */
function jmxExporterName(config: { lowercaseOutputName?: boolean; rules: { pattern: string; name: string }[] }, bean: string): string | undefined {
  for (const rule of config.rules) {
    const match = new RegExp(`^(?:${rule.pattern})$`).exec(bean);
    if (!match) continue;
    const name = rule.name.replace(/\$(\d+)/g, (_, index: string) => match[Number(index)] ?? '').replace(/[^a-zA-Z0-9:_]/g, '_');
    return config.lowercaseOutputName ? name.toLowerCase() : name;
  }
  return undefined;
}

interface StrimziKafka extends K8sObject {
  spec: {
    kafka: {
      version: string;
      listeners: { name: string; port: number; type: string; tls: boolean; authentication?: { type: string }; networkPolicyPeers?: { podSelector?: LabelSelector }[] }[];
      authorization?: { type: string };
      metricsConfig?: { type: string; valueFrom?: { configMapKeyRef?: { name: string; key: string } } };
      config: Record<string, unknown>;
    };
    entityOperator?: { topicOperator?: object; userOperator?: object };
  };
}
interface KafkaUser extends K8sObject {
  spec: {
    authentication: { type: string };
    authorization: { type: string; acls: { resource: { type: string; name: string; patternType?: string }; operations: string[]; host?: string; type?: string }[] };
  };
}
interface NodePool extends K8sObject {
  spec: { replicas: number; roles: string[]; storage: { type: string; volumes?: { type: string }[] } };
}
interface KafkaTopic extends K8sObject {
  spec: { partitions: number; replicas: number; config?: Record<string, string | number> };
}
interface PgCluster extends K8sObject {
  spec: { instances: number; bootstrap?: { initdb?: { database?: string; owner?: string } } };
}

/** The Secret values Kubernetes would hand the pods: shipped ones as they are, operator-made ones as they will be. */
function secretValue(objects: K8sObject[]) {
  return (name: string, key: string): string | undefined => {
    // Only prod relies on Secrets made outside the overlay; in dev, a Secret it does not ship is missing.
    if (objects !== rendered.prod) return undefined;
    // Strimzi's User Operator: a KafkaUser's Secret, of the user's name, with its SCRAM `password`.
    if (key === 'password' && ofKind(objects, 'KafkaUser').some((u) => u.metadata.name === name)) return 'generated-scram-password';
    const cluster = ofKind<PgCluster>(objects, 'Cluster').find((c) => `${c.metadata.name}-app` === name);
    if (cluster) {
      // CloudNativePG's `<cluster>-app` Secret: `uri` is the app user's URL of the primary's -rw Service.
      const { database = 'app', owner = database } = cluster.spec.bootstrap?.initdb ?? {};
      return key === 'uri' ? `postgresql://${owner}:generated@${cluster.metadata.name}-rw.${cluster.metadata.namespace}:5432/${database}` : undefined;
    }
    return STAND_IN[key];
  };
}

function environmentOf(objects: K8sObject[], workload: Workload): Record<string, string> {
  return resolveEnv(objects, workload, mainContainer(workload), secretValue(objects));
}

/** parseConfig, failing with the service's own one-line-per-variable message. */
function parseOrExplain<S extends Parameters<typeof parseConfig>[0]>(
  what: string,
  shape: S,
  environment: Record<string, string>,
  rules: readonly ConfigRule<never>[] = [],
): ConfigOf<S> {
  try {
    return parseConfig(shape, environment, rules as never);
  } catch (error) {
    throw new Error(`${what}: ${error instanceof ConfigError ? error.message : String(error)}`);
  }
}

/** `host:port` pairs a client in the namespace can open: each Service's ports, each Strimzi cluster's internal bootstrap listeners. */
function endpoints(objects: K8sObject[]): Set<string> {
  const services = ofKind<IService>(objects, 'Service').flatMap((s) => (s.spec?.ports ?? []).map((p) => `${s.metadata.name}:${p.port}`));
  const bootstraps = ofKind<StrimziKafka>(objects, 'Kafka').flatMap((k) =>
    k.spec.kafka.listeners.filter((l) => l.type === 'internal').map((l) => `${k.metadata.name}-kafka-bootstrap:${l.port}`),
  );
  return new Set([...services, ...bootstraps]);
}

/** The workloads whose pods a Service, PDB or policy selector picks. */
const selectedWorkloads = (objects: K8sObject[], selector: LabelSelector) =>
  workloads(objects)
    .filter((w) => selects(selector, podLabels(w)))
    .map((w) => `${w.kind}/${w.metadata.name}`);

/** The platform's own pods, as NetworkPolicy peers. */
function peerOf(workload: Workload): Peer {
  const namespace = workload.metadata.namespace as string;
  return { namespace, namespaceLabels: { 'kubernetes.io/metadata.name': namespace }, labels: podLabels(workload) };
}
const outside = (namespace: string, labels: Record<string, string> = {}): Peer => ({
  namespace,
  namespaceLabels: { 'kubernetes.io/metadata.name': namespace },
  labels,
});

/** The longest `kubectl wait ... job -l app.kubernetes.io/component=migration --timeout=<n>m` the READMEs show, in seconds. */
function readmeMigrationWaitSeconds(): number {
  const text = ['README.md', 'deploy/k8s/README.md'].map((file) => readFileSync(path.join(repoRoot, file), 'utf8')).join('\n');
  const waits = [...text.matchAll(/kubectl[^\n]* wait [^\n]*job[^\n]*--timeout=(\d+)m/g)].map((m) => Number(m[1]) * 60);
  expect(waits.length, 'the READMEs show how long to wait for the migration Jobs').toBeGreaterThan(0);
  return Math.max(...waits);
}

describe.each(Object.keys(OVERLAYS) as Overlay[])('deploy/k8s/overlays/%s', (overlay) => {
  const namespace = OVERLAYS[overlay];
  const objects = () => rendered[overlay];

  it('renders with kubectl kustomize, and every object passes its schema', () => {
    expect(objects().length).toBeGreaterThan(20);
    expect(objects().flatMap(validate)).toEqual([]);
    for (const object of objects()) {
      expect(object.metadata.name, `${object.kind} name`).toMatch(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/);
      if (object.kind === 'Namespace') expect(object.metadata.name).toBe(namespace);
      else expect(object.metadata.namespace, `${object.kind}/${object.metadata.name}`).toBe(namespace);
    }
    // Prod's namespace is managed apart (deploy/k8s/namespaces/prod), so pruning the app never deletes
    // it and the databases in it; dev's throw-away namespace comes with its overlay.
    expect(ofKind(objects(), 'Namespace')).toHaveLength(overlay === 'prod' ? 0 : 1);
  });

  it('drains before it stops: a preStop delay, then the app drain, all within the grace period', () => {
    for (const name of WORKLOADS) {
      const workload = deployment(objects(), name);
      const podSpec = workload.spec.template.spec!;
      const preStop = (mainContainer(workload).lifecycle?.preStop as { sleep?: { seconds: number } } | undefined)?.sleep?.seconds ?? 0;
      const env = environmentOf(objects(), workload);
      const drainMs = Number(env.SHUTDOWN_DRAIN_MS ?? 0);
      const longestRequestMs = name === 'router' ? Number(env.ROUTER_TIMEOUT_MS ?? 30_000) : Number(env.SUBGRAPH_TIMEOUT_MS ?? 5_000);
      expect(preStop, `${name}: preStop sleep, while the load balancers drop the endpoint`).toBeGreaterThanOrEqual(5);
      expect(drainMs, `${name}: SHUTDOWN_DRAIN_MS, at least one readiness period`).toBeGreaterThanOrEqual(5_000);
      expect(podSpec.terminationGracePeriodSeconds ?? 30, name).toBeGreaterThan(preStop + (drainMs + longestRequestMs) / 1000);
    }
  });

  it('runs the router and each subgraph from the one image, probed on its own port, with resources and no root', () => {
    const tags = new Set<string>();
    for (const name of WORKLOADS) {
      const workload = deployment(objects(), name);
      const container = mainContainer(workload);
      const port = DEFAULT_PORTS[name];
      expect(container.image, name).toMatch(new RegExp(`^${IMAGE}:[\\w.-]+(@sha256:[a-f0-9]{64})?$`));
      tags.add(container.image as string);
      expect(container.args, name).toEqual([ENTRY[name]]);
      expect(resolvePort([container], 'http'), name).toBe(port);
      expect(container.readinessProbe?.httpGet?.path, name).toBe('/ready');
      expect(resolvePort([container], container.readinessProbe?.httpGet?.port), name).toBe(port);
      expect(container.livenessProbe?.httpGet?.path, name).toBe('/health');
      expect(resolvePort([container], container.livenessProbe?.httpGet?.port), name).toBe(port);
      if (container.startupProbe) expect(resolvePort([container], container.startupProbe.httpGet?.port), name).toBe(port);
      // /metrics is on its own port (METRICS_PORT), which the pod declares and Prometheus is told about.
      const metricsPort = DEFAULT_METRICS_PORTS[name];
      expect(resolvePort([container], 'metrics'), name).toBe(metricsPort);
      expect(environmentOf(objects(), workload).METRICS_PORT, name).toBe(String(metricsPort));
      expect(workload.spec.template.metadata?.annotations, name).toMatchObject({
        'prometheus.io/scrape': 'true',
        'prometheus.io/port': String(metricsPort),
        'prometheus.io/path': '/metrics',
      });
      const labels = podLabels(workload);
      expect(labels, name).toMatchObject({ 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'commerce' });
      expect(labels['app.kubernetes.io/component'], name).toBeTruthy();
      // The HPA owns the count; a replicas field would reset it on every apply.
      expect(workload.spec.replicas, name).toBeUndefined();
    }
    for (const workload of platformWorkloads(objects())) {
      for (const container of [...(workload.spec.template.spec?.initContainers ?? []), ...containersOf(workload)]) tags.add(container.image as string);
    }
    expect([...tags], 'one image, one tag, for every process and job').toHaveLength(1);
  });

  it('gives every container resources and the restricted security profile, writing only to mounted volumes', () => {
    for (const workload of platformWorkloads(objects())) {
      const where = `${workload.kind}/${workload.metadata.name}`;
      const pod = workload.spec.template.spec!;
      for (const container of [...(pod.initContainers ?? []), ...containersOf(workload)]) {
        const { requests = {}, limits = {} } = container.resources ?? {};
        for (const resource of ['cpu', 'memory']) {
          expect(quantity(requests[resource]), `${where} ${resource} request`).toBeGreaterThan(0);
          expect(quantity(limits[resource]), `${where} ${resource} limit`).toBeGreaterThanOrEqual(quantity(requests[resource]));
        }
        const security = { ...pod.securityContext, ...container.securityContext };
        expect(security, where).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
        expect(security.seccompProfile?.type, where).toBe('RuntimeDefault');
        expect(container.securityContext?.capabilities?.drop, where).toContain('ALL');
        // Read-only root: tsx's compile cache needs a writable /tmp.
        const tmp = container.volumeMounts?.find((m) => m.mountPath === '/tmp');
        expect(pod.volumes?.find((v) => v.name === tmp?.name)?.emptyDir, `${where} /tmp`).toBeDefined();
      }
      expect(pod.automountServiceAccountToken, where).toBe(false);
    }
  });

  it("gives each service an environment its own configuration accepts in production, pointing at what the overlay runs", () => {
    const reachable = endpoints(objects());
    for (const name of WORKLOADS) {
      const workload = deployment(objects(), name);
      const environment = environmentOf(objects(), workload);
      const unknown = Object.keys(environment).filter((key) => !(key in SHAPES[name]) && !READ_ELSEWHERE.includes(key));
      expect(unknown, `${name} is given variables it does not read`).toEqual([]);
      const config = parseOrExplain(name, SHAPES[name], environment, RULES) as Record<string, unknown>;
      expect(config, name).toMatchObject({ NODE_ENV: 'production', HOST: '0.0.0.0', PORT: DEFAULT_PORTS[name] });
      // Every Kafka client (the subgraphs, and the router's entity cache) on the overlay's brokers and topics.
      expect(config.KAFKA_TOPIC_PREFIX, name).toBe('');
      for (const broker of config.KAFKA_BROKERS as string[]) expect(reachable, `${name}: KAFKA_BROKERS ${broker}`).toContain(broker);
      if (name === 'router') continue;
      const database = new URL(config.DATABASE_URL as string);
      expect(database.pathname, name).toBe(`/commerce_${name}`);
    }

    // The router finds each subgraph and the JWKS through the Services, on the pods' own ports.
    const router = parseOrExplain('router', routerShape, environmentOf(objects(), deployment(objects(), 'router')), RULES);
    for (const service of SERVICES) {
      const url = new URL(router.SUBGRAPH_URL_OVERRIDES[service] ?? 'http://missing/');
      expect(url.pathname).toBe('/graphql');
      const target = named<IService>(objects(), 'Service', url.hostname);
      const servicePort = target.spec?.ports?.find((p) => p.port === Number(url.port));
      expect(servicePort, `${service}: ${url}`).toBeDefined();
      expect(selectedWorkloads(objects(), { matchLabels: target.spec?.selector }), `${url.hostname} selects`).toEqual([`Deployment/${service}`]);
      expect(resolvePort(containersOf(deployment(objects(), service)), servicePort?.targetPort)).toBe(DEFAULT_PORTS[service]);
    }
    expect(router.JWKS_URL).toBe(`http://users:${DEFAULT_PORTS.users}/.well-known/jwks.json`);
    expect(router.JWT_ISSUER).toBe(parseConfig(usersShape, environmentOf(objects(), deployment(objects(), 'users'))).JWT_ISSUER);
    expect(router.REDIS_URL, 'router replicas share one Redis').toBeTruthy();
    expect(introspectionEnabled(router)).toBe(overlay === 'dev');
  });

  it('exposes each service through a ClusterIP Service that selects its pods and nothing else', () => {
    for (const name of WORKLOADS) {
      const service = named<IService>(objects(), 'Service', name);
      expect(service.spec?.type ?? 'ClusterIP').toBe('ClusterIP');
      expect(service.spec?.ports?.map((p) => [p.name, p.port])).toEqual([['http', DEFAULT_PORTS[name]], ['metrics', DEFAULT_METRICS_PORTS[name]]]);
      expect(selectedWorkloads(objects(), { matchLabels: service.spec?.selector }), name).toEqual([`Deployment/${name}`]);
    }
  });

  it('autoscales each service on CPU and keeps it up through voluntary disruptions', () => {
    for (const name of WORKLOADS) {
      const hpa = named<IHorizontalPodAutoscaler>(objects(), 'HorizontalPodAutoscaler', name);
      expect(hpa.apiVersion).toBe('autoscaling/v2');
      expect(hpa.spec?.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name });
      expect(hpa.spec?.metrics?.map((m) => [m.resource?.name, m.resource?.target.type])).toEqual([['cpu', 'Utilization']]);
      expect(hpa.spec?.maxReplicas).toBeGreaterThanOrEqual(hpa.spec?.minReplicas ?? 1);

      const pdbs = ofKind<IPodDisruptionBudget>(objects(), 'PodDisruptionBudget').filter((p) =>
        selects(p.spec?.selector as LabelSelector, podLabels(deployment(objects(), name))),
      );
      expect(pdbs, name).toHaveLength(1);
      const { minAvailable, maxUnavailable, selector } = pdbs[0]!.spec!;
      expect(minAvailable === 1 || maxUnavailable === 1, `${name}: minAvailable 1 or maxUnavailable 1`).toBe(true);
      expect(selectedWorkloads(objects(), selector as LabelSelector)).toEqual([`Deployment/${name}`]);
    }
  });

  it('migrates each database with a one-shot Job, and only there', () => {
    const jobs = ofKind<Workload>(objects(), 'Job').filter((job) => podLabels(job)['app.kubernetes.io/component'] === 'migration');
    expect(jobs.map((job) => podLabels(job)['app.kubernetes.io/name']).sort()).toEqual([...SERVICES].sort());
    for (const service of SERVICES) {
      const job = jobs.find((j) => podLabels(j)['app.kubernetes.io/name'] === service)!;
      const spec = job.spec as Workload['spec'] & { backoffLimit?: number; ttlSecondsAfterFinished?: number; activeDeadlineSeconds?: number };
      expect(['Never', 'OnFailure']).toContain(spec.template.spec?.restartPolicy);
      expect(spec.backoffLimit, service).toBeGreaterThan(0);
      // One Job per release, named for the image tag it runs: a new release creates a new Job rather
      // than patching an immutable one, and no TTL deletes a Job a GitOps tool would then re-create.
      const tag = mainContainer(job).image!.split(':')[1]!;
      expect(job.metadata.name).toBe(`${service}-migrate-${tag}`);
      expect(job.metadata.labels?.['app.kubernetes.io/version']).toBe(tag);
      expect(job.metadata.name.length, 'the job-name label Kubernetes adds is at most 63 characters').toBeLessThanOrEqual(63);
      expect(job.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/);
      expect(spec.ttlSecondsAfterFinished, service).toBeUndefined();
      // Never shorter than the README tells an operator to wait for it.
      expect(spec.activeDeadlineSeconds, service).toBeGreaterThanOrEqual(readmeMigrationWaitSeconds());
      expect(mainContainer(job).args).toEqual(['deploy/local/src/prisma-cli.ts', 'migrate', '--service', service]);

      // The CLI migrates the database given as <SERVICE>_DATABASE_URL, the very one the service uses.
      const config = parseOrExplain(job.metadata.name, migrationShape, environmentOf(objects(), job)) as Record<string, unknown>;
      const given = SERVICES.filter((s) => config[`${s.toUpperCase()}_DATABASE_URL`]);
      expect(given, job.metadata.name).toEqual([service]);
      expect(config.DATABASE_URL, 'a server URL would make the CLI create databases').toBeUndefined();
      expect(config[`${service.toUpperCase()}_DATABASE_URL`]).toBe(environmentOf(objects(), deployment(objects(), service)).DATABASE_URL);
      // prisma/migrate.config.ts writes under /app/.cache, which the read-only root must mount.
      const cache = mainContainer(job).volumeMounts?.find((m) => m.mountPath === '/app/.cache');
      expect(job.spec.template.spec?.volumes?.find((v) => v.name === cache?.name)?.emptyDir, `${service}: /app/.cache`).toBeDefined();
    }
    for (const name of WORKLOADS) expect(mainContainer(deployment(objects(), name)).args?.join(' ')).not.toMatch(/migrat/);
  });

  it('starts a subgraph pod only once its database has the migrations of its release', () => {
    for (const service of SERVICES) {
      const workload = deployment(objects(), service);
      const gates = (workload.spec.template.spec?.initContainers ?? []).filter((c) => [...(c.command ?? []), ...(c.args ?? [])].join(' ').includes('prisma-cli.ts'));
      expect(gates, service).toHaveLength(1);
      const script = [...(gates[0]!.command ?? []), ...(gates[0]!.args ?? [])].join(' ');
      // `gate` exits 0 once every migration this release ships is applied (newer rows ignored:
      // tests/deploy/migration-gate.test.ts runs it against a database in each state); it never migrates.
      expect(script, service).toMatch(new RegExp(`^deploy/local/src/prisma-cli\\.ts gate --service ${service} --wait \\d+$`));
      expect(script, service).not.toMatch(/prisma-cli\.ts migrate/);
      const config = parseOrExplain(`${service} gate`, migrationShape, resolveEnv(objects(), workload, gates[0]!, secretValue(objects()))) as Record<string, unknown>;
      expect(SERVICES.filter((s) => config[`${s.toUpperCase()}_DATABASE_URL`]), service).toEqual([service]);
      expect(config[`${service.toUpperCase()}_DATABASE_URL`]).toBe(environmentOf(objects(), workload).DATABASE_URL);
      const cache = gates[0]!.volumeMounts?.find((m) => m.mountPath === '/app/.cache');
      expect(workload.spec.template.spec?.volumes?.find((v) => v.name === cache?.name)?.emptyDir, `${service}: /app/.cache`).toBeDefined();
    }
  });

  it('lets only the router reach the subgraphs, Prometheus only their metrics ports, and anyone the router', () => {
    const policies = ofKind<INetworkPolicy>(objects(), 'NetworkPolicy');
    const router = peerOf(deployment(objects(), 'router'));
    const prometheus = outside('monitoring', { 'app.kubernetes.io/name': 'prometheus' });
    const strangers = [outside('default'), outside(namespace), outside(namespace, { 'app.kubernetes.io/name': 'debug' }), outside('ingress-nginx')];
    for (const service of SERVICES) {
      const target = deployment(objects(), service);
      const port = DEFAULT_PORTS[service];
      expect(admits(policies, target, port, router), `router → ${service}`).toBe(true);
      expect(admits(policies, target, port, prometheus), `monitoring → ${service} GraphQL`).toBe(false);
      expect(admits(policies, target, DEFAULT_METRICS_PORTS[service], prometheus), `monitoring → ${service} metrics`).toBe(true);
      expect(admits(policies, target, DEFAULT_METRICS_PORTS[service], router), `router → ${service} metrics`).toBe(false);
      for (const stranger of strangers) {
        expect(admits(policies, target, port, stranger), `${JSON.stringify(stranger)} → ${service}`).toBe(false);
        expect(admits(policies, target, DEFAULT_METRICS_PORTS[service], stranger), `${JSON.stringify(stranger)} → ${service} metrics`).toBe(false);
      }
      for (const other of workloads(objects()).filter((w) => w.metadata.name !== 'router')) {
        expect(admits(policies, target, port, peerOf(other)), `${other.kind}/${other.metadata.name} → ${service}`).toBe(false);
      }
    }
    const routerPods = deployment(objects(), 'router');
    // The router's GraphQL port: the Ingress controller's namespace alone.
    expect(admits(policies, routerPods, DEFAULT_PORTS.router, outside('ingress-nginx', { 'app.kubernetes.io/name': 'ingress-nginx' }))).toBe(true);
    for (const source of [outside('default'), outside(namespace), prometheus]) expect(admits(policies, routerPods, DEFAULT_PORTS.router, source), JSON.stringify(source)).toBe(false);
    expect(admits(policies, routerPods, DEFAULT_METRICS_PORTS.router, prometheus)).toBe(true);
    for (const stranger of strangers) expect(admits(policies, routerPods, DEFAULT_METRICS_PORTS.router, stranger), `${JSON.stringify(stranger)} → router metrics`).toBe(false);
  });

  it('denies every other flow in and out, the cloud metadata endpoint included', () => {
    const policies = ofKind<INetworkPolicy>(objects(), 'NetworkPolicy');
    const deny = policies.find((p) => p.metadata?.name === 'default-deny')!;
    expect(deny.spec?.podSelector).toEqual({});
    expect(deny.spec?.policyTypes?.sort()).toEqual(['Egress', 'Ingress']);
    const dns = { pod: outside('kube-system', { 'k8s-app': 'kube-dns' }), port: 53, protocol: 'UDP' as const };
    const everyPod = [...workloads(objects()).map(peerOf), outside(namespace, { 'app.kubernetes.io/name': 'debug' })];
    for (const source of everyPod) {
      expect(egressAllows(policies, source, dns), `${JSON.stringify(source.labels)} → DNS`).toBe(true);
      for (const port of [80, 443, 6379]) expect(egressAllows(policies, source, { ip: '169.254.169.254', port }), `${JSON.stringify(source.labels)} → metadata:${port}`).toBe(false);
      expect(egressAllows(policies, source, { ip: '203.0.113.10', port: 22 }), `${JSON.stringify(source.labels)} → the internet:22`).toBe(false);
    }
    const router = peerOf(deployment(objects(), 'router'));
    for (const service of SERVICES) {
      const subgraph = { pod: peerOf(deployment(objects(), service)), port: DEFAULT_PORTS[service] };
      expect(egressAllows(policies, router, subgraph, { http: DEFAULT_PORTS[service] }), `router → ${service}`).toBe(true);
      for (const other of SERVICES.filter((s) => s !== service)) {
        expect(egressAllows(policies, peerOf(deployment(objects(), other)), subgraph, { http: DEFAULT_PORTS[service] }), `${other} → ${service}`).toBe(false);
      }
    }
    // Nothing from the namespace itself reaches a pod it does not need: a stray pod reaches nobody.
    expect(admits(policies, deployment(objects(), 'users'), DEFAULT_PORTS.users, outside(namespace, { 'app.kubernetes.io/name': 'debug' }))).toBe(false);
  });
});

describe('deploy/k8s/overlays/prod, beyond the common rules', () => {
  const objects = () => rendered.prod;
  const kafka = () => ofKind<StrimziKafka>(objects(), 'Kafka');

  it('lets each service alone reach its own database, and the Kafka clients (subgraphs, router) the brokers’ TLS listener alone', () => {
    const policies = ofKind<INetworkPolicy>(objects(), 'NetworkPolicy');
    const dbPod = (service: string) => outside('commerce', { 'cnpg.io/cluster': `${service}-db`, 'cnpg.io/podRole': 'instance' });
    const migration = (service: string) => peerOf(ofKind<Workload>(objects(), 'Job').find((j) => podLabels(j)['app.kubernetes.io/name'] === service)!);
    // A broker pod, labelled as Strimzi labels it (what the commerce-kafka-bootstrap Service selects).
    const brokerLabels = { 'strimzi.io/cluster': 'commerce', 'strimzi.io/kind': 'Kafka', 'strimzi.io/name': 'commerce-kafka', 'strimzi.io/broker-role': 'true' };
    const broker = { pod: outside('commerce', brokerLabels), port: 9093 };
    // What a Kafka client has no business reaching: a broker's other ports (replication 9091, control
    // plane 9090, metrics 9404), a KRaft controller, the entity operator, the exporter.
    const notTheListener = [
      ...[9090, 9091, 9092, 9404].map((port) => ({ pod: broker.pod, port })),
      { pod: outside('commerce', { ...brokerLabels, 'strimzi.io/broker-role': 'false', 'strimzi.io/controller-role': 'true' }), port: 9093 },
      { pod: outside('commerce', { 'strimzi.io/cluster': 'commerce', 'strimzi.io/kind': 'Kafka', 'strimzi.io/name': 'commerce-entity-operator' }), port: 9093 },
      { pod: outside('commerce', { 'strimzi.io/cluster': 'commerce', 'strimzi.io/kind': 'Kafka', 'strimzi.io/name': 'commerce-kafka-exporter' }), port: 9093 },
    ];
    const router = peerOf(deployment(objects(), 'router'));
    for (const service of SERVICES) {
      const own = { pod: dbPod(service), port: 5432 };
      for (const source of [peerOf(deployment(objects(), service)), migration(service)]) expect(egressAllows(policies, source, own), `${JSON.stringify(source.labels)} → ${service}-db`).toBe(true);
      expect(egressAllows(policies, peerOf(deployment(objects(), service)), broker), `${service} → Kafka`).toBe(true);
      for (const other of SERVICES.filter((s) => s !== service)) {
        expect(egressAllows(policies, peerOf(deployment(objects(), other)), own), `${other} → ${service}-db`).toBe(false);
      }
      expect(egressAllows(policies, router, own), `router → ${service}-db`).toBe(false);
      // The database side: its service's pods and its own instances, nobody else in the cluster.
      const dbPolicies = policies.filter((p) => selects(p.spec?.podSelector as LabelSelector, dbPod(service).labels) && (p.spec?.policyTypes ?? []).includes('Ingress'));
      const admitsDb = (source: Peer) =>
        dbPolicies.some((p) => (p.spec?.ingress ?? []).some((rule) => (rule.ports ?? []).some((port) => port.port === 5432) && (rule.from ?? []).some((peer) => !peer.namespaceSelector && selects(peer.podSelector as LabelSelector, source.labels))));
      expect(admitsDb(peerOf(deployment(objects(), service))), `${service} → ${service}-db (ingress)`).toBe(true);
      expect(admitsDb(dbPod(service)), `${service}-db replication`).toBe(true);
      for (const stranger of [router, ...SERVICES.filter((s) => s !== service).map((s) => peerOf(deployment(objects(), s)))]) {
        expect(admitsDb(stranger), `${JSON.stringify(stranger.labels)} → ${service}-db (ingress)`).toBe(false);
      }
    }
    // The router's entity cache consumes the domain events: the TLS listener of the brokers, nothing else.
    expect(egressAllows(policies, router, broker), 'router → Kafka').toBe(true);
    for (const source of [router, ...SERVICES.map((service) => peerOf(deployment(objects(), service)))]) {
      for (const target of notTheListener) expect(egressAllows(policies, source, target), `${JSON.stringify(source.labels)} → ${JSON.stringify(target.pod.labels)}:${target.port}`).toBe(false);
    }
    // The migration Jobs are no Kafka clients.
    for (const service of SERVICES) expect(egressAllows(policies, migration(service), broker), `${service} migration → Kafka`).toBe(false);
  });

  it('runs PostgreSQL and Kafka through their operators: no StatefulSet, no database or broker pods of its own', () => {
    expect(ofKind(objects(), 'StatefulSet')).toEqual([]);
    for (const workload of workloads(objects())) {
      for (const container of containersOf(workload)) expect(container.image, workload.metadata.name).toMatch(new RegExp(`^${IMAGE}:`));
    }
    expect(kafka()).toHaveLength(1);
    expect(ofKind(objects(), 'Cluster').length).toBeGreaterThan(0);
  });

  it('has a Strimzi KRaft cluster of three brokers that keeps three copies of everything', () => {
    const [cluster] = kafka();
    expect(cluster!.apiVersion).toBe('kafka.strimzi.io/v1');
    expect(cluster!.spec.kafka.version).toBe('4.1.1');
    const pools = ofKind<NodePool>(objects(), 'KafkaNodePool').filter((p) => p.metadata.labels?.['strimzi.io/cluster'] === cluster!.metadata.name);
    const replicasWith = (role: string) => pools.filter((p) => p.spec.roles.includes(role)).reduce((sum, p) => sum + p.spec.replicas, 0);
    expect(replicasWith('broker')).toBe(3);
    // A KRaft quorum of three survives the loss of one controller.
    expect(replicasWith('controller')).toBe(3);
    for (const pool of pools) {
      const volumes = pool.spec.storage.type === 'jbod' ? (pool.spec.storage.volumes ?? []) : [pool.spec.storage];
      expect(volumes.map((v) => v.type), pool.metadata.name).toEqual(volumes.map(() => 'persistent-claim'));
    }
    const config = Object.fromEntries(Object.entries(cluster!.spec.kafka.config).map(([key, value]) => [key, Number(value)]));
    expect(config).toMatchObject({
      'default.replication.factor': 3,
      'min.insync.replicas': 2,
      'offsets.topic.replication.factor': 3,
      'transaction.state.log.replication.factor': 3,
      'transaction.state.log.min.isr': 2,
    });
    expect(cluster!.spec.entityOperator?.topicOperator).toBeDefined();
    // Strimzi turns networkPolicyPeers into the brokers' NetworkPolicy: the Kafka clients (the subgraphs
    // and the router) must be among them, and no other workload of the platform.
    for (const listener of cluster!.spec.kafka.listeners.filter((l) => l.networkPolicyPeers)) {
      for (const workload of workloads(objects())) {
        const pod = peerOf(workload);
        const client = (WORKLOADS as readonly string[]).includes(workload.metadata.name) && workload.kind === 'Deployment';
        expect(listener.networkPolicyPeers!.some((peer) => !peer.podSelector || selects(peer.podSelector, pod.labels)), `${workload.kind}/${workload.metadata.name} → ${listener.name}`).toBe(client);
      }
    }
  });

  it('authenticates every Kafka client over TLS with SCRAM-SHA-512, and authorizes it by ACL', () => {
    const [cluster] = kafka();
    const listeners = cluster!.spec.kafka.listeners;
    expect(listeners.map((l) => [l.name, l.tls, l.authentication?.type])).toEqual([['tls', true, 'scram-sha-512']]);
    expect(cluster!.spec.kafka.authorization?.type).toBe('simple');
    expect(cluster!.spec.entityOperator?.userOperator, 'the User Operator turns KafkaUsers into credentials and ACLs').toBeDefined();
    const users = ofKind<KafkaUser>(objects(), 'KafkaUser');
    expect(users.map((u) => u.metadata.name).sort()).toEqual([...WORKLOADS].sort());
    const topics = new Set(ofKind<KafkaTopic>(objects(), 'KafkaTopic').map((t) => t.metadata.name));
    for (const service of WORKLOADS) {
      const workload = deployment(objects(), service);
      const env = environmentOf(objects(), workload);
      const config = parseOrExplain(service, SHAPES[service], env, RULES);
      // The bootstrap of the TLS listener, as the service's own user.
      expect(config.KAFKA_BROKERS, service).toEqual([`${cluster!.metadata.name}-kafka-bootstrap:${listeners[0]!.port}`]);
      expect({ ssl: config.KAFKA_SSL, mechanism: config.KAFKA_SASL_MECHANISM, user: config.KAFKA_SASL_USERNAME }, service).toEqual({ ssl: true, mechanism: 'scram-sha-512', user: service });
      const user = named<KafkaUser>(objects(), 'KafkaUser', service);
      expect(user.metadata.labels?.['strimzi.io/cluster'], service).toBe(cluster!.metadata.name);
      expect(user.spec.authentication.type, service).toBe('scram-sha-512');
      // The files the settings name are the keys of the Secrets Strimzi writes: the user's password, the cluster CA.
      expect(mountedSecretKey(workload, config.KAFKA_SASL_PASSWORD_FILE), `${service}: KAFKA_SASL_PASSWORD_FILE`).toEqual({ secret: user.metadata.name, key: 'password' });
      expect(mountedSecretKey(workload, config.KAFKA_SSL_CA_FILE), `${service}: KAFKA_SSL_CA_FILE`).toEqual({ secret: `${cluster!.metadata.name}-cluster-ca-cert`, key: 'ca.crt' });

      // Exactly the access its code uses, as `type:pattern:name operation` grants: a subgraph's derived
      // from its handlers and the event catalog, the router's from its entity cache's consumer and the
      // services that derive cached changes (CacheEffect.after).
      expect(user.spec.authorization.type).toBe('simple');
      const granted = user.spec.authorization.acls.flatMap((acl) => {
        expect(acl.type ?? 'allow', `${service}: ${acl.resource.name}`).toBe('allow');
        return acl.operations.map((operation) => `${acl.resource.type}:${acl.resource.patternType ?? 'literal'}:${acl.resource.name} ${operation}`);
      });
      const expected = service === 'router' ? routerGrants() : serviceGrants(service);
      expect(granted.sort(), service).toEqual(expected.grants.sort());
      // Every topic it is granted exists as a KafkaTopic.
      for (const topic of expected.topics) expect(topics.has(topic), `${service}: ${topic}`).toBe(true);
    }
    // The migration Jobs have no Kafka identity.
    for (const workload of workloads(objects()).filter((w) => !(WORKLOADS as readonly string[]).includes(w.metadata.name))) {
      expect(Object.keys(environmentOf(objects(), workload)).filter((k) => k.startsWith('KAFKA_')), workload.metadata.name).toEqual([]);
    }
  });

  it('reads the router\'s own entity-cache groups by their prefix alone, which no subgraph group shares', () => {
    const user = named<KafkaUser>(objects(), 'KafkaUser', 'router');
    const prefixed = user.spec.authorization.acls.filter((acl) => acl.resource.patternType === 'prefix');
    expect(prefixed.map((acl) => [acl.resource.type, acl.resource.name, acl.operations])).toEqual([['group', routerKafkaAccess([]).groupPrefix, ['Read']]]);
    for (const service of SERVICES) for (const group of kafkaAccessOf(service, HANDLED[service]).groups) expect(group.startsWith(prefixed[0]!.resource.name), group).toBe(false);
  });

  it('notices an ACL that a new handler would need, or one no code uses', () => {
    const access = kafkaAccessOf('reviews', [...HANDLED.reviews, 'UserRegistered']);
    expect(access.read).toContain('users.events');
    const user = named<KafkaUser>(objects(), 'KafkaUser', 'reviews');
    expect(user.spec.authorization.acls.some((acl) => acl.resource.name === 'users.events')).toBe(false);
  });

  it('scrapes the brokers by the JMX exporter rules the under-replication alert reads', () => {
    const [cluster] = kafka();
    const reference = cluster!.spec.kafka.metricsConfig;
    expect(reference?.type).toBe('jmxPrometheusExporter');
    const configMap = named<{ data: Record<string, string> }>(objects(), 'ConfigMap', reference!.valueFrom!.configMapKeyRef!.name);
    const rules = YAML.parse(configMap.data[reference!.valueFrom!.configMapKeyRef!.key]!) as { lowercaseOutputName?: boolean; rules: { pattern: string; name: string }[] };
    expect(jmxExporterName(rules, 'kafka.server<type=ReplicaManager, name=UnderReplicatedPartitions><>Value')).toBe('kafka_server_replicamanager_underreplicatedpartitions');
    const alert = readFileSync(path.join(repoRoot, 'deploy/monitoring/rules/platform.rules.yml'), 'utf8');
    expect(alert).toContain('kafka_server_replicamanager_underreplicatedpartitions');
  });

  it('backs up each CloudNativePG cluster daily with a ScheduledBackup to its object store', () => {
    const clusters = ofKind<PgCluster & { spec: { backup?: { barmanObjectStore?: object } } }>(objects(), 'Cluster');
    const scheduled = ofKind<K8sObject & { spec: { cluster: { name: string }; schedule: string; method?: string; immediate?: boolean } }>(objects(), 'ScheduledBackup');
    expect(scheduled.map((b) => b.spec.cluster.name).sort()).toEqual(clusters.map((c) => c.metadata.name).sort());
    for (const backup of scheduled) {
      const cluster = clusters.find((c) => c.metadata.name === backup.spec.cluster.name)!;
      expect(backup.spec.method ?? 'barmanObjectStore').toBe('barmanObjectStore');
      expect(cluster.spec.backup?.barmanObjectStore, `${cluster.metadata.name} has the object store the backup writes to`).toBeDefined();
      // CloudNativePG's cron has six fields, seconds first; once a day: a fixed second, minute and hour.
      const fields = backup.spec.schedule.split(' ');
      expect(fields, backup.metadata.name).toHaveLength(6);
      expect(fields.slice(0, 3).every((f) => /^\d+$/.test(f)) && fields.slice(3).every((f) => f === '*'), backup.spec.schedule).toBe(true);
    }
    const times = scheduled.map((b) => b.spec.schedule);
    expect(new Set(times).size, 'the clusters back up one after another, not all at once').toBe(times.length);
  });

  it('declares every event topic and dead-letter topic as a KafkaTopic with three replicas', () => {
    const topics = ofKind<KafkaTopic>(objects(), 'KafkaTopic');
    const names = topics.map((t) => (t.spec as { topicName?: string }).topicName ?? t.metadata.name);
    expect(names.sort()).toEqual([...TOPICS].sort());
    for (const topic of topics) {
      expect(topic.metadata.labels?.['strimzi.io/cluster'], topic.metadata.name).toBe(kafka()[0]!.metadata.name);
      expect(topic.spec.replicas, topic.metadata.name).toBe(3);
      expect(Number(topic.spec.config?.['min.insync.replicas']), topic.metadata.name).toBe(2);
      if (topic.metadata.name.endsWith('.dlq')) expect(topic.spec.partitions).toBe(1);
      else {
        // More subgraph replicas than partitions would leave consumers idle.
        expect(topic.spec.partitions).toBeGreaterThanOrEqual(3);
        const hpa = named<IHorizontalPodAutoscaler>(objects(), 'HorizontalPodAutoscaler', topic.metadata.name.split('.')[0]!);
        expect(hpa.spec?.maxReplicas, topic.metadata.name).toBeLessThanOrEqual(topic.spec.partitions);
      }
    }
  });

  it('gives each database a CloudNativePG cluster with replicas, which its service reaches through the generated Secret', () => {
    const clusters = ofKind<PgCluster>(objects(), 'Cluster');
    expect(clusters.every((c) => c.apiVersion === 'postgresql.cnpg.io/v1')).toBe(true);
    expect(clusters.map((c) => c.spec.bootstrap?.initdb?.database).sort()).toEqual(SERVICES.map((s) => `commerce_${s}`).sort());
    for (const service of SERVICES) {
      const cluster = clusters.find((c) => c.spec.bootstrap?.initdb?.database === `commerce_${service}`)!;
      expect(cluster.spec.instances, cluster.metadata.name).toBeGreaterThanOrEqual(2);
      const reference = mainContainer(deployment(objects(), service)).env?.find((e) => e.name === 'DATABASE_URL')?.valueFrom?.secretKeyRef;
      expect(reference, service).toEqual({ name: `${cluster.metadata.name}-app`, key: 'uri' });
      expect(new URL(environmentOf(objects(), deployment(objects(), service)).DATABASE_URL!).hostname).toBe(`${cluster.metadata.name}-rw.commerce`);
    }
  });

  it('ships no secret values: every secret comes from a Secret the operators or the runbook create', () => {
    for (const secret of ofKind<{ data?: object; stringData?: object }>(objects(), 'Secret')) {
      expect({ name: secret.metadata.name, data: secret.data, stringData: secret.stringData }).toEqual({ name: secret.metadata.name, data: undefined, stringData: undefined });
    }
    // A `_FILE` setting holds a path (of a mounted Secret), not the secret.
    const secretLike = (name: string) => /SECRET|PASSWORD|PRIVATE|TOKEN|KEY|DATABASE_URL|REDIS_URL/.test(name) && !name.endsWith('_FILE');
    for (const configMap of ofKind<{ data?: Record<string, string> }>(objects(), 'ConfigMap')) {
      expect(Object.keys(configMap.data ?? {}).filter(secretLike), configMap.metadata.name).toEqual([]);
    }
    for (const workload of workloads(objects())) {
      for (const variable of containersOf(workload).flatMap((c) => c.env ?? []).filter((v) => secretLike(v.name))) {
        expect(variable.valueFrom?.secretKeyRef, `${workload.metadata.name}: ${variable.name}`).toBeDefined();
      }
    }
  });

  it('documents how to create every Secret it reads that no operator generates', () => {
    const readme = readFileSync(path.join(k8sDir, 'README.md'), 'utf8');
    const documented = new Map<string, Set<string>>();
    // One shell command per line once continuation lines are joined.
    for (const command of readme.replace(/\\\n/g, ' ').split('\n')) {
      const name = /create secret generic ([a-z0-9-]+)/.exec(command)?.[1];
      if (!name) continue;
      const keys = [...command.matchAll(/--from-(?:literal|file)=([A-Z0-9_]+)/g)].map((m) => m[1] as string);
      documented.set(name, new Set([...(documented.get(name) ?? []), ...keys]));
    }
    const generated = new Set(ofKind(objects(), 'Cluster').map((c) => `${c.metadata.name}-app`));
    const required = workloads(objects()).flatMap((w) =>
      containersOf(w).flatMap((c) => (c.env ?? []).flatMap((v) => (v.valueFrom?.secretKeyRef && !v.valueFrom.secretKeyRef.optional ? [v.valueFrom.secretKeyRef] : []))),
    );
    for (const { name, key } of required.filter((ref) => !generated.has(ref.name as string))) {
      expect(documented.get(name as string)?.has(key), `deploy/k8s/README.md: kubectl create secret generic ${name} --from-…=${key}`).toBe(true);
    }
  });

  it('scales wider than dev, and spreads each service over zones and nodes', () => {
    const bounds = (overlay: Overlay, name: string) => named<IHorizontalPodAutoscaler>(rendered[overlay], 'HorizontalPodAutoscaler', name).spec!;
    expect(bounds('prod', 'router').minReplicas).toBeGreaterThanOrEqual(3);
    for (const name of WORKLOADS) {
      expect(bounds('prod', name).minReplicas, name).toBeGreaterThanOrEqual(2);
      expect(bounds('prod', name).maxReplicas, name).toBeGreaterThan(bounds('dev', name).maxReplicas);
      const workload = deployment(objects(), name);
      const constraints = workload.spec.template.spec?.topologySpreadConstraints ?? [];
      expect(constraints.map((c) => c.topologyKey).sort(), name).toEqual(['kubernetes.io/hostname', 'topology.kubernetes.io/zone']);
      for (const constraint of constraints) {
        // The selector and matchLabelKeys must pick this service's own pods, not the whole platform's.
        expect(selects(constraint.labelSelector as LabelSelector, podLabels(workload)), name).toBe(true);
        expect(constraint.matchLabelKeys, name).toContain('app.kubernetes.io/name');
      }
    }
  });

  it('is the namespace and the labels the Kubernetes Prometheus config discovers', () => {
    const prometheus = YAML.parse(readFileSync(path.join(repoRoot, 'deploy/monitoring/prometheus-kubernetes.yml'), 'utf8')) as {
      scrape_configs: { job_name: string; kubernetes_sd_configs: { namespaces?: { names: string[] } }[]; relabel_configs: { source_labels?: string[]; regex?: string; action?: string }[] }[];
    };
    for (const name of WORKLOADS) {
      const labels = podLabels(deployment(objects(), name));
      const jobs = prometheus.scrape_configs.filter(
        (job) =>
          job.kubernetes_sd_configs.some((sd) => sd.namespaces?.names.includes(OVERLAYS.prod)) &&
          job.relabel_configs.some(
            (r) => r.action === 'keep' && r.source_labels?.[0] === '__meta_kubernetes_pod_label_app_kubernetes_io_name' && new RegExp(`^(?:${r.regex})$`).test(labels['app.kubernetes.io/name'] ?? ''),
          ),
      );
      expect(jobs.map((job) => job.job_name), name).toHaveLength(1);
    }
  });
});

describe('deploy/k8s/overlays/dev, beyond the common rules', () => {
  const objects = () => rendered.dev;

  it('brings its own PostgreSQL (with the four databases), single-node KRaft Kafka and Redis', () => {
    const postgres = named<Workload>(objects(), 'StatefulSet', 'postgres');
    expect(mainContainer(postgres).image).toMatch(/^postgres:1[6-9]/);
    const init = mainContainer(postgres).volumeMounts?.find((m) => m.mountPath === '/docker-entrypoint-initdb.d');
    const configMapName = postgres.spec.template.spec?.volumes?.find((v) => v.name === init?.name)?.configMap?.name as string;
    const sql = Object.values(named<{ data: Record<string, string> }>(objects(), 'ConfigMap', configMapName).data).join('\n');
    expect([...sql.matchAll(/CREATE DATABASE (\w+)/gi)].map((m) => m[1]).sort()).toEqual(SERVICES.map((s) => `commerce_${s}`).sort());
    for (const service of SERVICES) {
      expect(new URL(environmentOf(objects(), deployment(objects(), service)).DATABASE_URL!).hostname, service).toBe('postgres');
    }

    const kafka = named<Workload>(objects(), 'StatefulSet', 'kafka');
    expect(mainContainer(kafka).image).toBe('apache/kafka:4.1.1');
    expect(mainContainer(kafka).env).toEqual(expect.arrayContaining([{ name: 'KAFKA_PROCESS_ROLES', value: 'broker,controller' }]));
    // The image reads every KAFKA_* variable as a setting: no service-link KAFKA_PORT may reach it.
    expect(kafka.spec.template.spec?.enableServiceLinks).toBe(false);

    const router = environmentOf(objects(), deployment(objects(), 'router'));
    expect(endpoints(objects())).toContain(new URL(router.REDIS_URL!).host);
  });

  it('creates the topics with a one-shot Job that reads the Kafka clients’ own broker settings', () => {
    const job = named<Workload>(objects(), 'Job', 'kafka-topics');
    expect(mainContainer(job).args).toEqual(['deploy/local/src/topics-cli.ts']);
    expect(['Never', 'OnFailure']).toContain(job.spec.template.spec?.restartPolicy);
    const topics = environmentOf(objects(), job);
    for (const name of WORKLOADS) {
      const client = environmentOf(objects(), deployment(objects(), name));
      expect({ brokers: topics.KAFKA_BROKERS, prefix: topics.KAFKA_TOPIC_PREFIX }, name).toEqual({ brokers: client.KAFKA_BROKERS, prefix: client.KAFKA_TOPIC_PREFIX });
    }
  });

  it('lets the Kafka clients (subgraphs, router, topics Job) alone reach the broker', () => {
    const policies = ofKind<INetworkPolicy>(objects(), 'NetworkPolicy');
    const kafka = named<Workload>(objects(), 'StatefulSet', 'kafka');
    for (const workload of workloads(objects()).filter((w) => w !== kafka)) {
      const client = (WORKLOADS as readonly string[]).includes(workload.metadata.name) || workload.metadata.name === 'kafka-topics';
      const where = `${workload.kind}/${workload.metadata.name} → kafka:9092`;
      expect(egressAllows(policies, peerOf(workload), { pod: peerOf(kafka), port: 9092 }), where).toBe(client);
      expect(admits(policies, kafka, 9092, peerOf(workload)), where).toBe(client);
    }
  });

  it('runs one replica of everything, users with a key it generates itself', () => {
    for (const name of WORKLOADS) expect(named<IHorizontalPodAutoscaler>(objects(), 'HorizontalPodAutoscaler', name).spec?.minReplicas, name).toBe(1);
    // A generated key belongs to one pod: a second replica would sign tokens the JWKS does not list.
    expect(named<IHorizontalPodAutoscaler>(objects(), 'HorizontalPodAutoscaler', 'users').spec?.maxReplicas).toBe(1);
    const users = deployment(objects(), 'users');
    expect(environmentOf(objects(), users).JWT_PRIVATE_KEY).toBeUndefined();
    const keys = mainContainer(users).volumeMounts?.find((m) => m.mountPath === '/app/.secrets');
    expect(users.spec.template.spec?.volumes?.find((v) => v.name === keys?.name)?.emptyDir).toBeDefined();
  });
});

describe('the checks above, on broken manifests', () => {
  it('refuses objects their schemas refuse: a wrong type, a misspelt field, an unknown kind', () => {
    const router = structuredClone(deployment(rendered.prod, 'router')) as K8sObject & { spec: Record<string, unknown> };
    router.spec.replicas = 'three';
    expect(validate(router).join('\n')).toMatch(/replicas must be integer/);

    const topic = structuredClone(named<KafkaTopic>(rendered.prod, 'KafkaTopic', 'orders.events')) as K8sObject & { spec: Record<string, unknown> };
    topic.spec.partitions = 'x';
    expect(validate(topic).join('\n')).toMatch(/\/spec\/partitions must be integer/);
    delete topic.spec.partitions;
    topic.spec.partitons = 6;
    expect(validate(topic).join('\n')).toMatch(/must NOT have additional properties \(partitons\)/);

    const cluster = structuredClone(named<PgCluster>(rendered.prod, 'Cluster', 'users-db')) as K8sObject & { spec: Record<string, unknown> };
    cluster.spec.instances = '3';
    expect(validate(cluster).join('\n')).toMatch(/\/spec\/instances must be integer/);

    expect(validate({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }).join('\n')).toMatch(/no schema/);
  });

  it('notices a policy that opens the subgraphs to everyone', () => {
    const policies = structuredClone(ofKind<INetworkPolicy>(rendered.prod, 'NetworkPolicy'));
    policies.find((p) => p.metadata.name === 'subgraphs-from-router')!.spec!.ingress!.push({ ports: [{ port: 'http' }] });
    expect(admits(policies, deployment(rendered.prod, 'orders'), DEFAULT_PORTS.orders, outside('default'))).toBe(true);
  });

  it('notices that service links would break the migration CLI', () => {
    const job = structuredClone(named<Workload>(rendered.prod, 'Job', 'users-migrate-0.1.0'));
    job.spec.template.spec!.enableServiceLinks = true;
    expect(() => parseOrExplain(job.metadata.name, migrationShape, environmentOf(rendered.prod, job))).toThrow(/USERS_PORT/);
  });
});
