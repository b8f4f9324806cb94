/**
 * The error vocabulary clients can rely on. User errors carry a GraphQL error code (and, for bad input,
 * the offending field); anything else is internal: logged with its request context, masked to clients.
 */
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { z } from 'zod';

export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;

/** Codes produced on purpose (ours, Apollo Server's request errors, the router's); everything else is masked. */
const PUBLIC_CODES = new Set<string>([
  ErrorCode.BAD_USER_INPUT,
  ErrorCode.UNAUTHENTICATED,
  ErrorCode.FORBIDDEN,
  ErrorCode.NOT_FOUND,
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

export const MASKED_MESSAGE = 'Internal server error';

export function badUserInput(field: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT, field } });
}

export function notFound(type: string, id: string): GraphQLError {
  return new GraphQLError(`${type} ${id} not found`, {
    extensions: { code: ErrorCode.NOT_FOUND, type, id },
  });
}

export function unauthenticated(message = 'Authentication required'): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.UNAUTHENTICATED } });
}

export function forbidden(message = 'Not allowed'): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.FORBIDDEN } });
}

/** The first zod issue as BAD_USER_INPUT, its path as the field (`input.rating`). */
export function fromZodError(error: z.ZodError, prefix?: string): GraphQLError {
  const issue = error.issues[0];
  const path = [prefix, ...(issue?.path ?? []).map(String)].filter(Boolean).join('.');
  return badUserInput(path || (prefix ?? 'input'), `${path || 'input'}: ${issue?.message ?? 'invalid'}`);
}

/** Parses `value` with `schema` or throws BAD_USER_INPUT naming the field. */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown, prefix?: string): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw fromZodError(result.error, prefix);
  return result.data;
}

/** Codes a client may see, beyond the ones above; the router adds its own (limits, auth, safelisting). */
export function publicCodes(extra: Iterable<string> = []): ReadonlySet<string> {
  return new Set([...PUBLIC_CODES, ...extra]);
}

/**
 * Whether a client may see this error as it is. graphql-js copies a thrown GraphQLError's extensions
 * onto the located error it wraps it in, and the gateway does the same for subgraph errors, so the
 * code is read from the outer error; a plain Error thrown by a resolver has none and is masked. The
 * code is read by shape, not `instanceof`: the ESM and CJS builds of graphql have distinct classes.
 */
export function isPublicError(error: unknown, codes: ReadonlySet<string> = PUBLIC_CODES): boolean {
  const code = (error as { extensions?: { code?: unknown } } | null)?.extensions?.code;
  return typeof code === 'string' && codes.has(code);
}

/** Builds Apollo Server's `formatError`: public errors pass; the rest become a bare INTERNAL_SERVER_ERROR. */
export function errorMasker(codes: ReadonlySet<string> = PUBLIC_CODES) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    if (isPublicError(error, codes)) return formatted;
    return {
      message: MASKED_MESSAGE,
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    };
  };
}

const UUID = /^[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}$/i;

/** Ids are UUIDs; anything else is refused as bad input before it reaches the database. */
export function requireId(field: string, value: string): string {
  if (!UUID.test(value)) throw badUserInput(field, `${field}: not a valid id`);
  return value.toLowerCase();
}

export function isUuid(value: string): boolean {
  return UUID.test(value);
}
