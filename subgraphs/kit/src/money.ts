/**
 * Money on the wire and in the code. Amounts are integers of a currency's smallest unit (cents):
 * `bigint` in the code and in PostgreSQL (`BIGINT`, Prisma `BigInt`), and in GraphQL the `Cents`
 * scalar, whose one wire format is a JSON string of decimal digits (`"1999"`, `"-250"`): exact for
 * every signed 64-bit value, where a JSON number loses precision above 2^53 in JavaScript clients.
 *
 * One amount a client gives or an order sums to (a price, an order total) is at most `MAX_AMOUNT_CENTS`
 * (2^53 - 1), so event payloads can carry it as an exact JSON number; sums of many amounts (a user's
 * lifetime spend) use the full 64-bit range.
 */
import { GraphQLScalarType, Kind } from 'graphql';
import { RefusedInput } from './input-validation.js';

/** The largest single amount: a price, an order total (2^53 - 1 cents). */
export const MAX_AMOUNT_CENTS = BigInt(Number.MAX_SAFE_INTEGER);
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** The one accepted spelling: optional minus, no leading zeros, no plus, no exponent, no spaces. */
const DECIMAL = /^-?(?:0|[1-9]\d{0,18})$/;

const WIRE_FORMAT = 'a string of decimal digits, e.g. "1999"';

/** Reads a `Cents` input value; anything but the documented wire format is a `RefusedInput`. */
export function parseCents(value: unknown): bigint | RefusedInput {
  if (typeof value !== 'string') return new RefusedInput(`must be ${WIRE_FORMAT}, not a ${value === null ? 'null' : typeof value}`);
  if (!DECIMAL.test(value) || value === '-0') return new RefusedInput(`must be ${WIRE_FORMAT}`);
  const cents = BigInt(value);
  if (cents < INT64_MIN || cents > INT64_MAX) return new RefusedInput('is outside the signed 64-bit range');
  return cents;
}

/** Writes an amount in the wire format; refuses anything that is not an exact integer. */
export function serializeCents(value: unknown): string {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value === 'string' && DECIMAL.test(value)) return value;
  throw new TypeError(`Cents cannot represent ${String(value)}: not an exact integer`);
}

/**
 * The `Cents` scalar. A malformed input does not fail GraphQL validation here: it becomes a
 * `RefusedInput`, which the input validation at the edge turns into BAD_USER_INPUT naming the field,
 * the same for a literal and a variable.
 */
export const CentsScalar = new GraphQLScalarType<bigint | RefusedInput, string>({
  name: 'Cents',
  description: `An exact amount in a currency's smallest unit, a signed 64-bit integer written as ${WIRE_FORMAT}.`,
  serialize: serializeCents,
  parseValue: parseCents,
  parseLiteral: (ast) => (ast.kind === Kind.STRING ? parseCents(ast.value) : new RefusedInput(`must be ${WIRE_FORMAT}, not a ${ast.kind.toLowerCase()} literal`)),
});

/** A price line's extension: `unitCents × quantity`, exact. */
export function sumOfLines(lines: readonly { unitPriceCents: bigint; quantity: number }[]): bigint {
  return lines.reduce((sum, line) => sum + line.unitPriceCents * BigInt(line.quantity), 0n);
}

/** An amount bounded by `MAX_AMOUNT_CENTS` as an exact JSON number, for event payloads. */
export function centsForEvent(cents: bigint): number {
  if (cents > MAX_AMOUNT_CENTS || cents < -MAX_AMOUNT_CENTS) throw new RangeError(`${cents} cents does not fit an event's exact number`);
  return Number(cents);
}
