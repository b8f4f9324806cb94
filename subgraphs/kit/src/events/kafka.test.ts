import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config.js';
import { kafkaClientRules, kafkaClientShape, kafkaSettingsProblems } from '../service-config.js';
import { entityCacheGroupPrefix, kafkaAccessOf, kafkaConnectionOptions, routerKafkaAccess } from './kafka.js';
import { derivingServices } from './samples.js';

const dir = mkdtempSync(path.join(tmpdir(), 'kafka-settings-'));
const file = (name: string, text: string) => {
  const at = path.join(dir, name);
  writeFileSync(at, text);
  return at;
};
const settings = (env: Record<string, string>) => parseConfig(kafkaClientShape, env, kafkaClientRules);

describe('Kafka client settings (KAFKA_SASL_*, KAFKA_SSL*)', () => {
  it('connects in plaintext without SASL by default', () => {
    expect(kafkaConnectionOptions(settings({}))).toEqual({ brokers: ['127.0.0.1:9092'] });
    expect(kafkaConnectionOptions(['a:1'])).toEqual({ brokers: ['a:1'] });
  });

  it('turns SCRAM credentials, given directly or as files, and a CA file into KafkaJS options', () => {
    expect(kafkaConnectionOptions(settings({ KAFKA_BROKERS: 'k:9093', KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'orders', KAFKA_SASL_PASSWORD: 'pw', KAFKA_SSL: 'true' }))).toEqual({
      brokers: ['k:9093'],
      ssl: true,
      sasl: { mechanism: 'scram-sha-512', username: 'orders', password: 'pw' },
    });
    const options = kafkaConnectionOptions(
      settings({
        KAFKA_SASL_MECHANISM: 'scram-sha-256',
        KAFKA_SASL_USERNAME_FILE: file('user', 'reviews\n'),
        KAFKA_SASL_PASSWORD_FILE: file('password', 's3cret\n'),
        KAFKA_SSL: 'yes',
        KAFKA_SSL_CA_FILE: file('ca.crt', '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n'),
      }),
    );
    expect(options.sasl).toEqual({ mechanism: 'scram-sha-256', username: 'reviews', password: 's3cret' });
    expect(options.ssl).toEqual({ ca: ['-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----'] });
  });

  it('refuses combinations that cannot work, naming the variable', () => {
    const problems = (env: Record<string, string>) => kafkaSettingsProblems(parseConfig(kafkaClientShape, env));
    expect(problems({ KAFKA_SASL_MECHANISM: 'scram-sha-512' })).toEqual([
      'KAFKA_SASL_USERNAME: required when KAFKA_SASL_MECHANISM is set (or KAFKA_SASL_USERNAME_FILE)',
      'KAFKA_SASL_PASSWORD: required when KAFKA_SASL_MECHANISM is set (or KAFKA_SASL_PASSWORD_FILE)',
    ]);
    expect(problems({ KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' })).toEqual([
      'KAFKA_SASL_MECHANISM: required when a SASL username or password is given (scram-sha-512, scram-sha-256 or plain)',
    ]);
    expect(problems({ KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p', KAFKA_SASL_PASSWORD_FILE: '/x' })).toEqual([
      'KAFKA_SASL_PASSWORD: give either KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE, not both',
    ]);
    expect(problems({ KAFKA_SSL_CA_FILE: '/ca.crt' })).toEqual(['KAFKA_SSL_CA_FILE: given, but KAFKA_SSL is not true']);
    expect(problems({ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' })).toEqual([
      'KAFKA_SASL_MECHANISM: plain sends the password in clear text: set KAFKA_SSL=true, or use scram-sha-512',
    ]);
    expect(() => settings({ KAFKA_SASL_MECHANISM: 'gssapi' })).toThrow(/KAFKA_SASL_MECHANISM: .*"gssapi"/);
    expect(() => kafkaConnectionOptions({ KAFKA_BROKERS: ['k:1'], KAFKA_SASL_MECHANISM: 'scram-sha-512' })).toThrow(/KAFKA_SASL_USERNAME: required/);
  });

  it('names the variable whose file cannot be read', () => {
    expect(() =>
      kafkaConnectionOptions(settings({ KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD_FILE: path.join(dir, 'missing') })),
    ).toThrow(/KAFKA_SASL_PASSWORD_FILE: cannot read .*missing \(ENOENT\)/);
  });
});

describe('kafkaAccessOf', () => {
  it("grants a service its own topic, the dead-letter topics of what it reads, and its group", () => {
    expect(kafkaAccessOf('reviews', ['ProductCreated', 'ProductUpdated', 'OrderConfirmed'], 'p.')).toEqual({
      write: ['p.orders.events.dlq', 'p.products.events.dlq', 'p.reviews.events'],
      read: ['p.orders.events', 'p.products.events'],
      groups: ['p.reviews'],
    });
    expect(kafkaAccessOf('users', [])).toEqual({ write: ['users.events'], read: [], groups: [] });
  });
});

describe('routerKafkaAccess', () => {
  it("grants the router every service's topic (no dead-letter topic), its groups by prefix, and Describe on the groups it polls", () => {
    expect(routerKafkaAccess(['users', 'products', 'users'], 'p.')).toEqual({
      read: ['p.orders.events', 'p.products.events', 'p.reviews.events', 'p.users.events'],
      groupPrefix: 'p.router-entity-cache.',
      describeGroups: ['p.products', 'p.users'],
    });
    expect(entityCacheGroupPrefix()).toBe('router-entity-cache.');
  });

  it('polls the groups of the services that derive cached changes, which no group of the router shadows', () => {
    const services = derivingServices();
    expect(services).toEqual(['products', 'reviews', 'users']);
    for (const group of routerKafkaAccess(services).describeGroups) expect(group.startsWith(entityCacheGroupPrefix())).toBe(false);
  });
});
