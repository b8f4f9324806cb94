import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '@commerce/kit/config';
import { createHttpShell } from '@commerce/kit/http';
import { createObservability } from '@commerce/kit/observability';
import { configShape } from './config.js';

/**
 * TRUSTED_PROXIES: which address the rate limit and the login throttle see (`request.ip`) behind an
 * Ingress. Off by default: X-Forwarded-For is then ignored, since any client could write it.
 */
async function clientAddress(trustProxy: readonly string[], remoteAddress: string, forwardedFor?: string): Promise<string> {
  const { log, metrics } = createObservability('client-address-test', 'silent');
  const app = createHttpShell({ log, metrics, readiness: {}, metricsListen: { host: '127.0.0.1', port: 0 }, trustProxy });
  app.get('/ip', async (request) => ({ ip: request.ip }));
  try {
    const response = await app.inject({ method: 'GET', url: '/ip', remoteAddress, headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {} });
    return (response.json() as { ip: string }).ip;
  } finally {
    await app.close();
  }
}

describe('the client address behind proxies (TRUSTED_PROXIES)', () => {
  it('is the socket address by default, whatever X-Forwarded-For says', async () => {
    expect(parseConfig(configShape, {}).TRUSTED_PROXIES).toEqual([]);
    expect(await clientAddress([], '10.1.2.3', '198.51.100.7')).toBe('10.1.2.3');
  });

  it('is the address the trusted proxy forwarded, and never one a client wrote before an untrusted hop', async () => {
    const trusted = parseConfig(configShape, { TRUSTED_PROXIES: '10.0.0.0/8, 192.168.1.5' }).TRUSTED_PROXIES;
    expect(trusted).toEqual(['10.0.0.0/8', '192.168.1.5']);
    // The Ingress controller (10.1.2.3) appends the shopper's address.
    expect(await clientAddress(trusted, '10.1.2.3', '198.51.100.7')).toBe('198.51.100.7');
    // A shopper forging the header: the rightmost untrusted address is still theirs.
    expect(await clientAddress(trusted, '10.1.2.3', '203.0.113.1, 198.51.100.7')).toBe('198.51.100.7');
    // A direct caller (not a trusted proxy) cannot choose its address with the header.
    expect(await clientAddress(trusted, '198.51.100.9', '203.0.113.1')).toBe('198.51.100.9');
  });

  it('refuses an entry that is not an address or a range, naming the variable', () => {
    for (const bad of ['ingress', '10.0.0.0/33', '10.0.0.1/8/1', '::1/129']) {
      expect(() => parseConfig(configShape, { TRUSTED_PROXIES: bad }), bad).toThrow(ConfigError);
      expect(() => parseConfig(configShape, { TRUSTED_PROXIES: bad }), bad).toThrow(/TRUSTED_PROXIES/);
    }
  });
});
