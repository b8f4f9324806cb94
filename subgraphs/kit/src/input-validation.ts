/**
 * String (and money) input checked at the edge, once for every subgraph: before any resolver runs,
 * every argument is walked along its GraphQL input type, whether it came as a literal or a variable
 * (graphql-js has merged both into `args` by then), and every `String` or `ID` value in it is
 *
 *   - refused when it holds a control character (C0, DEL, C1) — NUL first of all, which PostgreSQL
 *     cannot store — except tab, newline and carriage return in a field declared multi-line;
 *   - refused when it is not well-formed Unicode (a lone surrogate);
 *   - refused when longer than its maximum (characters, counted after normalisation);
 *   - normalised to Unicode NFC, so values compared later (e-mail addresses, SKUs, search text) compare
 *     the same however the client composed them.
 *
 * A refusal is BAD_USER_INPUT with `extensions.field` naming the value's path (`input.body`,
 * `filter.search`, `input.items.0.productId`). Custom scalars that cannot refuse during GraphQL
 * validation without losing that code (money, see money.ts) parse to a `RefusedInput`, refused here.
 */
import type { GraphQLArgument, GraphQLInputObjectType, GraphQLInputType, GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLScalarType, GraphQLSchema } from 'graphql';
import type { IMiddleware, IMiddlewareFunction } from 'graphql-middleware';
import { badUserInput } from './errors.js';

/** A value a scalar's parser refused; the validation below reports it with the field's path. */
export class RefusedInput {
  constructor(readonly reason: string) {}
}

export interface StringRule {
  /** Most characters (Unicode code points) allowed. */
  maxLength: number;
  /** Allows tab, newline and carriage return (e.g. a review body, a product description). */
  multiline?: boolean;
}

/**
 * Rules beyond the default, by schema coordinate: `InputType.field` for an input field,
 * `Type.field(arg:)` for an argument. Unknown coordinates are refused at start-up.
 */
export type StringRules = Readonly<Record<string, StringRule>>;

/** Every string argument without a rule of its own: one line, at most this many characters. */
export const DEFAULT_STRING_RULE: StringRule = { maxLength: 256 };

