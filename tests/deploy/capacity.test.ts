import { beforeAll, describe, expect, it } from 'vitest';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { SERVICES } from '@commerce/kit/service-config';
import { parseConfig } from '@commerce/kit/config';
import { subgraphConfigShape } from '@commerce/kit/service-config';
import { containersOf, quantity, renderOverlay, resolveEnv, type K8sObject, type Workload } from './support/kubernetes.js';

/**
 * Capacity over the rendered prod overlay: the connection budget of each database, and CPU and memory
 * settings a Node process can live with. Numbers come from the manifests and the services' own config
 * defaults, so a change to a pool size, an HPA maximum or max_connections is checked here.
 */
let objects: K8sObject[];
beforeAll(async () => {
  objects = await renderOverlay('prod');
});

const byKind = <T>(kind: string) => objects.filter((o) => o.kind === kind) as unknown as T[];
const deployment = (name: string) => objects.find((o) => o.kind === 'Deployment' && o.metadata.name === name) as Workload;
const envOf = (workload: Workload) =>
  resolveEnv(objects, workload, containersOf(workload)[0]!, (secret, key) => (key === 'uri' ? `postgresql://app:pw@${secret}-rw:5432/app` : 'x'.repeat(40)));
/** PostgreSQL reserves these for superusers (superuser_reserved_connections' default). */
const RESERVED = 3;
/** What `prisma migrate deploy` holds while a migration Job runs (its connection and the advisory lock's). */
const MIGRATION_CONNECTIONS = 2;

describe('deploy/k8s/overlays/prod capacity', () => {
  it('keeps every database within its max_connections at the HPA maximum plus the rollout surge', () => {
    for (const service of SERVICES) {
      const workload = deployment(service);
      const config = parseConfig(subgraphConfigShape(service), envOf(workload) as NodeJS.ProcessEnv);
      const perPod = config.DATABASE_POOL_SIZE + config.EVENTS_POOL_SIZE;
      const hpa = byKind<IHorizontalPodAutoscaler>('HorizontalPodAutoscaler').find((h) => h.spec?.scaleTargetRef.name === service)!;
      const maxSurge = (workload.spec as { strategy?: { rollingUpdate?: { maxSurge?: string | number } } }).strategy?.rollingUpdate?.maxSurge ?? '25%';
      const surge = typeof maxSurge === 'number' ? maxSurge : Math.ceil((hpa.spec!.maxReplicas * Number(maxSurge.replace('%', ''))) / 100);
      const pods = hpa.spec!.maxReplicas + surge;
      const cluster = objects.find((o) => o.kind === 'Cluster' && o.metadata.name === `${service}-db`) as K8sObject & {
        spec: { postgresql?: { parameters?: Record<string, string> } };
      };
      const maxConnections = Number(cluster.spec.postgresql?.parameters?.max_connections ?? 100);
      const budget = perPod * pods + MIGRATION_CONNECTIONS + RESERVED;
      console.log(`${service}: ${perPod} connections × (${hpa.spec!.maxReplicas} + ${surge} surge) pods + ${MIGRATION_CONNECTIONS} migration + ${RESERVED} reserved = ${budget} ≤ max_connections ${maxConnections}`);
      expect(budget, `${service}-db connection budget`).toBeLessThanOrEqual(maxConnections);
    }
  });

  it('caps the V8 heap well under each memory limit, and keeps the CPU limit within reach of the request', () => {
    for (const name of ['router', ...SERVICES]) {
      const workload = deployment(name);
      const { resources } = containersOf(workload)[0]!;
      const limitMiB = quantity(resources?.limits?.memory) / 2 ** 20;
      const heap = Number(/--max-old-space-size=(\d+)/.exec(String(envOf(workload).NODE_OPTIONS ?? ''))?.[1]);
      expect(heap, `${name}: NODE_OPTIONS=--max-old-space-size`).toBeGreaterThan(0);
      expect(heap / limitMiB, `${name}: heap ${heap} MiB of a ${limitMiB} MiB limit`).toBeGreaterThanOrEqual(0.5);
      expect(heap / limitMiB, `${name}: heap ${heap} MiB of a ${limitMiB} MiB limit`).toBeLessThanOrEqual(0.75);
      const [request, limit] = [quantity(resources?.requests?.cpu), quantity(resources?.limits?.cpu)];
      expect(limit / request, `${name}: CPU limit ${limit} vs request ${request}`).toBeLessThanOrEqual(2);
    }
  });
});
