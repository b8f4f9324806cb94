/**
 * Tools for the Kubernetes manifests suite: the overlays rendered by a real kustomize (kubectl's), a
 * schema check for every rendered object (kubernetes-models for the core API, Ajv against the vendored
 * CRDs for the operators' kinds), and small evaluators of what Kubernetes would make of the objects:
 * label selectors, NetworkPolicy admission, a container's resolved environment.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import YAML from 'yaml';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { repoRoot } from '@commerce/stack/paths';

export const k8sDir = path.join(repoRoot, 'deploy/k8s');

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

const INSTALL_HINT = '`npm run setup` installs it (npm test runs it first as its pretest step)';

/** `kubectl kustomize <dir>`: the overlay exactly as `kubectl apply -k` would send it. */
export function kustomize(dir: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('kubectl', ['kustomize', dir], { cwd: repoRoot, timeout: 60_000, maxBuffer: 32 * 1024 * 1024 }, (error, stdout, stderr) => {
      if ((error as NodeJS.ErrnoException | null)?.code === 'ENOENT') {
        reject(new Error(`kubectl is not installed (not on PATH): ${INSTALL_HINT}`));
      } else if (error) {
        reject(new Error(`kubectl kustomize ${path.relative(repoRoot, dir)} failed:\n${stderr || error.message}`));
      } else {
        resolve(stdout);
      }
    });
  });
}

/** Every document of a multi-document YAML stream; a YAML error fails loudly rather than dropping a document. */
export function parseDocuments(text: string): K8sObject[] {
  return YAML.parseAllDocuments(text).flatMap((doc) => {
    if (doc.errors.length > 0) throw new Error(`invalid YAML: ${doc.errors.map((e) => e.message).join('; ')}`);
    const value = doc.toJS() as K8sObject | null;
    return value ? [value] : [];
  });
}

export async function renderOverlay(name: string): Promise<K8sObject[]> {
  return parseDocuments(await kustomize(path.join(k8sDir, 'overlays', name)));
}

// ---------------------------------------------------------------------------------------------------
// Schemas

type Schema = { [keyword: string]: unknown };
type ModelClass = (new (data: object) => { validate(): void }) & { apiVersion?: string; kind?: string };

const require = createRequire(import.meta.url);

