import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RefusedInput as RefusedInputOf } from './input-validation.js';
import { MAX_AMOUNT_CENTS, centsForEvent, parseCents, serializeCents, sumOfLines } from './money.js';

describe('money', () => {
  it('writes what it reads: every signed 64-bit value round-trips through the wire format', () => {
    fc.assert(fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (cents) => {
      expect(parseCents(serializeCents(cents))).toBe(cents);
    }));
  });

  it('refuses to write anything that is not an exact integer', () => {
    for (const value of [1.5, Number.MAX_SAFE_INTEGER + 1, Number.NaN, '1e3', null]) expect(() => serializeCents(value)).toThrow(TypeError);
    expect(serializeCents(Number.MAX_SAFE_INTEGER)).toBe('9007199254740991');
  });

  it('sums lines exactly where floats would not', () => {
    const lines = [{ unitPriceCents: MAX_AMOUNT_CENTS, quantity: 100 }, { unitPriceCents: 1n, quantity: 1 }];
    expect(sumOfLines(lines)).toBe(900719925474099101n);
  });

  it('puts an amount in an event only when a JSON number carries it exactly', () => {
    expect(centsForEvent(MAX_AMOUNT_CENTS)).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => centsForEvent(MAX_AMOUNT_CENTS + 1n)).toThrow(RangeError);
  });

  it('reads no value but a string of decimal digits', () => {
    for (const value of [100, 100n, '', '-0', '00', '1_000', '１２'] as unknown[]) expect(parseCents(value)).toBeInstanceOf(RefusedInputOf);
  });
});
