import { describe, expect, it } from 'vitest';
import { router, run } from '../support/run.js';

async function post(body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  const response = await fetch(run.routerUrl, { method: 'POST', headers, body });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as { errors?: { extensions?: { code?: string } }[] }) : {} };
}

describe('bad input is answered with 4xx or GraphQL errors, never 5xx', () => {
  it("the explorer's assets by name; any other name, Object.prototype's members too, 404", async () => {
    const css = await fetch(new URL('/explorer/graphiql.css', run.routerUrl));
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toContain('text/css');
    await css.arrayBuffer();
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'nope.js']) {
      const response = await fetch(new URL(`/explorer/${name}`, run.routerUrl));
      expect(response.status, name).toBe(404);
      expect(((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code).toBe('NOT_FOUND');
    }
  });

  it('methods other than GET and POST on the endpoint: 405 with Allow', async () => {
    for (const method of ['PUT', 'DELETE', 'PATCH']) {
      const response = await fetch(run.routerUrl, { method, headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
      expect(response.status, method).toBe(405);
      expect(response.headers.get('allow')).toBe('GET, POST');
      expect(((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code).toBe('METHOD_NOT_ALLOWED');
    }
  });

  it('a media type that only starts like application/json: 415', async () => {
    const result = await post('{"query":"{ __typename }"}', { 'content-type': 'application/jsonx', 'apollo-require-preflight': 'true' });
    expect(result.status).toBe(415);
    expect(result.body.errors?.[0]?.extensions?.code).toBe('INVALID_CONTENT_TYPE_HEADER');
  });

  it('malformed JSON: 400', async () => {
    const result = await post('{"query": "{ products { edges { cursor } } }"');
    expect(result.status).toBe(400);
    expect(result.body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
  });

  it('empty body, missing query, and a body that is not an object: 400', async () => {
    for (const body of ['', '{}', '[]', '"text"', 'null']) {
      const result = await post(body);
      expect(result.status, body).toBe(400);
    }
  });

  it('syntax and validation errors: 400 with their codes', async () => {
    const syntax = await post(JSON.stringify({ query: '{ products(first: 1 { edges } }' }));
    expect(syntax.status).toBe(400);
    expect(syntax.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    const unknownField = await post(JSON.stringify({ query: '{ products(first: 1) { edges { node { nope } } } }' }));
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('variables of the wrong type: 400 BAD_USER_INPUT', async () => {
    const result = await post(JSON.stringify({ query: 'query($n: Int) { products(first: $n) { edges { cursor } } }', variables: { n: 'ten' } }));
    expect(result.status).toBe(400);
    expect(result.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('a negative first: 400 BAD_USER_INPUT from the router before execution (MAX_SLICING_ARGUMENT)', async () => {
    const result = await router.request('{ products(first: -1) { edges { cursor } } }');
    expect({ status: result.status, extensions: result.errors?.map((e) => e.extensions) }).toEqual({ status: 400, extensions: [{ code: 'BAD_USER_INPUT', argumentName: 'first' }] });
  });

  it('first over the subgraph\'s page size, a forged cursor: BAD_USER_INPUT naming the argument, from the subgraph (200)', async () => {
    for (const [args, field] of [
      ['first: 1000', 'first'],
      ['first: 1, after: "bm90LWEtY3Vyc29y"', 'after'],
    ] as const) {
      const result = await router.request(`{ products(${args}) { edges { cursor } } }`);
      expect(result.status, args).toBe(200);
      expect(result.errors?.[0]?.extensions, args).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
  });

  it('unknown ids: NOT_FOUND; malformed ids: BAD_USER_INPUT', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    for (const query of [`{ product(id: "${unknown}") { id } }`, `{ review(id: "${unknown}") { id } }`, `{ user(id: "${unknown}") { id } }`]) {
      const result = await router.request(query);
      expect(result.status).toBe(200);
      expect(result.errors?.[0]?.extensions?.code, query).toBe('NOT_FOUND');
    }
    const malformed = await router.request('{ product(id: "../../etc") { id } }');
    expect(malformed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('a body over the 2 MB limit: 413 INVALID_GRAPHQL_REQUEST (Apollo\'s router\'s code for it)', async () => {
    const result = await post(JSON.stringify({ query: `{ __typename } # ${'x'.repeat(2_100_000)}` }));
    expect(result.status).toBe(413);
    expect(result.body.errors?.[0]?.extensions?.code).toBe('INVALID_GRAPHQL_REQUEST');
  });

  it('form and text posts without a preflight header: 400 CSRF_ERROR; unknown routes 404', async () => {
    const simple = {
      'application/x-www-form-urlencoded': 'query=%7B__typename%7D',
      'multipart/form-data; boundary=b': '--b\r\nContent-Disposition: form-data; name="query"\r\n\r\n{__typename}\r\n--b--\r\n',
      'text/plain': JSON.stringify({ query: '{ __typename }' }),
    };
    for (const [contentType, body] of Object.entries(simple)) {
      const result = await post(body, { 'content-type': contentType });
      expect({ status: result.status, code: result.body.errors?.[0]?.extensions?.code }, contentType).toEqual({ status: 400, code: 'CSRF_ERROR' });
    }
    const missing = await fetch(new URL('/nope', run.routerUrl));
    expect(missing.status).toBe(404);
  });

  it('any POST that is not application/json but passed the CSRF check: 415 INVALID_CONTENT_TYPE_HEADER, never a 5xx', async () => {
    const cases: [string, Record<string, string>][] = [
      ['query=%7B__typename%7D', { 'content-type': 'application/x-www-form-urlencoded', 'apollo-require-preflight': 'true' }],
      ['--b\r\n\r\n--b--\r\n', { 'content-type': 'multipart/form-data; boundary=b', 'x-apollo-operation-name': 'A' }],
      [JSON.stringify({ query: '{ __typename }' }), { 'content-type': 'text/plain', 'apollo-require-preflight': 'true' }],
      ['<query/>', { 'content-type': 'application/xml' }],
      ['{ __typename }', { 'content-type': 'application/graphql' }],
      ['\u0000\u0001', { 'content-type': 'application/octet-stream' }],
    ];
    for (const [body, headers] of cases) {
      const result = await post(body, headers);
      expect({ status: result.status, code: result.body.errors?.[0]?.extensions?.code }, headers['content-type']).toEqual({ status: 415, code: 'INVALID_CONTENT_TYPE_HEADER' });
    }
  });
});
