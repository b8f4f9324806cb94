/**
 * Session tokens: ES256 JWTs signed with the users service's private key; the public half is served
 * as a JWKS so the router can verify tokens without sharing a secret. In development the key pair is
 * generated once into JWT_KEY_DIR (ignored by git); in production it comes from JWT_PRIVATE_KEY.
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
  type JWK,
} from 'jose';
import { Scope } from '@commerce/kit/auth';
import type { Config } from '../config.js';

const ALG = 'ES256';

export interface TokenIssuer {
  issue(user: { id: string; role: 'CUSTOMER' | 'ADMIN' }): Promise<string>;
  jwks(): { keys: JWK[] };
}

async function loadPrivateKeyPem(config: Config): Promise<string> {
  if (config.JWT_PRIVATE_KEY) return config.JWT_PRIVATE_KEY.replace(/\\n/g, '\n');
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
  const { d: _private, ...publicJwk } = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const jwks = { keys: [{ ...publicJwk, kid, alg: ALG, use: 'sig' }] };

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
