/**
 * The two rotations the README's runbooks promise, at the router and subgraph boundary:
 * - the router's shared secret: a subgraph accepts a signature made with ROUTER_SHARED_SECRET or
 *   ROUTER_SHARED_SECRET_PREVIOUS and refuses any other (counted in `untrusted_requests_total`);
 * - the JWT signing key: a router that meets a token whose key id it does not know fetches the JWKS
 *   again, at most once per 30 s.
 */
import { createServer } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { SignJWT, exportJWK, generateKeyPair, type JWK } from 'jose';
import { signUp } from '../support/accounts.js';
import { sharedSubgraphOverrides, startRouter, startSubgraph } from '../support/processes.js';
import { eventually, metricValue, run } from '../support/run.js';

const ME = '{ me { id name } }';

describe('ROUTER_SHARED_SECRET_PREVIOUS', () => {
  it('a subgraph accepts the previous secret during a rotation and refuses a secret it does not know, at the router', async () => {
    const shopper = await signUp('Rotating');
    // Step 1 of the runbook: the subgraph knows the new secret and, as previous, the one the routers sign with.
    const users = await startSubgraph('users', 'rotation-users', {
      ROUTER_SHARED_SECRET: 'the-new-router-secret-0123456789abcdef',
      ROUTER_SHARED_SECRET_PREVIOUS: run.routerSecret,
    });
    const untrusted = () => metricValue(users.metricsUrl, 'untrusted_requests_total');

    const oldRouter = await startRouter('rotation-old', { SUBGRAPH_URL_OVERRIDES: sharedSubgraphOverrides({ users: users.graphqlUrl }) });
    const newRouter = await startRouter('rotation-new', { SUBGRAPH_URL_OVERRIDES: sharedSubgraphOverrides({ users: users.graphqlUrl }), ROUTER_SHARED_SECRET: 'the-new-router-secret-0123456789abcdef' });
    const strangerRouter = await startRouter('rotation-stranger', { SUBGRAPH_URL_OVERRIDES: sharedSubgraphOverrides({ users: users.graphqlUrl }), ROUTER_SHARED_SECRET: 'a-secret-nobody-configured-0123456789' });

    const before = await untrusted();
    for (const router of [oldRouter, newRouter]) {
      const answer = await router.client.withToken(shopper.token).request<{ me: { id: string; name: string } }>(ME);
      expect(answer.status).toBe(200);
      expect(answer.errors).toBeUndefined();
      expect(answer.data?.me).toEqual({ id: shopper.id, name: 'Rotating' });
    }
    expect(await untrusted()).toBe(before);

    const refused = await strangerRouter.client.withToken(shopper.token).request<{ me: unknown }>(ME);
    expect(refused.data?.me).toBeNull();
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'SUBREQUEST_HTTP_ERROR', service: 'users', reason: '401 Unauthorized' });
    expect(await untrusted()).toBe(before + 1);
  });
});

describe('JWKS re-fetch on an unknown key id', () => {
  const served: { keys: JWK[] } = { keys: [] };
  let fetches = 0;
  const jwksServer = createServer((_request, response) => {
    fetches += 1;
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(served));
  });
  afterAll(() => new Promise((resolve) => jwksServer.close(resolve)));

  async function signingKey(kid: string) {
    const pair = await generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await exportJWK(pair.publicKey)), kid, alg: 'ES256', use: 'sig' };
    const token = (sub: string) =>
      new SignJWT({ scope: 'customer' })
        .setProtectedHeader({ alg: 'ES256', kid })
        .setSubject(sub)
        .setIssuer('commerce-users')
        .setAudience('commerce-supergraph')
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(pair.privateKey);
    return { jwk, token };
  }

  it('refuses a token signed by a key not yet published, then accepts it after fetching the JWKS again (at most every 30 s)', async () => {
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    const jwksUrl = `http://127.0.0.1:${(jwksServer.address() as { port: number }).port}/.well-known/jwks.json`;
    const [current, next, never] = await Promise.all([signingKey('current'), signingKey('next'), signingKey('never-published')]);
    served.keys = [current.jwk];
    const shopper = await signUp('Keyed');
    const router = await startRouter('jwks-refetch', { JWKS_URL: jwksUrl });
    const asMe = async (token: string) => router.client.withToken(token).request<{ me: { id: string } }>(ME);

    const first = await asMe(await current.token(shopper.id));
    expect(first.status).toBe(200);
    expect(first.data?.me.id).toBe(shopper.id);
    expect(fetches).toBe(1);

    // The users service publishes the next key. Within 30 s of the last fetch the router does not fetch again.
    served.keys = [current.jwk, next.jwk];
    const nextToken = await next.token(shopper.id);
    const tooSoon = await asMe(nextToken);
    expect(tooSoon.status).toBe(401);
    expect(tooSoon.errors?.[0]?.extensions?.code).toBe('AUTH_ERROR');
    expect(fetches).toBe(1);

    // Once the cool-down is over, the unknown key id makes it fetch the JWKS again, and the token verifies.
    const accepted = await eventually(async () => {
      const answer = await asMe(nextToken);
      expect(answer.status).toBe(200);
      return answer;
    }, { timeoutMs: 45_000, intervalMs: 1_000 });
    expect(accepted.data?.me.id).toBe(shopper.id);
    expect(fetches).toBe(2);

    // A key id that is in no JWKS stays refused, and does not make the router fetch at once again.
    const stranger = await asMe(await never.token(shopper.id));
    expect(stranger.status).toBe(401);
    expect(stranger.errors?.[0]?.extensions?.code).toBe('AUTH_ERROR');
    expect(fetches).toBe(2);
  }, 90_000);
});
