import { describe, expect, it } from 'vitest';
import { CLAIMS_HEADER, encodeClaims } from '@commerce/kit/auth';
import { SIGNATURE_HEADER, signRequest } from '@commerce/kit/router-trust';
import { signUp } from '../support/accounts.js';
import { run } from '../support/run.js';

async function direct(headers: Record<string, string>, body = JSON.stringify({ query: '{ me { id email } }' })) {
  const response = await fetch(run.subgraphUrls.users, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: response.status, body: (await response.json()) as { errors?: { extensions?: { code?: string } }[]; data?: unknown } };
}

describe('subgraphs accept only requests that came through the router', () => {
  it('refuses a direct call, a forged claims header, a wrong or stale signature', async () => {
    const victim = await signUp();
    const claims = encodeClaims({ sub: victim.id, scope: 'customer admin' });
    const body = JSON.stringify({ query: '{ me { id email } }' });

    const unsigned = await direct({ [CLAIMS_HEADER]: claims });
    expect(unsigned.status).toBe(401);
    expect(unsigned.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const wrongSecret = await direct({ [CLAIMS_HEADER]: claims, [SIGNATURE_HEADER]: signRequest('not-the-shared-secret-at-all', 'POST /graphql', claims, body) }, body);
    expect(wrongSecret.status).toBe(401);

    const signedForOtherClaims = signRequest(run.routerSecret, 'POST /graphql', encodeClaims({ sub: victim.id, scope: 'customer' }), body);
    const tampered = await direct({ [CLAIMS_HEADER]: claims, [SIGNATURE_HEADER]: signedForOtherClaims }, body);
    expect(tampered.status).toBe(401);

    const stale = await direct({ [CLAIMS_HEADER]: claims, [SIGNATURE_HEADER]: signRequest(run.routerSecret, 'POST /graphql', claims, body, Date.now() - 3_600_000) }, body);
    expect(stale.status).toBe(401);

    // Signed like the router signs: accepted (the router's own traffic, which every other suite exercises).
    const signed = await direct({ [CLAIMS_HEADER]: claims, [SIGNATURE_HEADER]: signRequest(run.routerSecret, 'POST /graphql', claims, body) }, body);
    expect(signed.status).toBe(200);
    expect(signed.body.data).toEqual({ me: { id: victim.id, email: victim.email } });
  });

  it('keeps health and readiness open to probes, and metrics open on the metrics port', async () => {
    for (const path of ['/health', '/ready']) {
      const response = await fetch(new URL(path, run.subgraphUrls.products));
      expect(response.status, path).toBe(200);
    }
    expect((await fetch(run.metricsUrls.products)).status).toBe(200);
  });
});
