import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { readEvents, startTestSubgraph, type TestSubgraph } from '@commerce/kit/testing';
import { topicOf } from '@commerce/kit/events/catalog';
import { loadUsersConfig } from '../src/config.js';
import { createUsersService } from '../src/service.js';

const run = inject('run');
let users: TestSubgraph;

beforeAll(async () => {
  users = await startTestSubgraph(run, 'users', 'users_subgraph', loadUsersConfig, createUsersService, {
    JWT_KEY_DIR: path.join(run.jwtKeyDir, '..', 'test-jwt-users-subgraph'),
  });
});
afterAll(() => users?.close());

describe('users subgraph', () => {
  it('resolves User entity references, null for unknown ids', async () => {
    const { data } = await users.request<{ signUp: { user: { id: string } } }>(
      'mutation { signUp(input: { email: "entity@example.test", name: "Entity", password: "long enough" }) { user { id } } }',
    );
    const id = data!.signUp.user.id;
    const result = await users.request<{ _entities: ({ id: string; name: string; reviewCount: number } | null)[] }>(
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id name reviewCount } } }',
      { r: [{ __typename: 'User', id }, { __typename: 'User', id: '00000000-0000-4000-8000-000000000000' }] },
    );
    expect(result.data?._entities).toEqual([{ id, name: 'Entity', reviewCount: 0 }, null]);
  });

  it('publishes its schema with the User key for composition', async () => {
    const result = await users.request<{ _service: { sdl: string } }>('{ _service { sdl } }');
    expect(result.data?._service.sdl).toMatch(/type User\s+@key\(fields: "id"\)/);
  });

  it('writes UserRegistered to its outbox and the relay publishes it, keyed by the user id', async () => {
    const { data } = await users.request<{ signUp: { user: { id: string } } }>(
      'mutation { signUp(input: { email: "event@example.test", name: "Evented", password: "long enough" }) { user { id } } }',
    );
    const id = data!.signUp.user.id;
    const events = await readEvents(run.brokers, topicOf('users', users.topicPrefix), (seen) =>
      seen.some((event) => event.aggregateId === id),
    );
    const registered = events.find((event) => event.aggregateId === id);
    expect(registered).toMatchObject({ type: 'UserRegistered', version: 1, payload: { userId: id, name: 'Evented' } });
    expect(Date.parse(registered!.occurredAt)).not.toBeNaN();
  });

  it('answers /health and /ready on its port, and /metrics on its metrics port only', async () => {
    const health = await users.server.app.inject({ url: '/health' });
    expect(health.json()).toEqual({ status: 'ok' });
    const ready = await users.server.app.inject({ url: '/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().checks).toMatchObject({ database: 'ok' });
    expect((await users.server.app.inject({ url: '/metrics' })).statusCode).toBe(404);
    const metricsUrl = users.server.app.metricsUrl();
    expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const metrics = await (await fetch(metricsUrl!)).text();
    expect(metrics).toContain('http_requests_total');
    expect(metrics).toContain('db_queries_total');
  });
});
