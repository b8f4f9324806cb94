import { describe, expect, it } from 'vitest';
import { documentStage } from './document.js';
import { introspectionStage } from './introspection.js';
import { limitsStage, type LimitsOptions } from './limits.js';
import { refusal, runStages, testLog , DOCUMENT_OPTIONS } from './testing.js';

const options: LimitsOptions = {
  LIMITS_MODE: 'enforce',
  MAX_DEPTH: 4,
  MAX_HEIGHT: 20,
  MAX_ROOT_FIELDS: 3,
  MAX_ALIASES: 2,
  MAX_DIRECTIVES: 3,
  MAX_EXPANDED_FIELDS: 100,
};
const document = documentStage(DOCUMENT_OPTIONS);
const run = (query: string, overrides: Partial<LimitsOptions> = {}) => runStages([document, limitsStage({ ...options, ...overrides }, testLog)], query);

describe('stage limits', () => {
  it('passes an operation within every limit', async () => {
    const state = await run('{ me { id friends { name } } }');
    expect(state.measures).toMatchObject({ depth: 3, rootFields: 1 });
  });

  it('refuses with one error per limit exceeded, data {}', async () => {
    const refused = await refusal(() => run('{ a: tags b: tags c: tags d: tags }'));
    expect(refused).toEqual({ status: 400, codes: ['MAX_ROOT_FIELDS_LIMIT', 'MAX_ALIASES_LIMIT'] });
    expect((await refusal(() => run('{ me { friends { friends { friends { id } } } } }'))).codes).toEqual(['MAX_DEPTH_LIMIT']);
    expect((await refusal(() => run('{ tags @skip(if: false) @skip(if: false) @skip(if: false) @skip(if: false) }'))).codes).toEqual(['MAX_DIRECTIVES_LIMIT']);
  });

  it('sees everything after any amount of padding: 3000 spreads, then a field over the depth limit', async () => {
    const padding = Array.from({ length: 3_000 }, () => '...P').join(' ');
    const query = `{ me { ${padding} friends { friends { friends { id } } } } } fragment P on User { id }`;
    expect((await refusal(() => run(query, { MAX_EXPANDED_FIELDS: 10_000 }))).codes).toEqual(['MAX_DEPTH_LIMIT']);
  });

  it('refuses a fragment doubling chain by its expanded size, even in warn mode', async () => {
    const fragments = ['fragment F0 on User { id }'];
    for (let i = 1; i <= 40; i += 1) fragments.push(`fragment F${i} on User { ...F${i - 1} friends { ...F${i - 1} } }`);
    const query = `{ me { ...F40 } } ${fragments.join(' ')}`;
    const refused = await refusal(() => run(query, { LIMITS_MODE: 'warn', MAX_DEPTH: 100 }));
    expect(refused).toEqual({ status: 400, codes: ['MAX_EXPANDED_FIELDS_LIMIT'] });
  });

  it('refuses fragment cycles', async () => {
    const refused = await refusal(() => run('{ me { ...A } } fragment A on User { ...B } fragment B on User { ...A }'));
    expect(refused).toEqual({ status: 400, codes: ['GRAPHQL_VALIDATION_FAILED'] });
  });

  it('only logs in warn mode', async () => {
    const state = await run('{ a: tags b: tags c: tags d: tags }', { LIMITS_MODE: 'warn' });
    expect(state.measures?.rootFields).toBe(4);
  });
});

describe('stage introspection', () => {
  it('refuses __schema when introspection is off, always answers __typename', async () => {
    const off = introspectionStage({ INTROSPECTION: undefined, NODE_ENV: 'production' });
    const stages = [document, limitsStage(options, testLog), off];
    expect(await refusal(() => runStages(stages, '{ __schema { queryType { name } } }'))).toEqual({ status: 400, codes: ['INTROSPECTION_DISABLED'] });
    await runStages(stages, '{ __typename }');
    await runStages([document, limitsStage(options, testLog), introspectionStage({ INTROSPECTION: undefined, NODE_ENV: 'development' })], '{ __schema { queryType { name } } }');
  });
});
