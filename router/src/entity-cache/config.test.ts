import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '@commerce/kit/config';
import { configShape } from '../config.js';

const parse = (env: Record<string, string>) => parseConfig(configShape, env);

describe('entity cache settings', () => {
  it('default to a cache that is on, bounded and quick to fall back', () => {
    const config = parse({});
    expect(config).toMatchObject({
      ENTITY_CACHE_ENABLED: true,
      ENTITY_CACHE_MAX_TTL_SECONDS: 300,
      ENTITY_CACHE_FALLBACK_TTL_SECONDS: 5,
      ENTITY_CACHE_OUTAGE_AFTER_MS: 3_000,
      ENTITY_CACHE_MAX_ENTRIES: 10_000,
      ENTITY_CACHE_MAX_MEMORY_BYTES: 67_108_864,
      ENTITY_CACHE_MAX_ENTRY_BYTES: 262_144,
      ENTITY_CACHE_DERIVED_WAIT_MS: 10_000,
      ENTITY_CACHE_KEY_PREFIX: 'entity-cache:',
      KAFKA_BROKERS: ['127.0.0.1:9092'],
      KAFKA_TOPIC_PREFIX: '',
    });
    expect(parse({ ENTITY_CACHE_ENABLED: 'false' }).ENTITY_CACHE_ENABLED).toBe(false);
  });

  it('refuse values out of bounds, naming the setting', () => {
    for (const [name, value] of [
      ['ENTITY_CACHE_ENABLED', 'maybe'],
      ['ENTITY_CACHE_MAX_TTL_SECONDS', '0'],
      ['ENTITY_CACHE_FALLBACK_TTL_SECONDS', '0'],
      ['ENTITY_CACHE_OUTAGE_AFTER_MS', '10'],
      ['ENTITY_CACHE_MAX_ENTRIES', '0'],
      ['ENTITY_CACHE_MAX_MEMORY_BYTES', '1000'],
      ['ENTITY_CACHE_MAX_ENTRY_BYTES', '10'],
      ['ENTITY_CACHE_DERIVED_WAIT_MS', '-1'],
      ['KAFKA_TOPIC_PREFIX', 'a b'],
    ] as const) {
      expect(() => parse({ [name]: value }), name).toThrow(ConfigError);
      expect(() => parse({ [name]: value }), name).toThrow(name);
    }
  });
});
