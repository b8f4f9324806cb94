import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { ConfigError, parseConfig } from '@commerce/kit/config';
import { productionSecretRule } from '@commerce/kit/service-config';
import { repoRoot } from '@commerce/stack/paths';
import { configShape as routerShape } from '../../router/src/config.js';
import { configShape as usersShape } from '../../subgraphs/users/src/config.js';
import { configShape as productsShape } from '../../subgraphs/products/src/config.js';
import { configShape as reviewsShape } from '../../subgraphs/reviews/src/config.js';
import { configShape as ordersShape } from '../../subgraphs/orders/src/config.js';

/**
 * docker-compose.yml, checked without a Docker engine: against the Compose Specification's JSON schema
 * (the copy dclint ships), by dclint's rules, and against the services' own configuration schemas, so
 * the environment it gives each container is one that container starts with.
 */
const require = createRequire(import.meta.url);
const exec = promisify(execFile);
const composeText = readFileSync(path.join(repoRoot, 'docker-compose.yml'), 'utf8');

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string | number | null>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test?: unknown; disable?: boolean };
  volumes?: string[];
  ports?: string[];
  profiles?: string[];
}

/** `.env.example` as `docker compose` reads a `.env`: KEY=value lines, comments and blanks skipped. */
function readEnvExample(): Record<string, string> {
  const entries = readFileSync(path.join(repoRoot, '.env.example'), 'utf8')
    .split('\n')
    .filter((line) => /^[A-Z_][A-Z0-9_]*=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const);
  return Object.fromEntries(entries);
}

const VARIABLE = /\$\{([A-Z_][A-Z0-9_]*)(?:(:?[-?])([^}]*))?\}/g;

/** Compose's interpolation: `${X}`, `${X:-default}`, `${X-default}`, `${X:?error}`, `${X?error}`. */
function interpolate(text: string, vars: Record<string, string>): string {
  return text.replace(VARIABLE, (_match, name: string, operator: string | undefined, operand: string | undefined) => {
    const value = vars[name];
    const unset = operator?.startsWith(':') ? !value : value === undefined;
    if (operator?.endsWith('?') && unset) throw new Error(`${name} is required: ${operand}`);
    return unset ? (operator?.endsWith('-') ? (operand ?? '') : '') : (value as string);
  });
}

const parse = (text: string) => YAML.parse(text, { merge: true }) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const compose = parse(interpolate(composeText, readEnvExample()));
const services = compose.services;
const platform = Object.entries(services).filter(([, service]) => service.image?.startsWith('commerce-supergraph'));

