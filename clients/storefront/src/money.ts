/**
 * Money as the API gives it: `amountCents` is the `Cents` scalar, whose one wire format (in results and
 * in input) is a JSON string of decimal digits (`"1999"`, `"-250"`). Every amount the storefront shows,
 * adds up or sends goes through here, as a bigint or that string, so no amount is ever rounded through
 * a float.
 */
export interface Money {
  /** Exact cents as a string of decimal digits (the API's `Cents` scalar). */
  amountCents: string;
  currency: string;
}

/** The amount in cents as a bigint; throws a RangeError on anything that is not a whole number of cents. */
export function centsOf(amount: string): bigint {
  if (!/^-?\d+$/.test(amount)) throw new RangeError(`not a whole number of cents: ${amount}`);
  return BigInt(amount);
}

/** "$1,234.56" for "123456" USD cents (en-US, two decimals), exact for any size of amount. */
export function formatMoney(amount: string, currency: string): string {
  const cents = centsOf(amount);
  const negative = cents < 0n;
  const abs = negative ? -cents : cents;
  const units = abs / 100n;
  const fraction = (abs % 100n).toString().padStart(2, '0');
  // Intl formats bigints exactly; format the whole units, then put the cents back in the currency's pattern.
  const parts = new Intl.NumberFormat('en-US', { style: 'currency', currency, minimumFractionDigits: 2, maximumFractionDigits: 2 }).formatToParts(units);
  const text = parts.map((part) => (part.type === 'fraction' ? fraction : part.value)).join('');
  return negative ? `-${text}` : text;
}

/** unit × quantity, summed: the total of cart lines in the same currency, as a Money. */
export function totalOf(lines: { price: Money; quantity: number }[], currency = 'USD'): Money {
  const sum = lines.reduce((total, line) => total + centsOf(line.price.amountCents) * BigInt(line.quantity), 0n);
  return { amountCents: sum.toString(), currency: lines[0]?.price.currency ?? currency };
}

/**
 * "12.5" or "12.50" (units of the currency) → "1250", the `Cents` wire string (no leading zeros, as the
 * scalar requires), exactly; null when it is not an amount.
 */
export function parseAmount(text: string): string | null {
  const match = text.trim().match(/^(\d{1,15})(?:\.(\d{1,2}))?$/);
  if (!match) return null;
  return (BigInt(match[1] as string) * 100n + BigInt((match[2] ?? '0').padEnd(2, '0'))).toString();
}

/** "1250" cents → "12.50", for an amount input's initial value. */
export function amountText(amount: string): string {
  const cents = centsOf(amount);
  const abs = cents < 0n ? -cents : cents;
  return `${cents < 0n ? '-' : ''}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}
