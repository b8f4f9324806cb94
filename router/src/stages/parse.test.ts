import { describe, expect, it } from 'vitest';
import { checkCsrf, jsonMembers, readRequest } from './parse.js';
import { post, refusal } from './testing.js';
import type { IncomingRequest } from './stage.js';

const get = (query: Record<string, unknown>, headers: Record<string, string> = {}) => ({ method: 'GET', headers, body: undefined, query, ip: '127.0.0.1' }) as IncomingRequest;

describe('stage parse', () => {
  it('passes JSON and preflighted requests, refuses simple cross-site ones with CSRF_ERROR', async () => {
    expect(() => checkCsrf({ 'content-type': 'application/json' })).not.toThrow();
    expect(() => checkCsrf({ 'content-type': 'text/plain', 'apollo-require-preflight': 'true' })).not.toThrow();
    expect(await refusal(() => checkCsrf({ 'content-type': 'text/plain;charset=utf-8' }))).toEqual({ status: 400, codes: ['CSRF_ERROR'] });
    expect((await refusal(() => checkCsrf({}))).codes).toEqual(['CSRF_ERROR']);
  });

  it('reads POST and GET requests', () => {
    expect(readRequest(post({ query: '{ tags }', operationName: 'A', variables: { a: 1 } }))).toEqual({ query: '{ tags }', operationName: 'A', variables: { a: 1 } });
    expect(readRequest(get({ query: '{ tags }', variables: '{"a":1}' }))).toEqual({ query: '{ tags }', variables: { a: 1 } });
    expect(readRequest(post({ query: '{ tags }', operationName: null, variables: null }))).toEqual({ query: '{ tags }' });
  });

  it('refuses members of the wrong type with 400 BAD_REQUEST, never an exception', async () => {
    const bad = [
      post([{ query: '{ tags }' }]),
      post('{ tags }'),
      post({ query: 5 }),
      post({ query: '{ tags }', operationName: 7 }),
      post({ query: '{ tags }', operationName: ['A'] }),
      post({ query: '{ tags }', variables: [] }),
      post({ query: '{ tags }', extensions: 'x' }),
      get({ query: '{ tags }', variables: '{' }),
      get({ query: ['{ tags }', '{ me { id } }'] }),
    ];
    for (const request of bad) expect(await refusal(() => readRequest(request))).toEqual({ status: 400, codes: ['BAD_REQUEST'] });
  });

  it('refuses a POST that is not application/json with 415 INVALID_CONTENT_TYPE_HEADER (after the CSRF check)', async () => {
    expect(readRequest(post({ query: '{ tags }' }, { 'content-type': 'Application/JSON; charset=utf-8' }))).toEqual({ query: '{ tags }' });
    for (const contentType of ['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/plain', 'application/xml', '']) {
      const request = post('query=%7B__typename%7D', { 'content-type': contentType, 'apollo-require-preflight': 'true' });
      expect(await refusal(() => readRequest(request)), contentType).toEqual({ status: 415, codes: ['INVALID_CONTENT_TYPE_HEADER'] });
    }
  });

  it('bounds the members of a JSON body without parsing it', () => {
    expect(jsonMembers('{"query": "{ a }", "variables": {"x" :1, "y":\n[{"z":2}]}}')).toBe(5);
    expect(jsonMembers('[1, 2, 3]')).toBe(0);
    const many = JSON.stringify(Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, i])));
    expect(jsonMembers(many)).toBe(20_000);
  });
});
