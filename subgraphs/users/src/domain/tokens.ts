/**
 * Session tokens: ES256 JWTs signed with the users service's private key; the public half is served
 * as a JWKS so the router can verify tokens without sharing a secret. In development the key pair is
 * generated once into JWT_KEY_DIR (ignored by git); in production it comes from JWT_PRIVATE_KEY.
 * Rotation: JWT_PUBLISHED_PUBLIC_KEYS adds public keys to the JWKS without signing with them — the next
 * key before the switch (so every router already knows it when the first token signed with it arrives)
 * and the previous one after it (so tokens issued before the switch verify until they expire).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  SignJWT,
  calculateJwkThumbprint,
  exportJWK,
  exportPKCS8,
  generateKeyPair,
  importPKCS8,
  importSPKI,
  type JWK,
} from 'jose';
import { Scope } from '@commerce/kit/auth';
import type { Config } from '../config.js';

const ALG = 'ES256';

export interface TokenIssuer {
  issue(user: { id: string; role: 'CUSTOMER' | 'ADMIN' }): Promise<string>;
  jwks(): { keys: JWK[] };
}

/** PEMs pasted into one-line environment variables often carry `\n` escapes instead of newlines. */
const unescapePem = (value: string) => value.replace(/\\n/g, '\n');

const PUBLIC_KEY_PEM = /-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----/g;

async function publishedJwk(key: Parameters<typeof exportJWK>[0]): Promise<JWK> {
  const { d: _private, ...publicJwk } = await exportJWK(key);
  return { ...publicJwk, kid: await calculateJwkThumbprint(publicJwk), alg: ALG, use: 'sig' };
}

async function loadPrivateKeyPem(config: Config): Promise<string> {
  if (config.JWT_PRIVATE_KEY) return unescapePem(config.JWT_PRIVATE_KEY);
  const file = path.resolve(config.JWT_KEY_DIR, 'private.pem');
  if (existsSync(file)) return readFileSync(file, 'utf8');
  const { privateKey } = await generateKeyPair(ALG, { extractable: true });
  const pem = await exportPKCS8(privateKey);
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  // `wx`: when two processes start at once, the second one fails here and reads the first one's key.
  try {
    writeFileSync(file, pem, { mode: 0o600, flag: 'wx' });
    return pem;
  } catch {
    return readFileSync(file, 'utf8');
  }
}

export async function createTokenIssuer(config: Config): Promise<TokenIssuer> {
  const privateKey = await importPKCS8(await loadPrivateKeyPem(config), ALG, { extractable: true });
  const current = await publishedJwk(privateKey);
  const kid = current.kid as string;
  const extra = await Promise.all(
    (unescapePem(config.JWT_PUBLISHED_PUBLIC_KEYS ?? '').match(PUBLIC_KEY_PEM) ?? []).map(async (text) =>
      publishedJwk(await importSPKI(text, ALG, { extractable: true })),
    ),
  );
  const jwks = { keys: [current, ...extra.filter((key, i) => key.kid !== kid && extra.findIndex((k) => k.kid === key.kid) === i)] };

  return {
    issue: (user) =>
      new SignJWT({ scope: user.role === 'ADMIN' ? `${Scope.CUSTOMER} ${Scope.ADMIN}` : Scope.CUSTOMER })
        .setProtectedHeader({ alg: ALG, kid, typ: 'JWT' })
        .setSubject(user.id)
        .setIssuer(config.JWT_ISSUER)
        .setAudience(config.JWT_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(`${config.JWT_TTL_SECONDS}s`)
        .sign(privateKey),
    jwks: () => jwks,
  };
}