describe('docker-compose.yml', () => {
  it('is valid against the Compose Specification schema', () => {
    const schema = JSON.parse(readFileSync(path.join(path.dirname(require.resolve('dclint/package.json')), 'schemas/compose.schema.json'), 'utf8'));
    delete schema.$schema;
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
    const raw = parse(composeText);
    expect(validate(raw), JSON.stringify(validate.errors, null, 2)).toBe(true);

    const broken = structuredClone(raw);
    broken.services.router!.depends_on = { users: { condition: 'service_up' } };
    expect(validate(broken)).toBe(false);
  });

  it('passes dclint without errors', async () => {
    const bin = path.join(path.dirname(require.resolve('dclint/package.json')), 'bin/dclint.cjs');
    await expect(exec(process.execPath, [bin, '--quiet', '--color', 'false', 'docker-compose.yml'], { cwd: repoRoot })).resolves.toBeTruthy();
  });

  it('runs the whole stack: PostgreSQL, KRaft Kafka, Redis, the jobs, four subgraphs, the router, Prometheus, Grafana', () => {
    expect(Object.keys(services)).toEqual(
      expect.arrayContaining(['postgres', 'kafka', 'redis', 'migrate', 'topics', 'users', 'products', 'reviews', 'orders', 'router', 'prometheus', 'grafana']),
    );
    expect(services.kafka!.image).toMatch(/^apache\/kafka:4\./);
    expect(services.kafka!.environment).toMatchObject({ KAFKA_PROCESS_ROLES: 'broker,controller' });
  });

  it('starts things only once what they need is healthy, and the services only after the migrations', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        const target = services[dependency];
        expect(target, `${name} depends on unknown ${dependency}`).toBeDefined();
        if (['migrate', 'topics'].includes(dependency)) expect(condition).toBe('service_completed_successfully');
        else {
          expect(condition, `${name} → ${dependency}`).toMatch(/^service_(healthy|started)$/);
          // Platform containers get the image's HEALTHCHECK; the others must declare one.
          if (condition === 'service_healthy' && !platform.some(([platformName]) => platformName === dependency)) {
            expect(target?.healthcheck?.test, `${dependency} has no healthcheck`).toBeDefined();
          }
        }
      }
    }
    for (const name of ['users', 'products', 'reviews', 'orders']) {
      expect(services[name]!.depends_on).toMatchObject({ migrate: { condition: 'service_completed_successfully' } });
    }
    expect(Object.keys(services.router!.depends_on ?? {})).toEqual(expect.arrayContaining(['users', 'products', 'reviews', 'orders', 'redis', 'kafka']));
  });

  it('points every Kafka client (the subgraphs, the router’s entity cache, the topics job) at the one broker', () => {
    const [listener] = String(services.kafka!.environment?.KAFKA_ADVERTISED_LISTENERS).split(',');
    const broker = listener!.replace(/^[A-Z_]+:\/\//, '');
    for (const name of ['users', 'products', 'reviews', 'orders', 'router', 'topics']) {
      expect(services[name]!.environment?.KAFKA_BROKERS, name).toBe(broker);
    }
  });

  it('migrates in a one-shot job, with the one image the Dockerfile builds', () => {
    expect(services.migrate).toMatchObject({ restart: 'no', command: ['deploy/local/src/prisma-cli.ts', 'migrate'] });
    expect(services.migrate!.build).toMatchObject({ context: '.', dockerfile: 'deploy/docker/Dockerfile' });
    for (const [name, service] of platform) {
      expect(service.image, name).toBe(services.migrate!.image);
      const entry = service.command?.[0];
      expect(entry && existsSync(path.join(repoRoot, entry)), `${name}: ${entry}`).toBe(true);
      if (name !== 'migrate') expect(service.command?.join(' '), name).not.toMatch(/migrate/);
    }
  });

  it('keeps data in named volumes and mounts the monitoring config that exists in the repo', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0] as string;
        if (source.startsWith('./')) expect(existsSync(path.join(repoRoot, source)), `${name}: ${source}`).toBe(true);
        else expect(Object.keys(compose.volumes), `${name}: ${source}`).toContain(source);
      }
    }
    for (const name of ['postgres', 'kafka', 'prometheus', 'grafana']) {
      expect(services[name]!.volumes?.some((volume) => !volume.startsWith('./')), name).toBe(true);
    }
    expect(existsSync(path.join(repoRoot, 'deploy/monitoring/prometheus.yml'))).toBe(true);
    expect(existsSync(path.join(repoRoot, 'deploy/monitoring/grafana/provisioning'))).toBe(true);
  });

  it('gives each service an environment its own configuration schema accepts in production', () => {
    const shapes = { users: usersShape, products: productsShape, reviews: reviewsShape, orders: ordersShape, router: routerShape };
    for (const [name, shape] of Object.entries(shapes)) {
      const environment = Object.fromEntries(
        Object.entries(services[name]!.environment ?? {}).map(([key, value]) => [key, value === null ? '' : String(value)]),
      );
      const unknown = Object.keys(environment).filter((key) => !(key in shape));
      expect(unknown, `${name} is given variables it does not read`).toEqual([]);
      try {
        parseConfig(shape, environment, [productionSecretRule]);
      } catch (error) {
        throw new Error(`${name}: ${error instanceof ConfigError ? error.message : String(error)}`);
      }
    }
  });

  it('publishes only the router, the storefront and the monitoring UIs, on the loopback interface', () => {
    const published = Object.entries(services).filter(([, service]) => service.ports?.length).map(([name]) => name);
    expect(published.sort()).toEqual(['grafana', 'prometheus', 'router', 'storefront']);
    for (const name of published) for (const port of services[name]!.ports!) expect(port).toMatch(/^127\.0\.0\.1:/);
  });

  it('takes every setting it interpolates from .env.example', () => {
    const declared = readEnvExample();
    const used = [...composeText.matchAll(VARIABLE)].map((match) => match[1] as string);
    expect([...new Set(used)].filter((name) => !(name in declared))).toEqual([]);
    expect(() => interpolate(composeText, {})).toThrow(/is required/);
  });
});