const CONTROL = /[\u0000-\u001F\u007F-\u009F]/u;
const CONTROL_BUT_LINES = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/u;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const codePoint = (char: string) => `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

/** Checks and normalises one string; throws BAD_USER_INPUT naming `field`. */
export function checkString(field: string, value: string, rule: StringRule = DEFAULT_STRING_RULE): string {
  if (LONE_SURROGATE.test(value)) throw badUserInput(field, `${field}: is not well-formed Unicode`);
  const control = (rule.multiline ? CONTROL_BUT_LINES : CONTROL).exec(value);
  if (control) throw badUserInput(field, `${field}: control character ${codePoint(control[0])} is not allowed`);
  const normalized = value.normalize('NFC');
  let length = 0;
  for (const _ of normalized) if ((length += 1) > rule.maxLength) throw badUserInput(field, `${field}: at most ${rule.maxLength} characters`);
  return normalized;
}

/** graphql-js refuses malformed values of these itself (GRAPHQL_VALIDATION_FAILED / BAD_USER_INPUT). */
const BUILT_IN_SCALARS = new Set(['Int', 'Float', 'Boolean']);

// @apollo/subgraph builds the schema with graphql's CommonJS build and this module imports the ESM
// one: `instanceof` (graphql's isObjectType, ...) fails across the two, so types are told apart by
// the tag every graphql-js type class carries.
const tagOf = (type: unknown) => (type as { [Symbol.toStringTag]?: string } | null)?.[Symbol.toStringTag];
const isNonNullType = (type: unknown): type is GraphQLNonNull<GraphQLInputType> => tagOf(type) === 'GraphQLNonNull';
const isListType = (type: unknown): type is GraphQLList<GraphQLInputType> => tagOf(type) === 'GraphQLList';
const isScalarType = (type: unknown): type is GraphQLScalarType => tagOf(type) === 'GraphQLScalarType';
const isInputObjectType = (type: unknown): type is GraphQLInputObjectType => tagOf(type) === 'GraphQLInputObjectType';
const isObjectType = (type: unknown): type is GraphQLObjectType => tagOf(type) === 'GraphQLObjectType';

type Check = (value: unknown, path: string) => unknown;

/** What the walk needs to know of a schema: its rules, and the checks already built per input type. */
class CheckBuilder {
  private readonly byInputType = new Map<string, Check | null>();
  readonly used = new Set<string>();

  constructor(private readonly rules: StringRules) {}

  /** The check of a value of `type`, or null when nothing in it is a string or a refusable scalar. */
  forType(type: GraphQLInputType, coordinate: string): Check | null {
    if (isNonNullType(type)) return this.forType(type.ofType, coordinate);
    if (isListType(type)) {
      const item = this.forType(type.ofType, coordinate);
      return item && ((value, path) => (Array.isArray(value) ? value.map((v, i) => item(v, `${path}.${i}`)) : item(value, path)));
    }
    if (isScalarType(type)) {
      if (type.name === 'String' || type.name === 'ID') {
        const rule = this.ruleOf(coordinate);
        return (value, path) => (typeof value === 'string' ? checkString(path, value, rule) : value);
      }
      if (BUILT_IN_SCALARS.has(type.name)) return null;
      return (value, path) => {
        if (value instanceof RefusedInput) throw badUserInput(path, `${path}: ${value.reason}`);
        return value;
      };
    }
    if (isInputObjectType(type)) return this.forInputObject(type);
    return null;
  }

  private ruleOf(coordinate: string): StringRule {
    const rule = this.rules[coordinate];
    if (!rule) return DEFAULT_STRING_RULE;
    this.used.add(coordinate);
    return rule;
  }

  private forInputObject(type: GraphQLInputObjectType): Check | null {
    if (this.byInputType.has(type.name)) {
      // Recursive input types: refer to the check through the map, filled in once it is built.
      return (value, path) => this.byInputType.get(type.name)?.(value, path) ?? value;
    }
    this.byInputType.set(type.name, null);
    const fields = Object.values(type.getFields())
      .map((field) => [field.name, this.forType(field.type, `${type.name}.${field.name}`)] as const)
      .filter((entry): entry is readonly [string, Check] => entry[1] !== null);
    const check: Check | null = fields.length === 0 ? null : (value, path) => {
      if (value === null || typeof value !== 'object') return value;
      const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
      for (const [name, field] of fields) if (out[name] != null) out[name] = field(out[name], `${path}.${name}`);
      return out;
    };
    this.byInputType.set(type.name, check);
    return check;
  }

  forArguments(typeName: string, fieldName: string, args: readonly GraphQLArgument[]): Check | null {
    const checks = args
      .map((arg) => [arg.name, this.forType(arg.type, `${typeName}.${fieldName}(${arg.name}:)`)] as const)
      .filter((entry): entry is readonly [string, Check] => entry[1] !== null);
    if (checks.length === 0) return null;
    return (value) => {
      const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
      for (const [name, check] of checks) if (out[name] != null) out[name] = check(out[name], name);
      return out;
    };
  }
}

/** Federation's own entry point takes representations the router builds, not client text. */
const FEDERATION_FIELDS = new Set(['Query._entities', 'Query._service']);

/**
 * A graphql-middleware map wrapping exactly the fields whose arguments hold strings or refusable
 * scalars; apply it inside the permissions so an unauthorised caller learns nothing from validation.
 */
export function inputValidation(schema: GraphQLSchema, rules: StringRules = {}): IMiddleware {
  const builder = new CheckBuilder(rules);
  const middleware: Record<string, Record<string, IMiddlewareFunction>> = {};
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (FEDERATION_FIELDS.has(`${type.name}.${field.name}`)) continue;
      const check = builder.forArguments(type.name, field.name, field.args);
      if (!check) continue;
      (middleware[type.name] ??= {})[field.name] = (resolve, parent, args, context, info) =>
        resolve(parent, check(args, '') as Record<string, unknown>, context, info);
    }
  }
  // Touch every input type so a rule naming an input type no argument reaches is still honoured.
  for (const type of Object.values(schema.getTypeMap())) if (isInputObjectType(type) && !type.name.startsWith('__')) builder.forType(type, type.name);
  const unknown = Object.keys(rules).filter((coordinate) => !builder.used.has(coordinate));
  if (unknown.length > 0) throw new Error(`input rules name no String or ID input of the schema: ${unknown.join(', ')}`);
  return middleware;
}

