import { describe, expect, it } from 'vitest';
import { documentStage } from './document.js';
import { initialState } from './stage.js';
import { refusal, runStages, testMetadata } from './testing.js';

const stage = documentStage({ MAX_TOKENS: 1_000, MAX_RECURSION: 20 });

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

  it('refuses mutations over GET with 405', async () => {
    const state = initialState({ method: 'GET', headers: {}, body: undefined, query: {}, ip: '127.0.0.1' } as never, testMetadata);
    state.query = 'mutation { logIn(email: "a", password: "b") { token } }';
    expect(await refusal(() => stage.run(state))).toEqual({ status: 405, codes: ['METHOD_NOT_ALLOWED'] });
  });

  it('leaves syntax errors to Apollo Server (no operation, no refusal)', async () => {
    const state = await runStages([stage], '{ tags ');
    expect(state.operation).toBeNull();
  });
});
