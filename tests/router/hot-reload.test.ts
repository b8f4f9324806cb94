import { copyFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataDir, repoRoot } from '@commerce/stack/paths';
import { createProduct } from '../support/catalog.js';
import { startRouter } from '../support/processes.js';
import { eventually, metricValue } from '../support/run.js';

/** Replaces a file the way deploy tools do: write beside it, then rename over it (atomic). */
function replace(file: string, text: string) {
  writeFileSync(`${file}.next`, text);
  renameSync(`${file}.next`, file);
}

describe('supergraph hot reload', () => {
  it('picks up a changed supergraph without a restart and without failing requests in flight', async () => {
    await createProduct();
    const dir = path.join(dataDir, 'hot-reload');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'supergraph.graphql');
    copyFileSync(path.join(repoRoot, 'schema/supergraph.graphql'), file);
    const reloading = await startRouter('hot-reload', { SUPERGRAPH_PATH: file, SUPERGRAPH_POLL_MS: '100' });
    const client = reloading.client;

    const original = readFileSync(file, 'utf8');
    // The same supergraph without Product.description: a change a client can observe.
    const withoutDescription = original.replace(/\n\n {2}"""Longer description[^\n]*\n {2}description: String! @join__field\(graph: PRODUCTS\)/, '');
    expect(withoutDescription).not.toBe(original);

    const failures: string[] = [];
    let stop = false;
    const load = async () => {
      while (!stop) {
        try {
          const result = await client.request('{ products(first: 2) { edges { node { id name } } } }');
          if (result.status !== 200 || result.errors) failures.push(`${result.status} ${JSON.stringify(result.errors)}`);
        } catch (error) {
          failures.push(String(error));
        }
      }
    };
    const workers = Array.from({ length: 8 }, load);
    await new Promise((resolve) => setTimeout(resolve, 500));
    replace(file, withoutDescription);
    await eventually(async () => {
      const after = await client.request('{ products(first: 1) { edges { node { description } } } }');
      expect(after.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    }, { timeoutMs: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    stop = true;
    await Promise.all(workers);
    expect(failures).toEqual([]);
    expect(await metricValue(reloading.metricsUrl, 'supergraph_reloads_total', { outcome: 'loaded' })).toBe(1);

    // A broken file is refused; the router keeps serving the last good supergraph.
    replace(file, 'this is not a supergraph');
    await eventually(async () => expect(await metricValue(reloading.metricsUrl, 'supergraph_reloads_total', { outcome: 'rejected' })).toBe(1));
    const still = await client.request('{ products(first: 1) { edges { node { name } } } }');
    expect(still.errors).toBeUndefined();
  }, 60_000);
});