/** The kubernetes-models class of a core kind (`apps/v1` Deployment, `v1` Service, ...), if there is one. */
function coreModel(apiVersion: string, kind: string): ModelClass | undefined {
  let group: Record<string, unknown>;
  try {
    group = require(`kubernetes-models/${apiVersion}`) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const model = group[kind] as ModelClass | undefined;
  // Every definition is exported (Container, PodSpec, ...): only top-level kinds carry their TypeMeta.
  return typeof model === 'function' && model.apiVersion === apiVersion && model.kind === kind ? model : undefined;
}

/**
 * A CRD's openAPIV3Schema as plain JSON Schema for Ajv. Kubernetes' extensions become what the API
 * server does with them: int-or-string accepts both, nullable adds null, list-type `set` means unique
 * items. Unknown fields are refused, as `kubectl apply`'s strict field validation refuses them: every
 * object schema that lists its properties gets additionalProperties: false, unless it says
 * x-kubernetes-preserve-unknown-fields (free-form maps such as Kafka's `config`). CEL rules
 * (x-kubernetes-validations) have no JSON Schema equivalent and are left to the API server.
 */
export function crdToJsonSchema(node: Schema): Schema {
  const out: Schema = {};
  for (const [keyword, value] of Object.entries(node)) {
    if (keyword.startsWith('x-kubernetes-') || keyword === 'nullable') continue;
    if (keyword === 'properties' || keyword === 'patternProperties') {
      out[keyword] = Object.fromEntries(Object.entries(value as Record<string, Schema>).map(([name, child]) => [name, crdToJsonSchema(child)]));
    } else if ((keyword === 'items' || keyword === 'additionalProperties' || keyword === 'not') && typeof value === 'object' && value !== null) {
      out[keyword] = crdToJsonSchema(value as Schema);
    } else if (keyword === 'allOf' || keyword === 'anyOf' || keyword === 'oneOf') {
      out[keyword] = (value as Schema[]).map(crdToJsonSchema);
    } else {
      out[keyword] = value;
    }
  }
  if (node['x-kubernetes-int-or-string'] === true && !out.anyOf) {
    delete out.type;
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (node.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  if (node['x-kubernetes-list-type'] === 'set') out.uniqueItems = true;
  const open = node['x-kubernetes-preserve-unknown-fields'] === true;
  if (out.type === 'object' && out.properties && !open && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

interface Crd {
  spec: {
    group: string;
    names: { kind: string };
    versions: { name: string; served: boolean; schema: { openAPIV3Schema: Schema } }[];
  };
}

/** The vendored CRDs under deploy/k8s/crds, one file per CRD. */
export function vendoredCrds(dir = path.join(k8sDir, 'crds')): { file: string; crd: Crd }[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.yaml'))
    .sort()
    .flatMap((file) =>
      parseDocuments(readFileSync(path.join(dir, file), 'utf8'))
        .filter((doc) => doc.kind === 'CustomResourceDefinition')
        .map((doc) => ({ file, crd: doc as unknown as Crd })),
    );
}

export type Validate = (object: K8sObject) => string[];

/**
 * kustomize folds long base64 values of Secret `data` over several lines; the API server's decoder
 * skips line breaks, kubernetes-models' `byte` format does not. Validate what the server decodes.
 */
function withUnwrappedBase64(object: K8sObject): K8sObject {
  const field = object.kind === 'Secret' ? 'data' : object.kind === 'ConfigMap' ? 'binaryData' : undefined;
  const values = field ? (object[field] as Record<string, string> | undefined) : undefined;
  if (!field || !values) return object;
  return { ...object, [field]: Object.fromEntries(Object.entries(values).map(([key, value]) => [key, value.replace(/[\r\n]/g, '')])) };
}

/**
 * One validator for everything the overlays render: core kinds by their kubernetes-models class, the
 * operators' kinds by their vendored CRD. A kind with neither is an error, so nothing an overlay adds
 * escapes validation.
 */
export function createValidator(): Validate {
  // Strict: a keyword or format Ajv does not know fails compilation instead of being skipped.
  const ajv = new Ajv({ strict: true, strictTypes: false, strictTuples: false, allErrors: true, logger: false });
  addFormats.default(ajv);
  // OpenAPI's annotation keywords, which structural schemas may carry and which validate nothing.
  ajv.addVocabulary(['example', 'externalDocs']);
  const crds = new Map<string, ValidateFunction>();
  for (const { crd } of vendoredCrds()) {
    for (const version of crd.spec.versions.filter((v) => v.served)) {
      crds.set(`${crd.spec.group}/${version.name} ${crd.spec.names.kind}`, ajv.compile(crdToJsonSchema(version.schema.openAPIV3Schema)));
    }
  }
  return (object) => {
    const where = `${object.apiVersion} ${object.kind} ${object.metadata?.name}`;
    const model = coreModel(object.apiVersion, object.kind);
    if (model) {
      try {
        new model(withUnwrappedBase64(object)).validate();
        return [];
      } catch (error) {
        return [`${where}: ${(error as Error).message}`];
      }
    }
    const validate = crds.get(`${object.apiVersion} ${object.kind}`);
    if (!validate) return [`${where}: no schema to validate it against (neither a core kind nor a vendored CRD in deploy/k8s/crds)`];
    if (validate(object)) return [];
    return (validate.errors ?? []).map((e) => `${where}: ${e.instancePath || '/'} ${e.message}${e.keyword === 'additionalProperties' ? ` (${String(e.params.additionalProperty)})` : ''}`);
  };
}

// ---------------------------------------------------------------------------------------------------
// What Kubernetes would make of the objects

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** Kubernetes label-selector semantics (an empty selector matches everything). */
export function selects(selector: LabelSelector | undefined, labels: Record<string, string> = {}): boolean {
  if (!selector) return false;
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
  return (
    byLabels &&
    (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
      switch (operator) {
        case 'In':
          return key in labels && values.includes(labels[key] as string);
        case 'NotIn':
          return !(key in labels) || !values.includes(labels[key] as string);
        case 'Exists':
          return key in labels;
        case 'DoesNotExist':
          return !(key in labels);
        default:
          throw new Error(`unknown selector operator ${operator}`);
      }
    })
  );
}

export interface Workload extends K8sObject {
  spec: { template: IPodTemplateSpec; selector?: LabelSelector; replicas?: number };
}

export const isWorkload = (object: K8sObject): object is Workload =>
  ['Deployment', 'StatefulSet', 'DaemonSet', 'Job'].includes(object.kind) && typeof (object.spec as Workload['spec'] | undefined)?.template === 'object';

export const podLabels = (workload: Workload): Record<string, string> => (workload.spec.template.metadata?.labels ?? {}) as Record<string, string>;
export const containersOf = (workload: Workload): IContainer[] => workload.spec.template.spec?.containers ?? [];

/** A pod someone might connect from: its namespace's labels and its own. */
export interface Peer {
  namespace: string;
  namespaceLabels: Record<string, string>;
  labels: Record<string, string>;
}

/** A pod's TCP port, by number or by the name a NetworkPolicy or probe uses. */
export function resolvePort(containers: IContainer[], port: number | string | undefined): number | undefined {
  if (typeof port === 'number') return port;
  return containers.flatMap((c) => c.ports ?? []).find((p) => p.name === port)?.containerPort;
}

/**
 * Whether the NetworkPolicies let `source` open a TCP connection to `target`'s `port`, as the API
 * defines it: a pod no ingress policy selects admits everyone; a selected pod admits what any of its
 * policies' rules admits (a rule without `from` admits any source, without `ports` any port).
 */
export function admits(policies: INetworkPolicy[], target: Workload, port: number, source: Peer): boolean {
  const namespace = target.metadata.namespace ?? 'default';
  const selecting = policies.filter(
    (p) =>
      (p.metadata?.namespace ?? 'default') === namespace &&
      selects(p.spec?.podSelector as LabelSelector, podLabels(target)) &&
      (p.spec?.policyTypes ?? ['Ingress']).includes('Ingress'),
  );
  if (selecting.length === 0) return true;
  return selecting.some((policy) =>
    (policy.spec?.ingress ?? []).some((rule) => {
      const portMatches =
        !rule.ports ||
        rule.ports.length === 0 ||
        rule.ports.some((p) => (p.protocol ?? 'TCP') === 'TCP' && (p.port === undefined || resolvePort(containersOf(target), p.port) === port));
      const sourceMatches =
        !rule.from ||
        rule.from.length === 0 ||
        rule.from.some((peer) => {
          if (peer.ipBlock) return true; // an address range: pods and outsiders alike
          const nsOk = peer.namespaceSelector ? selects(peer.namespaceSelector as LabelSelector, source.namespaceLabels) : source.namespace === namespace;
          const podOk = peer.podSelector ? selects(peer.podSelector as LabelSelector, source.labels) : true;
          return nsOk && podOk;
        });
      return portMatches && sourceMatches;
    }),
  );
}

/**
 * A container's environment as the kubelet would build it: envFrom first, then env (later wins),
 * config from the rendered ConfigMaps, secrets from the rendered Secrets or, where the overlay ships
 * none, from `secretValue` (the operators' and the runbook's Secrets). An optional reference that
 * resolves to nothing leaves the variable unset. With service links on (the default), every Service
 * of the namespace adds its FOO_SERVICE_HOST / FOO_PORT variables, as the kubelet does.
 */
export function resolveEnv(
  objects: K8sObject[],
  workload: Workload,
  container: IContainer,
  secretValue: (name: string, key: string) => string | undefined,
): Record<string, string> {
  const namespace = workload.metadata.namespace;
  const inNamespace = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name && o.metadata.namespace === namespace);
  const configMap = (name: string) => inNamespace('ConfigMap', name) as (K8sObject & { data?: Record<string, string> }) | undefined;
  const secret = (name: string, key: string): string | undefined => {
    const shipped = inNamespace('Secret', name) as (K8sObject & { data?: Record<string, string>; stringData?: Record<string, string> }) | undefined;
    if (!shipped) return secretValue(name, key);
    const encoded = shipped.data?.[key];
    return shipped.stringData?.[key] ?? (encoded === undefined ? undefined : Buffer.from(encoded, 'base64').toString('utf8'));
  };
  const env: Record<string, string> = {};
  if (workload.spec.template.spec?.enableServiceLinks !== false) {
    for (const service of objects.filter((o) => o.kind === 'Service' && o.metadata.namespace === namespace)) {
      const name = service.metadata.name.toUpperCase().replace(/-/g, '_');
      const port = (service.spec as { ports?: { port: number }[] }).ports?.[0]?.port ?? 0;
      env[`${name}_SERVICE_HOST`] = '10.96.0.10';
      env[`${name}_SERVICE_PORT`] = String(port);
      env[`${name}_PORT`] = `tcp://10.96.0.10:${port}`;
    }
  }
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef) {
      const found = configMap(source.configMapRef.name as string);
      if (!found && !source.configMapRef.optional) throw new Error(`ConfigMap ${source.configMapRef.name} is not rendered`);
      Object.assign(env, found?.data ?? {});
    }
    if (source.secretRef) throw new Error('envFrom secretRef: name each secret variable instead, so a missing key fails the pod');
  }
  for (const variable of container.env ?? []) {
    let value: string | undefined = variable.value;
    const from = variable.valueFrom;
    if (from?.configMapKeyRef) value = configMap(from.configMapKeyRef.name as string)?.data?.[from.configMapKeyRef.key];
    if (from?.secretKeyRef) value = secret(from.secretKeyRef.name as string, from.secretKeyRef.key);
    const optional = Boolean(from?.configMapKeyRef?.optional ?? from?.secretKeyRef?.optional);
    if (value === undefined && from && !optional) throw new Error(`${variable.name}: its ${JSON.stringify(from)} resolves to nothing`);
    if (value !== undefined) env[variable.name] = value;
  }
  return env;
}

/** Kubernetes quantities (`250m`, `1`, `512Mi`, `1Gi`) as numbers, to compare requests with limits. */
export function quantity(value: string | number | undefined): number {
  if (value === undefined) return NaN;
  const match = /^(\d+(?:\.\d+)?)(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(String(value));
  if (!match) return NaN;
  const factor: Record<string, number> = { m: 1e-3, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };
  return Number(match[1]) * (match[2] ? (factor[match[2]] as number) : 1);
}

/** Where a connection goes: a pod (namespace, its labels, the port number) or an address outside. */
export type Destination = { pod: Peer; port: number; protocol?: 'TCP' | 'UDP' } | { ip: string; port: number; protocol?: 'TCP' | 'UDP' };

function ipv4(ip: string): number {
  return ip.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

/** Whether IPv4 `ip` lies in `cidr` (a.b.c.d/n). */
export function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits ?? 32));
  const start = Math.floor(ipv4(base!) / size) * size;
  return ipv4(ip) >= start && ipv4(ip) < start + size;
}

