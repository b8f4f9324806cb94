import { describe, expect, it } from 'vitest';
import { parse } from 'graphql';
import { approximateDocumentBytes, documentStage } from './document.js';
import { initialState } from './stage.js';
import { DOCUMENT_OPTIONS, refusal, runStages, testMetadata } from './testing.js';

const stage = documentStage({ ...DOCUMENT_OPTIONS, MAX_TOKENS: 1_000, MAX_RECURSION: 20, MAX_OPERATIONS: 3 });

describe('stage document', () => {
  it('selects the operation the request names', async () => {
    const state = await runStages([stage], 'query A { tags } query B { me { id } }', { operationName: 'B' });
    expect(state.operation?.operation.name?.value).toBe('B');
  });

  it('refuses what is the client fault with a 4xx and a code', async () => {
    const run = (query: string, operationName?: string) => runStages([stage], query, operationName ? { operationName } : {});
    expect(await refusal(() => run('query A { tags }', 'B'))).toEqual({ status: 400, codes: ['GRAPHQL_UNKNOWN_OPERATION_NAME'] });
    expect(await refusal(() => run('query A { tags } query B { tags }'))).toEqual({ status: 400, codes: ['GRAPHQL_UNKNOWN_OPERATION_NAME'] });
    expect(await refusal(() => run('subscription { ticks }'))).toEqual({ status: 400, codes: ['SUBSCRIPTION_NOT_SUPPORTED'] });
    expect(await refusal(() => run(`{ ${'tags '.repeat(2_000)}}`))).toEqual({ status: 400, codes: ['PARSING_ERROR'] });
    expect(await refusal(() => run(`${'{ a '.repeat(30)}${'}'.repeat(30)}`))).toEqual({ status: 400, codes: ['PARSING_ERROR'] });
  });

  it('refuses documents over the operation, fragment and variable caps before validation', async () => {
    const operations = Array.from({ length: 4 }, (_, i) => `query Q${i} { tags }`).join(' ');
    expect(await refusal(() => runStages([stage], operations, { operationName: 'Q0' }))).toEqual({ status: 400, codes: ['MAX_OPERATIONS_LIMIT'] });
    const fragments = `{ tags } ${Array.from({ length: 101 }, (_, i) => `fragment F${i} on Query { tags }`).join(' ')}`;
    expect((await refusal(() => runStages([documentStage(DOCUMENT_OPTIONS)], fragments))).codes).toEqual(['MAX_FRAGMENTS_LIMIT']);
    const variables = `query(${Array.from({ length: 101 }, (_, i) => `$v${i}: Int`).join(', ')}) { tags }`;
    expect((await refusal(() => runStages([documentStage(DOCUMENT_OPTIONS)], variables))).codes).toEqual(['MAX_VARIABLES_LIMIT']);
  });

  it('keeps only the variables the operation declares', async () => {
    const state = await runStages([stage], 'query($n: Int) { products(first: $n) { edges { node { id } } } }', { variables: { n: 1, junk: 'x'.repeat(10) } });
    expect(state.raw.variables).toEqual({ n: 1 });
  });

  it('refuses mutations over GET with 405', async () => {
    const state = initialState({ method: 'GET', headers: {}, body: undefined, query: {}, ip: '127.0.0.1' } as never, testMetadata);
    state.query = 'mutation { logIn(email: "a", password: "b") { token } }';
    expect(await refusal(() => stage.run(state))).toEqual({ status: 405, codes: ['METHOD_NOT_ALLOWED'] });
  });

  it('leaves syntax errors to Apollo Server (no operation, no refusal)', async () => {
    const state = await runStages([stage], '{ tags ');
    expect(state.operation).toBeNull();
  });

  describe('parsed-document cache', () => {
    // Near the caps: 3,500 aliased fields in 62,000 characters, about 1 MB of syntax tree in V8.
    const dense = (i: number) => `query Dense${i} { ${Array.from({ length: 3_500 }, (_, k) => `a${k}: __typename`).join(' ')} }`;

    it('sizes a document by its syntax tree, not its text alone', () => {
      const denseQuery = dense(0);
      expect(approximateDocumentBytes(denseQuery, parse(denseQuery, { noLocation: true }))).toBeGreaterThan(1_000_000);
      const padded = `# ${'x'.repeat(60_000)}\n{ tags }`;
      const paddedBytes = approximateDocumentBytes(padded, parse(padded, { noLocation: true }));
      expect(paddedBytes).toBeGreaterThanOrEqual(padded.length);
      expect(paddedBytes).toBeLessThan(padded.length * 1.1);
    });

    it('keeps a document parsed once while it fits, and lets large distinct documents push it out', async () => {
      const bounded = documentStage({ ...DOCUMENT_OPTIONS, documentCacheBytes: 4 * 1024 * 1024 });
      const documentOf = async (query: string) => (await runStages([bounded], query)).operation?.document;
      const first = await documentOf('query Small { tags }');
      expect(await documentOf('query Small { tags }')).toBe(first);
      for (let i = 0; i < 8; i += 1) await documentOf(dense(i));
      // Eight documents of about 1.2 MB against a 4 MB budget: the small one went with the oldest.
      const again = await documentOf('query Small { tags }');
      expect(again).not.toBe(first);
      expect(again).toEqual(first);
    });
  });
});
