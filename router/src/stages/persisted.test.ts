import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PersistedQueries, sha256 } from '../persisted-queries.js';
import { createStore } from '../store.js';
import { persistedStage } from './persisted.js';
import { initialState } from './stage.js';
import { post, refusal, testLog, testMetadata } from './testing.js';

const body = 'query Tags { tags }';
const dir = mkdtempSync(path.join(tmpdir(), 'pq-'));
writeFileSync(
  path.join(dir, 'web.json'),
  JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations: [{ id: sha256(body), name: 'Tags', type: 'query', body }] }),
);
const stage = persistedStage(new PersistedQueries(dir, createStore(undefined, testLog), { enabled: true, ttlSeconds: 60 }));
const run = async (raw: Record<string, unknown>) => {
  const state = initialState(post(raw), testMetadata);
  state.raw = raw as typeof state.raw;
  await stage.run(state);
  return state.query;
};

describe('stage persisted', () => {
  it('resolves ids from the manifest, free-form text, and APQ registrations', async () => {
    expect(await run({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256(body) } } })).toBe(body);
    expect(await run({ query: '{ tags }' })).toBe('{ tags }');
    const apq = '{ me { id } }';
    expect(await run({ query: apq, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(apq) } } })).toBe(apq);
    expect(await run({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256(apq) } } })).toBe(apq);
  });

  it("answers Apollo's codes for malformed or unknown ids", async () => {
    expect(await refusal(() => run({ extensions: { persistedQuery: { version: 1, sha256Hash: 'f'.repeat(64) } } }))).toEqual({ status: 200, codes: ['PERSISTED_QUERY_NOT_FOUND'] });
    expect(await refusal(() => run({ query: '{ tags }', extensions: { persistedQuery: { sha256Hash: 'f'.repeat(64) } } }))).toEqual({ status: 400, codes: ['PERSISTED_QUERY_HASH_MISMATCH'] });
    expect(await refusal(() => run({ extensions: { persistedQuery: { sha256Hash: 12 } } }))).toEqual({ status: 400, codes: ['BAD_REQUEST'] });
    expect(await refusal(() => run({}))).toEqual({ status: 400, codes: ['BAD_REQUEST'] });
  });
});
