import { createRequire } from 'node:module';
import { buildSubgraphSchema } from '@apollo/subgraph';
import fc from 'fast-check';
import { parse, type ExecutionResult } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { describe, expect, it } from 'vitest';
import { CentsScalar } from './money.js';
import { checkString, inputValidation } from './input-validation.js';

// The schema is built the way subgraphs build theirs (@apollo/subgraph, graphql's CommonJS build), so
// it is executed with that build too.
const { graphql } = createRequire(import.meta.url)('graphql') as typeof import('graphql');

const typeDefs = parse(`
  scalar Cents
  input NoteInput { title: String, body: String, tags: [String!], price: Cents, child: NoteInput }
  type Query { echo(text: String, id: ID, note: NoteInput): String, plain(first: Int): Int }
`);
const base = buildSubgraphSchema({
  typeDefs,
  resolvers: {
    Cents: CentsScalar,
    Query: {
      echo: (_: unknown, args: Record<string, unknown>) => JSON.stringify(args, (_key, value: unknown) => (typeof value === 'bigint' ? `${value}n` : value)),
      plain: (_: unknown, args: { first: number }) => args.first,
    },
  } as never,
});
const schema = applyMiddleware(base, inputValidation(base, { 'NoteInput.body': { maxLength: 50, multiline: true } }));

async function echo(variables: Record<string, unknown>): Promise<ExecutionResult<{ echo: string }>> {
  return (await graphql({ schema, source: 'query($text: String, $id: ID, $note: NoteInput) { echo(text: $text, id: $id, note: $note) }', variableValues: variables })) as ExecutionResult<{ echo: string }>;
}
const refusal = (result: ExecutionResult) => result.errors?.[0]?.extensions;
const echoed = (result: ExecutionResult<{ echo: string }>) => JSON.parse(result.data!.echo) as Record<string, unknown>;

/** A C0 (but tab, newline, carriage return), DEL or C1 control character. */
const strictControl = fc.oneof(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0x0b, max: 0x0c }), fc.integer({ min: 0x0e, max: 0x1f }), fc.integer({ min: 0x7f, max: 0x9f })).map((code) => String.fromCharCode(code));
const clean = fc.string({ unit: 'grapheme', maxLength: 60 }).filter((text) => !/[\u0000-\u001F\u007F-\u009F]/u.test(text) && [...text.normalize('NFC')].length <= 256);

describe('string input at the edge', () => {
  it('refuses a control character anywhere, in a variable, naming the field', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 20 }), strictControl, fc.string({ maxLength: 20 }), async (before, control, after) => {
        const text = before + control + after;
        expect(refusal(await echo({ text }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'text' });
        expect(refusal(await echo({ note: { tags: ['ok', text] } }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'note.tags.1' });
        expect(refusal(await echo({ note: { child: { body: text } } }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'note.child.body' });
      }),
      { numRuns: 60 },
    );
  });

  it('refuses NUL in a literal too', async () => {
    const result = await graphql({ schema, source: '{ echo(note: { title: "a\\u0000b" }) }' });
    expect(refusal(result)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'note.title' });
    expect(result.errors?.[0]?.message).toBe('note.title: control character U+0000 is not allowed');
  });

  it('passes clean text through, NFC-normalised', async () => {
    await fc.assert(
      fc.asyncProperty(clean, clean, async (text, id) => {
        const result = await echo({ text, id });
        expect(result.errors).toBeUndefined();
        expect(echoed(result)).toEqual({ text: text.normalize('NFC'), id: id.normalize('NFC') });
      }),
      { numRuns: 100 },
    );
    // "é" as e + combining acute becomes the one precomposed character.
    expect(echoed(await echo({ text: 'Cafe\u0301@example.com' })).text).toBe('Caf\u00e9@example.com');
  });

  it('allows tab and line breaks only where the field is multi-line', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('\t', '\n', '\r\n'), clean, async (line, text) => {
        const body = `${[...text].slice(0, 20).join('')}${line}end`;
        expect(echoed(await echo({ note: { body } })).note).toEqual({ body: body.normalize('NFC') });
        expect(refusal(await echo({ note: { title: body } }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'note.title' });
      }),
      { numRuns: 30 },
    );
  });

  it('refuses text over the maximum length, counted in characters', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 400 }), fc.constantFrom('a', '€', '😀'), async (length, char) => {
        const result = await echo({ text: char.repeat(length) });
        if (length <= 256) expect(result.errors).toBeUndefined();
        else expect(result.errors?.[0]?.message).toBe('text: at most 256 characters');
      }),
      { numRuns: 50 },
    );
    expect(refusal(await echo({ note: { body: 'x'.repeat(51) } }))).toMatchObject({ field: 'note.body' });
  });

  it('refuses a lone surrogate', () => {
    expect(() => checkString('name', 'a\uD800b')).toThrow('name: is not well-formed Unicode');
    expect(checkString('name', 'a😀b')).toBe('a😀b');
  });

  it('leaves fields without string arguments unwrapped', async () => {
    const middleware = inputValidation(base) as Record<string, Record<string, unknown>>;
    expect(Object.keys(middleware.Query ?? {})).toEqual(['echo']);
    expect((await graphql({ schema, source: '{ plain(first: 3) }' })).data).toEqual({ plain: 3 });
  });

  it('refuses rules that name no string input of the schema', () => {
    expect(() => inputValidation(base, { 'NoteInput.bodyy': { maxLength: 1 } })).toThrow('NoteInput.bodyy');
  });
});

describe('Cents input', () => {
  const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });

  it('reads every signed 64-bit value written as decimal digits, exactly', async () => {
    await fc.assert(
      fc.asyncProperty(int64, async (cents) => {
        expect(echoed(await echo({ note: { price: cents.toString() } })).note).toEqual({ price: `${cents}n` });
      }),
      { numRuns: 100 },
    );
  });

  it('refuses numbers, and strings in any other spelling, as BAD_USER_INPUT naming the field', async () => {
    const malformed = fc.oneof(
      fc.double().map((n) => n as unknown),
      fc.integer().map((n) => n as unknown),
      fc.constantFrom('', '-0', '01', '+1', '1e3', ' 1', '1 ', '1.0', '0x10', '9223372036854775808', '-9223372036854775809', 'abc'),
      fc.string().filter((text) => !/^-?(0|[1-9]\d*)$/.test(text)),
    );
    await fc.assert(
      fc.asyncProperty(malformed, async (price) => {
        expect(refusal(await echo({ note: { price } }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'note.price' });
      }),
      { numRuns: 100 },
    );
    const literal = await graphql({ schema, source: '{ echo(note: { price: 100 }) }' });
    expect(refusal(literal)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'note.price' });
  });
});
