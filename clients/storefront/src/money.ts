/**
 * Money as the API gives it: `amountCents` in the currency's smallest unit, either a JSON number or a
 * decimal string (64-bit amounts travel as strings). Every amount the storefront shows or adds up goes
 * through here, as a bigint, so no amount is ever rounded through a float.
 */
export interface Money {
  amountCents: number | string;
  currency: string;
}

/** The amount in cents as a bigint; throws on anything that is not a whole number. */
export function centsOf(amount: number | string): bigint {
  if (typeof amount === 'number') {
    if (!Number.isSafeInteger(amount)) throw new RangeError(`not a whole number of cents: ${amount}`);
    return BigInt(amount);
  }
  if (!/^-?\d+$/.test(amount.trim())) throw new RangeError(`not a whole number of cents: ${amount}`);
  return BigInt(amount.trim());
}

/** "$1,234.56" for 123456 USD cents (en-US, two decimals), exact for any size of amount. */
export function formatMoney(amount: number | string, currency: string): string {
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

/** "12.5" or "12.50" (units of the currency) → "1250" cents, exactly; null when it is not an amount. */
export function parseAmount(text: string): string | null {
  const match = text.trim().match(/^(\d{1,15})(?:\.(\d{1,2}))?$/);
  if (!match) return null;
  return (BigInt(match[1] as string) * 100n + BigInt((match[2] ?? '0').padEnd(2, '0'))).toString();
}

/** 1250 cents → "12.50", for an amount input's initial value. */
export function amountText(amount: number | string): string {
  const cents = centsOf(amount);
  return `${cents / 100n}.${(cents % 100n).toString().padStart(2, '0')}`;
}

/**
 * Cents for an input: a JSON number while it is a safe integer (what an `Int` field accepts), else the
 * decimal string (what a 64-bit money scalar accepts), so the same form works with either schema.
 */
export function wireCents(cents: string): number | string {
  const value = BigInt(cents);
  return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : cents;
}
