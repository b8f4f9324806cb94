import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { SignJWT, createLocalJWKSet, decodeProtectedHeader, exportPKCS8, exportSPKI, generateKeyPair, jwtVerify, type JWK } from 'jose';
import { startTestSubgraph, type TestSubgraph } from '@commerce/kit/testing';
import { loadUsersConfig } from '../src/config.js';
import { createUsersService } from '../src/service.js';

const run = inject('run');
const claims = { issuer: 'commerce-users', audience: 'commerce-supergraph' };
let users: TestSubgraph;
let retired: Awaited<ReturnType<typeof generateKeyPair>>;
let next: Awaited<ReturnType<typeof generateKeyPair>>;
let jwks: { keys: JWK[] };

beforeAll(async () => {
  retired = await generateKeyPair('ES256', { extractable: true });
  next = await generateKeyPair('ES256', { extractable: true });
  const current = await generateKeyPair('ES256', { extractable: true });
  // Secrets stores often hold PEMs on one line with `\n` escapes; both variables accept that.
  const oneLine = (pem: string) => pem.trim().replace(/\n/g, '\\n');
  users = await startTestSubgraph(run, 'users', 'users_rotation', loadUsersConfig, createUsersService, {
    JWT_PRIVATE_KEY: oneLine(await exportPKCS8(current.privateKey)),
    JWT_PUBLISHED_PUBLIC_KEYS: oneLine(`${await exportSPKI(retired.publicKey)}${await exportSPKI(next.publicKey)}`),
  });
  jwks = (await users.server.app.inject({ url: '/.well-known/jwks.json' })).json();
});
afterAll(() => users?.close());

const signedBy = (key: Parameters<SignJWT['sign']>[0], kid: string) =>
  new SignJWT({ scope: 'customer' })
    .setProtectedHeader({ alg: 'ES256', kid })
    .setSubject('00000000-0000-4000-8000-000000000001')
    .setIssuer(claims.issuer)
    .setAudience(claims.audience)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(key);

describe('JWT signing key rotation', () => {
  it('publishes the signing key first and the extra ones beside it, public halves only', () => {
    expect(jwks.keys).toHaveLength(3);
    expect(new Set(jwks.keys.map((key) => key.kid)).size).toBe(3);
    for (const key of jwks.keys) {
      expect(key).toMatchObject({ kty: 'EC', alg: 'ES256', use: 'sig' });
      expect(key).not.toHaveProperty('d');
    }
  });

  it('signs new tokens with the signing key only', async () => {
    const { data } = await users.request<{ signUp: { token: string } }>(
      'mutation { signUp(input: { email: "rotation@example.test", name: "Rotation", password: "long enough" }) { token } }',
    );
    const token = data!.signUp.token;
    expect(decodeProtectedHeader(token).kid).toBe(jwks.keys[0]?.kid);
    await expect(jwtVerify(token, createLocalJWKSet(jwks), claims)).resolves.toBeTruthy();
  });

  it('verifies tokens the previous and the next key sign, and nothing signed by an unknown key', async () => {
    const before = await signedBy(retired.privateKey, jwks.keys[1]!.kid!);
    await expect(jwtVerify(before, createLocalJWKSet(jwks), claims)).resolves.toBeTruthy();
    const after = await signedBy(next.privateKey, jwks.keys[2]!.kid!);
    await expect(jwtVerify(after, createLocalJWKSet(jwks), claims)).resolves.toBeTruthy();

    const stranger = await generateKeyPair('ES256');
    const forged = await signedBy(stranger.privateKey, jwks.keys[1]!.kid!);
    await expect(jwtVerify(forged, createLocalJWKSet(jwks), claims)).rejects.toThrow(/signature/);
  });
});