/**
 * Whether the NetworkPolicies let a pod (`source`, in `namespace`) open a connection to `to`, as the
 * API defines egress: a pod no Egress policy selects may go anywhere; a selected pod only where some
 * rule of its policies allows (no `to`: any destination; no `ports`: any port). Destination ports are
 * numbers here (a named port in a rule matches the destination pod's port of that name, given in
 * `namedPorts`).
 */
export function egressAllows(policies: INetworkPolicy[], source: Peer, to: Destination, namedPorts: Record<string, number> = {}): boolean {
  const selecting = policies.filter(
    (p) =>
      (p.metadata?.namespace ?? 'default') === source.namespace &&
      selects(p.spec?.podSelector as LabelSelector, source.labels) &&
      (p.spec?.policyTypes ?? []).includes('Egress'),
  );
  if (selecting.length === 0) return true;
  const protocol = to.protocol ?? 'TCP';
  return selecting.some((policy) =>
    (policy.spec?.egress ?? []).some((rule) => {
      const portMatches =
        !rule.ports ||
        rule.ports.length === 0 ||
        rule.ports.some((p) => (p.protocol ?? 'TCP') === protocol && (p.port === undefined || (typeof p.port === 'number' ? p.port : namedPorts[p.port]) === to.port));
      const destinationMatches =
        !rule.to ||
        rule.to.length === 0 ||
        rule.to.some((peer) => {
          if ('ip' in to) return !!peer.ipBlock && inCidr(to.ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((c) => inCidr(to.ip, c));
          if (peer.ipBlock) return false; // pod traffic is not matched by address ranges here (cluster CIDRs vary)
          const nsOk = peer.namespaceSelector ? selects(peer.namespaceSelector as LabelSelector, to.pod.namespaceLabels) : to.pod.namespace === source.namespace;
          const podOk = peer.podSelector ? selects(peer.podSelector as LabelSelector, to.pod.labels) : true;
          return nsOk && podOk;
        });
      return portMatches && destinationMatches;
    }),
  );
}
