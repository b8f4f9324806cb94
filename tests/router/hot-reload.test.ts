import { copyFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { ServiceName } from '@commerce/kit/service-config';
import { dataDir, repoRoot } from '@commerce/stack/paths';
import { freePort } from '@commerce/stack/ports';
import { readSubgraphs } from '../../schema/src/composition.js';
import { createProduct } from '../support/catalog.js';
import { startRouter, startSubgraph } from '../support/processes.js';
import { eventually, metricValue, run } from '../support/run.js';
import { composeSupergraph, serveSubgraph, type TestSubgraph } from '../support/subgraphs.js';

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

/** A fifth subgraph, built here: it adds `Product.warehouse`, answering with its own tag. */
const inventory = (tag: string) =>
  serveSubgraph({
    name: 'inventory',
    typeDefs: `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
      "A product, as the inventory knows it."
      type Product @key(fields: "id") {
        "Its id."
        id: ID!
        "Which warehouse answered."
        warehouse: String!
      }`,
    resolvers: { Product: { __resolveReference: ({ id }: { id: string }) => ({ id, warehouse: tag }) } },
  });

/** Our four subgraphs at the given URLs (the shared stack's unless moved), plus any extra subgraphs. */
function supergraph(urls: Partial<Record<ServiceName, string>> = {}, extra: TestSubgraph[] = []): string {
  const ours = readSubgraphs(path.join(repoRoot, 'rover.yaml')).map((subgraph) => ({
    name: subgraph.name,
    url: urls[subgraph.name as ServiceName] ?? run.subgraphUrls[subgraph.name as ServiceName],
    typeDefs: subgraph.sdl,
  }));
  return composeSupergraph([...ours, ...extra]);
}

/** A router on a supergraph file of its own, with no URL override: it calls what the file says. */
async function routerOn(name: string, sdl: string) {
  const dir = path.join(dataDir, 'hot-reload', name);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'supergraph.graphql');
  writeFileSync(file, sdl);
  const router = await startRouter(name, { SUPERGRAPH_PATH: file, SUPERGRAPH_POLL_MS: '100', SUBGRAPH_URL_OVERRIDES: '' });
  return { router, file, reload: (next: string) => replace(file, next) };
}

describe('routing follows the supergraph', () => {
  it('serves a supergraph whose subgraph names match ours but whose URLs differ from its own URLs', async () => {
    const product = await createProduct();
    // The shared stack's subgraphs listen on free ports, not the 4001-4004 of the committed supergraph.
    expect(Object.values(run.subgraphUrls).some((url) => /:400[1-4]\//.test(url))).toBe(false);
    const { router } = await routerOn('own-urls', supergraph());
    const result = await router.client.request(`{ product(id: "${product.id}") { name reviews(first: 1) { edges { node { id } } } } }`);
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ product: { name: product.name, reviews: { edges: [] } } });
    const ready = await fetch(`${router.baseUrl}/ready`);
    expect(((await ready.json()) as { checks: Record<string, string> }).checks.subgraphs).toBe('ok');
  });

  it('sends a subgraph named in SUBGRAPH_URL_OVERRIDES to the override, whatever the supergraph says', async () => {
    const product = await createProduct();
    const dir = path.join(dataDir, 'hot-reload', 'override');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'supergraph.graphql');
    const deadPort = await freePort();
    writeFileSync(file, supergraph({ products: `http://127.0.0.1:${deadPort}/graphql` }));
    const router = await startRouter('override', { SUPERGRAPH_PATH: file, SUBGRAPH_URL_OVERRIDES: `products=${run.subgraphUrls.products}` });
    const result = await router.client.request(`{ product(id: "${product.id}") { name } }`);
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ product: { name: product.name } });
  });
});

