/** `JWT_TTL_SECONDS`: how long a session token lives (its `exp` after `iat`), and a bad value refused at start. */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { decodeJwt } from 'jose';
import { startTestSubgraph, type TestSubgraph } from '@commerce/kit/testing';
import { parseConfig } from '@commerce/kit/config';
import { configShape, loadUsersConfig } from '../src/config.js';
import { createUsersService } from '../src/service.js';

const run = inject('run');
let users: TestSubgraph;

beforeAll(async () => {
  users = await startTestSubgraph(run, 'users', 'users_token_ttl', loadUsersConfig, createUsersService, {
    JWT_KEY_DIR: path.join(run.jwtKeyDir, '..', 'test-jwt-token-ttl'),
    JWT_TTL_SECONDS: '120',
  });
});
afterAll(() => users?.close());

describe('JWT_TTL_SECONDS', () => {
  it('signs tokens that expire JWT_TTL_SECONDS after they were issued', async () => {
    const { data } = await users.request<{ signUp: { token: string } }>(
      'mutation { signUp(input: { email: "ttl@example.test", name: "Ttl", password: "long enough" }) { token } }',
    );
    const claims = decodeJwt(data!.signUp.token);
    expect(claims.exp! - claims.iat!).toBe(120);
  });

  it('refuses to start with a TTL that is not a positive number of seconds, naming the variable', () => {
    for (const value of ['0', 'an hour']) {
      expect(() => parseConfig(configShape, { ...process.env, JWT_TTL_SECONDS: value })).toThrow(/JWT_TTL_SECONDS/);
    }
  });
});
