import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Supergraph, printSchema } from '@apollo/federation-internals';
import { buildSchema, parse, validate, type GraphQLSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '@commerce/stack/paths';
import { gatewaySupergraph } from '../../router/src/supergraph.js';
import { generatedOperation, orderLines, parseScenarios, scenarios, userOf, type ScenarioData } from './scenarios.js';

const data: ScenarioData = {
  readers: 128,
  writers: 64,
  skus: Array.from({ length: 120 }, (_, i) => `BENCH-${i}`),
  productIds: Array.from({ length: 40 }, (_, i) => `p-${i}`),
  pages: [{ orderBy: 'NEWEST', after: null }, { orderBy: 'NEWEST', after: 'c1' }, { orderBy: 'PRICE_ASC', after: null }],
};

let apiSchema: GraphQLSchema | undefined;
const schema = () =>
  // Printed and rebuilt: federation-internals loads graphql's CommonJS build, these tests its ES modules.
  (apiSchema ??= buildSchema(printSchema(Supergraph.build(gatewaySupergraph(readFileSync(path.join(repoRoot, 'schema/supergraph.graphql'), 'utf8')), { validateSupergraph: false }).apiSchema())));

describe('scenarios', () => {
  it('rotates the account per request through the whole pool', () => {
    expect(Array.from({ length: 130 }, (_, i) => userOf(i, 128)).slice(126)).toEqual([126, 127, 0, 1]);
    const productList = scenarios(data).find((s) => s.name === 'productList')!;
    const users = new Set(Array.from({ length: 128 }, (_, i) => productList.request(i).user));
    expect(users.size).toBe(128);
    expect(productList.request(0).user).not.toBe(productList.request(1).user);
  });

  it('sends every request with a token except in the deduplication scenario', () => {
    for (const scenario of scenarios(data)) {
      const users = [0, 1, 2].map((i) => scenario.request(i).user);
      if (scenario.name === 'dedup') expect(users).toEqual([null, null, null]);
      else expect(users.every((user) => user !== null)).toBe(true);
      expect(scenario.perUser).toBe(scenario.name !== 'dedup');
    }
  });

  it('gives writes their own pool, so the readers\' orders stay as seeded', () => {
    for (const scenario of scenarios(data)) expect(scenario.request(7).pool).toBe(scenario.write ? 'writers' : 'readers');
  });

  it('varies arguments over every page and SKU', () => {
    const list = scenarios(data);
    const pages = list.find((s) => s.name === 'pages')!;
    expect(new Set(Array.from({ length: 30 }, (_, i) => JSON.stringify(pages.request(i).variables))).size).toBe(data.pages.length);
    const product = list.find((s) => s.name === 'product')!;
    expect(new Set(Array.from({ length: 120 }, (_, i) => product.request(i).variables.sku)).size).toBe(120);
  });

  it('orders one or two distinct products, never running one product dry', () => {
    for (let i = 0; i < 50; i += 1) {
      const lines = orderLines(i, data.productIds);
      expect(lines.length).toBe(1 + (i % 2));
      expect(new Set(lines.map((line) => line.productId)).size).toBe(lines.length);
    }
    const counts = new Map<string, number>();
    for (let i = 0; i < 1200; i += 1) for (const line of orderLines(i, data.productIds)) counts.set(line.productId, (counts.get(line.productId) ?? 0) + 1);
    expect(counts.size).toBe(40);
    expect(Math.max(...counts.values())).toBeLessThanOrEqual(60);
  });

  it('validates every scenario document against the API schema', () => {
    for (const scenario of scenarios(data)) expect(validate(schema(), parse(scenario.request(3).query)), scenario.name).toEqual([]);
  });

  it('parses BENCH_SCENARIOS and refuses unknown names, naming the variable', () => {
    expect(parseScenarios('product, myOrders,product')).toEqual(['product', 'myOrders']);
    expect(() => parseScenarios('product,nope')).toThrow(/BENCH_SCENARIOS/);
  });
});

describe('generatedOperation', () => {
  it('generates hundreds of distinct, valid documents within the router limits', () => {
    const documents = Array.from({ length: 600 }, (_, i) => generatedOperation(i, data.skus));
    expect(new Set(documents.map((d) => d.query)).size).toBe(600);
    // Different shapes too, not only different names: selections beyond the aliases and names.
    const shapes = new Set(documents.map((d) => d.query.replace(/\d+/g, '#')));
    expect(shapes.size).toBeGreaterThan(100);
    for (const document of documents.filter((_, i) => i % 37 === 0)) {
      expect(validate(schema(), parse(document.query))).toEqual([]);
      expect((document.query.match(/\{/g) ?? []).length).toBeLessThanOrEqual(15);
    }
  });

  it('is a function of its index and run', () => {
    expect(generatedOperation(41, data.skus)).toEqual(generatedOperation(41, data.skus, 0));
    expect(generatedOperation(41, data.skus, 3)).toEqual(generatedOperation(41, data.skus, 3));
  });

  it('gives each run (gateway) documents no other run sends, of the same shapes and sizes', () => {
    const many = scenarios(data).find((s) => s.name === 'manyOperations')!;
    // Each gateway's warm-up and points (0, 1, 2, ...) and its answer check (1_000_000 + ...).
    const indices = [...Array.from({ length: 400 }, (_, i) => i), ...[0, 1, 2, 3, 5, 8, 13].map((i) => 1_000_000 + i)];
    const runs = [0, 1, 2, 3, 4].map((run) => indices.map((i) => many.request(i, run).query));
    const all = runs.flat();
    expect(new Set(all).size).toBe(all.length);
    // Same shape (the document with the run's letter and index masked) and the same length at each index.
    const shape = (query: string) => query.replace(/[a-z]?\d+/g, '#');
    for (const run of runs.slice(1)) {
      expect(run.map(shape)).toEqual(runs[0]!.map(shape));
      expect(run.map((query) => query.length)).toEqual(runs[0]!.map((query) => query.length));
    }
    // The alias carries the run, so the subgraphs' documents differ between runs too.
    expect(many.request(4, 1).query).toMatch(/ pb4: product\(/);
    for (const run of [1, 4]) expect(validate(schema(), parse(many.request(7, run).query))).toEqual([]);
    expect(() => generatedOperation(1, data.skus, 26)).toThrow(RangeError);
  });

  it('leaves every other scenario the same for every run', () => {
    for (const scenario of scenarios(data).filter((s) => s.name !== 'manyOperations')) {
      for (const i of [0, 7, 130]) expect(scenario.request(i, 3), scenario.name).toEqual(scenario.request(i));
    }
  });
});
