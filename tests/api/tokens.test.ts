import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SignJWT, calculateJwkThumbprint, exportJWK, generateKeyPair, importPKCS8 } from 'jose';
import { signUp } from '../support/accounts.js';
import { router, run } from '../support/run.js';

const ME = '{ me { id } }';

async function realKey() {
  const key = await importPKCS8(readFileSync(path.join(run.jwtKeyDir, 'private.pem'), 'utf8'), 'ES256', { extractable: true });
  const { d: _d, ...publicJwk } = await exportJWK(key);
  return { key, kid: await calculateJwkThumbprint(publicJwk) };
}

function token(claims: Record<string, unknown>) {
  return new SignJWT({ scope: 'customer', ...claims }).setIssuer('commerce-users').setAudience('commerce-supergraph').setIssuedAt();
}

async function asBearer(value: string) {
  return router.request(ME, undefined, { headers: { authorization: value } });
}

describe('the router verifies tokens', () => {
  it('accepts a token the users service issued', async () => {
    const account = await signUp();
    const { me } = await account.client.data<{ me: { id: string } }>(ME);
    expect(me.id).toBe(account.id);
  });

  it('refuses an expired token with 401 AUTH_ERROR', async () => {
    const { key, kid } = await realKey();
    const account = await signUp();
    const expired = await token({})
      .setSubject(account.id)
      .setProtectedHeader({ alg: 'ES256', kid })
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(key);
    const result = await asBearer(`Bearer ${expired}`);
    expect(result.status).toBe(401);
    expect(result.errors?.[0]?.extensions?.code).toBe('AUTH_ERROR');
  });

  it('refuses a token signed with another key, even under the real key id', async () => {
    const { kid } = await realKey();
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await token({ scope: 'customer admin' }).setSubject('00000000-0000-4000-8000-000000000000').setProtectedHeader({ alg: 'ES256', kid }).setExpirationTime('1h').sign(privateKey);
    const result = await asBearer(`Bearer ${forged}`);
    expect(result.status).toBe(401);
    expect(result.errors?.[0]?.extensions?.code).toBe('AUTH_ERROR');
  });

  it('refuses an unsigned (alg: none) token', async () => {
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const unsigned = `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ sub: '00000000-0000-4000-8000-000000000000', scope: 'customer admin', iss: 'commerce-users', aud: 'commerce-supergraph', iat: now, exp: now + 3600 })}.`;
    const result = await asBearer(`Bearer ${unsigned}`);
    expect(result.status).toBe(401);
    expect(result.errors?.[0]?.extensions?.code).toBe('AUTH_ERROR');
  });

  it('refuses a token for another audience, and malformed authorization headers', async () => {
    const { key, kid } = await realKey();
    const account = await signUp();
    const otherAudience = await new SignJWT({ scope: 'customer' })
      .setSubject(account.id)
      .setIssuer('commerce-users')
      .setAudience('someone-else')
      .setExpirationTime('1h')
      .setProtectedHeader({ alg: 'ES256', kid })
      .sign(key);
    for (const header of [`Bearer ${otherAudience}`, 'Bearer', 'Basic dXNlcjpwYXNz', 'Bearer not.a.jwt']) {
      const result = await asBearer(header);
      expect(result.status, header).toBe(401);
      expect(result.errors?.[0]?.extensions?.code, header).toBe('AUTH_ERROR');
    }
  });
});
