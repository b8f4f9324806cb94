import { describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { createLogger } from '@commerce/kit/logger';
import { ConfigError, parseConfig } from '@commerce/kit/config';
import { configShape, loadRouterConfig } from './config.js';
import { createRouterMetrics } from './metrics.js';
import { SubgraphClients, type ManagedClient } from './subgraph-clients.js';

class FakeClient implements ManagedClient {
  retired = false;
  closed = false;
  constructor(
    readonly name: string,
    readonly url: string,
  ) {}
  async probe() {}
  retire() {
    this.retired = true;
  }
  async close() {
    this.closed = true;
  }
}

function registry(overrides: Record<string, string> = {}) {
  const created: FakeClient[] = [];
  const clients = new SubgraphClients<FakeClient>({
    overrides,
    log: createLogger('test', 'silent'),
    metrics: createRouterMetrics(new Registry()),
    create: (name, url) => {
      const client = new FakeClient(name, url);
      created.push(client);
      return client;
    },
  });
  return { clients, created };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('SubgraphClients', () => {
  it('calls each subgraph at its supergraph URL unless an override names it', () => {
    const { clients } = registry({ users: 'http://users.internal/graphql' });
    clients.adopt([
      { name: 'users', url: 'http://127.0.0.1:4001/graphql' },
      { name: 'products', url: 'http://elsewhere:9002/graphql' },
    ]);
    expect(clients.targets()).toEqual([
      { name: 'users', url: 'http://users.internal/graphql' },
      { name: 'products', url: 'http://elsewhere:9002/graphql' },
    ]);
    expect(clients.client('products', 'http://elsewhere:9002/graphql').url).toBe('http://elsewhere:9002/graphql');
    expect(clients.client('users', 'http://127.0.0.1:4001/graphql').url).toBe('http://users.internal/graphql');
  });

  it('keys clients by name and URL: a moved subgraph gets a new client, the old one is closed once its executions end', async () => {
    const { clients } = registry();
    clients.adopt([{ name: 'users', url: 'http://a/graphql' }]);
    const old = clients.client('users', 'http://a/graphql');
    const release = clients.begin(); // an execution planned on the first supergraph
    clients.adopt([{ name: 'users', url: 'http://b/graphql' }]);
    const moved = clients.client('users', 'http://b/graphql');
    expect(moved).not.toBe(old);
    expect(old.retired).toBe(true);
    await settle();
    expect(old.closed).toBe(false); // still usable by the running execution
    expect(clients.client('users', 'http://a/graphql')).toBe(old);
    release();
    await settle();
    expect(old.closed).toBe(true);
    expect(moved.closed).toBe(false);
  });

  it('keeps a client that stays at the same URL across reloads, and adds and removes subgraphs', async () => {
    const { clients } = registry();
    clients.adopt([{ name: 'users', url: 'http://a/graphql' }]);
    const users = clients.client('users', 'http://a/graphql');
    clients.adopt([
      { name: 'users', url: 'http://a/graphql' },
      { name: 'inventory', url: 'http://i/graphql' },
    ]);
    const inventory = clients.client('inventory', 'http://i/graphql');
    clients.adopt([{ name: 'users', url: 'http://a/graphql' }]);
    await settle();
    expect(clients.client('users', 'http://a/graphql')).toBe(users);
    expect(users.closed).toBe(false);
    expect(inventory.closed).toBe(true);
    // Back again at the same URL: a fresh client, not the closed one.
    clients.adopt([
      { name: 'users', url: 'http://a/graphql' },
      { name: 'inventory', url: 'http://i/graphql' },
    ]);
    const again = clients.client('inventory', 'http://i/graphql');
    expect(again).not.toBe(inventory);
    expect(again.closed).toBe(false);
  });

  it('waits for every older execution, not only the latest generation', async () => {
    const { clients } = registry();
    clients.adopt([{ name: 'users', url: 'http://a/graphql' }]);
    const first = clients.client('users', 'http://a/graphql');
    const oldest = clients.begin();
    clients.adopt([{ name: 'users', url: 'http://b/graphql' }]);
    const second = clients.client('users', 'http://b/graphql');
    const middle = clients.begin();
    clients.adopt([{ name: 'users', url: 'http://c/graphql' }]);
    middle();
    await settle();
    // Conservative: while an execution of generation 0 runs, nothing retired after it is closed either.
    expect(second.closed).toBe(false);
    expect(first.closed).toBe(false);
    oldest();
    await settle();
    expect(first.closed).toBe(true);
    expect(second.closed).toBe(true);
  });

  it('closes every client, current and draining, on close', async () => {
    const { clients, created } = registry();
    clients.adopt([{ name: 'users', url: 'http://a/graphql' }]);
    clients.begin();
    clients.adopt([{ name: 'users', url: 'http://b/graphql' }]);
    await clients.close();
    expect(created.map((client) => client.closed)).toEqual([true, true]);
  });
});

describe('SUBGRAPH_URL_OVERRIDES', () => {
  it('is empty unless set: no subgraph is redirected by default', () => {
    expect(loadRouterConfig({}).SUBGRAPH_URL_OVERRIDES).toEqual({});
  });

  it('parses name=url pairs', () => {
    expect(loadRouterConfig({ SUBGRAPH_URL_OVERRIDES: 'users=http://users:4001/graphql, products=https://p.example/graphql' }).SUBGRAPH_URL_OVERRIDES).toEqual({
      users: 'http://users:4001/graphql',
      products: 'https://p.example/graphql',
    });
  });

  it.each(['users', 'users=not a url', '=http://x/graphql', 'users=ftp://x/', 'users=http://a/graphql,users=http://b/graphql'])('refuses %j, naming the variable', (value) => {
    expect(() => parseConfig(configShape, { SUBGRAPH_URL_OVERRIDES: value })).toThrow(ConfigError);
    expect(() => parseConfig(configShape, { SUBGRAPH_URL_OVERRIDES: value })).toThrow(/SUBGRAPH_URL_OVERRIDES/);
  });
});
