import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { measure, nesting, occurrences, parseLimited, SATURATED, selectOperation, eachField } from './operation.js';
import { Rejection } from './rejection.js';
import { refusal, testSchema } from './stages/testing.js';

const op = (query: string, name?: string) => selectOperation(parse(query, { noLocation: true }), name);

/** `levels` fragments, each spreading the previous one twice under two fields: 2^levels expanded fields. */
function doublingChain(levels: number): string {
  const fragments = ['fragment F0 on Product { id name }'];
  for (let i = 1; i <= levels; i += 1) fragments.push(`fragment F${i} on Product { related { ...F${i - 1} } a${i}: related { ...F${i - 1} } }`);
  return `{ products { edges { node { ...F${levels} } } } } ${fragments.join(' ')}`;
}

describe('operation analysis', () => {
  it('counts nesting outside strings and comments', () => {
    expect(nesting('{ a { b(x: [1, {y: 2}]) } }')).toBe(5);
    expect(nesting('{ a(s: "{{{{{{", t: """{{{{""") # {{{{\n }')).toBe(2);
  });

  it('refuses documents over the parser caps with PARSING_ERROR, leaves syntax errors to Apollo Server', async () => {
    const caps = { maxLength: 1_000, maxTokens: 100, maxRecursion: 5 };
    expect((await refusal(() => parseLimited(`{ ${'a '.repeat(200)}}`, caps))).codes).toEqual(['PARSING_ERROR']);
    expect((await refusal(() => parseLimited('{ a { b { c { d { e { f } } } } } }', caps))).codes).toEqual(['PARSING_ERROR']);
    expect((await refusal(() => parseLimited(`{ a(s: "${'x'.repeat(1_000)}") }`, caps))).codes).toEqual(['PARSING_ERROR']);
    expect(parseLimited('{ a ', caps)).toBeNull();
  });

  it('selects the named operation, refuses unknown names and ambiguous documents', async () => {
    expect(op('query A { tags } query B { tags }', 'B').operation.name?.value).toBe('B');
    expect(op('{ tags }').operation.operation).toBe('query');
    const unknown = await refusal(() => op('query A { tags }', 'Nope'));
    expect(unknown).toEqual({ status: 400, codes: ['GRAPHQL_UNKNOWN_OPERATION_NAME'] });
    expect((await refusal(() => op('query A { tags } query B { tags }'))).codes).toEqual(['GRAPHQL_UNKNOWN_OPERATION_NAME']);
    expect((await refusal(() => op('fragment F on Query { tags }'))).codes).toEqual(['GRAPHQL_UNKNOWN_OPERATION_NAME']);
  });

  it('measures through fragments, each counted where it is spread', () => {
    const measures = measure(op('{ a: me { ...U } b: me { ...U } } fragment U on User { id x: name friends { id } }'), testSchema);
    expect(measures).toMatchObject({ depth: 3, rootFields: 2, aliases: 4, expandedFields: 10, height: 4, introspection: false });
    expect(measure(op('{ __schema { types { name } } }'), testSchema).introspection).toBe(true);
  });

  it('measures a 60-level fragment doubling chain at once, counts saturating', () => {
    const started = performance.now();
    const measures = measure(op(doublingChain(60)), testSchema);
    const ms = performance.now() - started;
    expect(measures.expandedFields).toBe(SATURATED);
    expect(measures.aliases).toBe(SATURATED);
    expect(measures.depth).toBe(64);
    console.log(`measure: 60-level doubling chain (2^60 expanded fields) in ${ms.toFixed(1)} ms`);
  });

  it('refuses fragment cycles', async () => {
    const cycle = op('{ me { ...A } } fragment A on User { friends { ...B } } fragment B on User { friends { ...A } }');
    const refused = await refusal(() => measure(cycle, testSchema));
    expect(refused.codes).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(() => measure(cycle, testSchema)).toThrow(Rejection);
  });

  it('visits every reachable field node once, however often its fragment is spread', () => {
    const names: string[] = [];
    eachField(op(doublingChain(30)), testSchema, (node) => names.push(node.name.value));
    // products, edges, node; related ×2 per level; F0's id and name.
    expect(names).toHaveLength(3 + 2 * 30 + 2);
  });

  it('finds every path at which a field node occurs', () => {
    const document = op('{ me { ...U } user(id: "1") { ...U } } fragment U on User { friends { secret } }');
    const secret = new Set<import('graphql').FieldNode>();
    eachField(document, testSchema, (node) => node.name.value === 'secret' && secret.add(node));
    const found = occurrences(document, testSchema, secret).map(({ path }) => path.map((step) => step.key).join('.'));
    expect(found.sort()).toEqual(['me.friends.@.secret', 'user.friends.@.secret']);
  });
});
