import type { Money, OrderStatus } from '../documents';

/** Cents (a string of decimal digits) as a decimal string of units, exact at any size: "-1999" → "-19.99". */
export function centsToUnits(cents: string): string {
  const negative = cents.startsWith('-');
  const digits = (negative ? cents.slice(1) : cents).padStart(3, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

export function Price({ money }: { money: Money }) {
  // Intl formats a decimal string exactly (no float on the way), however large the amount.
  const units = centsToUnits(money.amountCents) as unknown as number;
  return <span className="price">{new Intl.NumberFormat('en-US', { style: 'currency', currency: money.currency }).format(units)}</span>;
}

export function Stars({ rating, count }: { rating: number | null; count: number }) {
  if (rating === null) return <span className="rating muted">No reviews yet</span>;
  const full = Math.round(rating);
  return (
    <span className="rating" aria-label={`Rated ${rating.toFixed(1)} out of 5`}>
      {'★'.repeat(full)}
      {'☆'.repeat(5 - full)} <span data-testid="average-rating">{rating.toFixed(1)}</span> <span className="muted">({count})</span>
    </span>
  );
}

export function StatusBadge({ status }: { status: OrderStatus }) {
  return (
    <span className={`status status-${status.toLowerCase()}`} data-testid="order-status">
      {status}
    </span>
  );
}

/** The first error of a GraphQL result, as the API words it. */
export function ErrorMessage({ error }: { error?: { message: string } | null }) {
  return error ? (
    <p role="alert" className="error">
      {error.message}
    </p>
  ) : null;
}
