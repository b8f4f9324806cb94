import type { Money, OrderStatus } from '../documents';

export function Price({ money }: { money: Money }) {
  return <span className="price">{new Intl.NumberFormat('en-US', { style: 'currency', currency: money.currency }).format(money.amountCents / 100)}</span>;
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