describe('a reload that moves, adds and removes subgraphs', () => {
  it('moves a subgraph to another port: new requests go to the new address, the old client is closed', async () => {
    const product = await createProduct();
    const [atA, atB] = await Promise.all([inventory('A'), inventory('B')]);
    const { router, reload } = await routerOn('move', supergraph());
    const query = `{ product(id: "${product.id}") { name warehouse } }`;
    const warehouse = async () => {
      const result = await router.client.request<{ product: { warehouse: string } }>(query);
      return result.errors ? `error: ${result.errors[0]?.extensions?.code}` : result.data?.product.warehouse;
    };
    expect(await warehouse()).toBe('error: GRAPHQL_VALIDATION_FAILED');

    // Added: a fifth subgraph, built in this test.
    reload(supergraph({}, [atA]));
    await eventually(async () => expect(await warehouse()).toBe('A'), { timeoutMs: 10_000 });
    expect(atA.connections()).toBeGreaterThan(0);

    // Moved to another port: the same name, another service behind it.
    reload(supergraph({}, [atB]));
    await eventually(async () => expect(await warehouse()).toBe('B'), { timeoutMs: 10_000 });
    const servedByA = atA.requests();
    for (let i = 0; i < 20; i += 1) expect(await warehouse()).toBe('B');
    expect(atA.requests()).toBe(servedByA);
    await eventually(async () => expect(atA.connections()).toBe(0), { timeoutMs: 10_000 });

    // Removed again: the field is gone and the client of the removed subgraph is closed.
    reload(supergraph());
    await eventually(async () => expect(await warehouse()).toBe('error: GRAPHQL_VALIDATION_FAILED'), { timeoutMs: 10_000 });
    await eventually(async () => expect(atB.connections()).toBe(0), { timeoutMs: 10_000 });
    expect(await metricValue(router.metricsUrl, 'supergraph_reloads_total', { outcome: 'loaded' })).toBe(3);
    // No breaker series is left for the removed subgraph.
    expect(await (await fetch(router.metricsUrl)).text()).not.toMatch(/subgraph_circuit_state\{subgraph="inventory"\}/);
  });

  it('moves one of our subgraphs to another instance of it', async () => {
    const product = await createProduct();
    const moved = await startSubgraph('products', 'reload-products');
    const { router, reload } = await routerOn('move-products', supergraph());
    const query = `{ product(id: "${product.id}") { name } }`;
    // A fresh instance has served nothing yet: its counter has no series until the first operation.
    const served = () => metricValue(moved.metricsUrl, 'graphql_operations_total', {}, { absentAsZero: true });
    expect((await router.client.request(query)).data).toEqual({ product: { name: product.name } });
    const before = await served();
    reload(supergraph({ products: moved.graphqlUrl }));
    await eventually(async () => {
      await router.client.request(query);
      expect(await served()).toBeGreaterThan(before);
    }, { timeoutMs: 10_000 });
    const settled = await served();
    for (let i = 0; i < 10; i += 1) expect((await router.client.request(query)).data).toEqual({ product: { name: product.name } });
    expect(await served()).toBe(settled + 10);
  });

  it('gives no wrong answer while supergraphs that move and add subgraphs are reloaded under load', async () => {
    const product = await createProduct();
    const [moved, extra] = await Promise.all([startSubgraph('products', 'reload-load-products'), inventory('load')]);
    const versions = [supergraph(), supergraph({ products: moved.graphqlUrl }), supergraph({ products: moved.graphqlUrl }, [extra]), supergraph({}, [extra])];
    const { router, reload } = await routerOn('reload-load', versions[0]!);
    const query = `{ product(id: "${product.id}") { id name stock reviews(first: 2) { edges { node { id } } } } }`;
    const expected = { product: { id: product.id, name: product.name, stock: 10, reviews: { edges: [] } } };

    const wrong: string[] = [];
    let answers = 0;
    let stop = false;
    const worker = async () => {
      while (!stop) {
        const result = await router.client.request(query).catch((error: unknown) => ({ status: 0, data: undefined, errors: [{ message: String(error) }] }));
        answers += 1;
        if (result.status !== 200 || result.errors || !isDeepStrictEqual(result.data, expected)) wrong.push(JSON.stringify(result).slice(0, 300));
      }
    };
    const workers = Array.from({ length: 6 }, worker);
    for (let round = 1; round <= 12; round += 1) {
      reload(versions[round % versions.length]!);
      await new Promise((resolve) => setTimeout(resolve, 400));
    }
    stop = true;
    await Promise.all(workers);
    const reloads = await metricValue(router.metricsUrl, 'supergraph_reloads_total', { outcome: 'loaded' });
    process.stdout.write(`[hot-reload] ${answers} answers across ${reloads} reloads, ${wrong.length} wrong\n`);
    expect(reloads).toBeGreaterThanOrEqual(6);
    expect(wrong).toEqual([]);
  }, 120_000);
});
