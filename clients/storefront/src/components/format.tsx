import type { OrderStatus, ProductImage, StatusChange } from '../documents';
import { describeError } from '../errors';
import { formatMoney, type Money } from '../money';

/** An amount shown exactly from its `Cents` string (see money.ts), e.g. "$1,234.56". */
export function Price({ money }: { money: Money }) {
  return <span className="price">{formatMoney(money.amountCents, money.currency)}</span>;
}

/** Stars with their meaning in text (screen readers read the label; the glyphs are hidden from them). */
export function Stars({ rating, count }: { rating: number | null; count?: number }) {
  if (rating === null) return <span className="rating muted">No reviews yet</span>;
  const full = Math.round(rating);
  return (
    <span className="rating">
      <span aria-hidden="true">
        {'★'.repeat(full)}
        {'☆'.repeat(5 - full)}
      </span>{' '}
      <span className="visually-hidden">Rated </span>
      <span data-testid={count !== undefined ? 'average-rating' : undefined}>{rating.toFixed(1)}</span>
      <span className="visually-hidden"> out of 5</span>
      {count !== undefined && <span className="muted"> ({count === 1 ? '1 review' : `${count} reviews`})</span>}
    </span>
  );
}

const STATUS_TEXT: Record<OrderStatus, string> = { PENDING: 'Pending', CONFIRMED: 'Confirmed', REJECTED: 'Rejected', CANCELLED: 'Cancelled' };

export function StatusBadge({ status }: { status: OrderStatus }) {
  return (
    <span className={`status status-${status.toLowerCase()}`} data-testid="order-status" data-status={status}>
      {STATUS_TEXT[status]}
    </span>
  );
}

const dateFormat = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short' });
const dayFormat = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium' });
const timeFormat = new Intl.DateTimeFormat('en-US', { timeStyle: 'medium' });

/** A date and time; `precise` adds seconds (the steps of one order are often seconds apart). */
export function DateText({ iso, precise = false }: { iso: string; precise?: boolean }) {
  const date = new Date(iso);
  if (!precise) return <time dateTime={iso}>{dateFormat.format(date)}</time>;
  return (
    <time dateTime={iso}>
      {dayFormat.format(date)}, {timeFormat.format(date)}
    </time>
  );
}

const STEP_TEXT: Record<OrderStatus, string> = { PENDING: 'Placed', CONFIRMED: 'Confirmed', REJECTED: 'Rejected', CANCELLED: 'Cancelled' };

/**
 * An order's status timeline from `Order.statusHistory`: each step with its time, oldest first; while
 * the order is PENDING a last step says the stock check is still running.
 */
export function StatusTimeline({ history, status, compact = false }: { history: StatusChange[]; status: OrderStatus; compact?: boolean }) {
  return (
    <ol className={compact ? 'timeline compact' : 'timeline'} aria-label="Order timeline" data-testid="order-timeline">
      {history.map((change) => (
        <li key={change.status} className={`step step-${change.status === 'REJECTED' || change.status === 'CANCELLED' ? 'failed' : 'done'}`} data-status={change.status}>
          <span className="step-label">{STEP_TEXT[change.status]}</span> <DateText iso={change.at} precise={!compact} />
        </li>
      ))}
      {status === 'PENDING' && (
        <li className="step step-todo">
          <span className="step-label">Stock check</span> <span className="muted">(in progress)</span>
        </li>
      )}
    </ol>
  );
}

/** The short order number shoppers quote: the first 8 characters of the id, upper case. */
export const orderNumber = (id: string) => id.slice(0, 8).toUpperCase();

/** Any error of a request, as a sentence for the shopper, with "Try again" when trying again may help. */
export function ErrorMessage({ error, onRetry, messages }: { error?: unknown; onRetry?: () => void; messages?: Partial<Record<string, string>> }) {
  if (!error) return null;
  const described = describeError(error, messages);
  return (
    <div role="alert" className="error" data-code={described.code}>
      <p>{described.message}</p>
      {onRetry && described.retryable && (
        <button type="button" className="secondary" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

/** The message beside a field; the input points at it with aria-describedby={`${id}-error`}. */
export function FieldError({ id, message }: { id: string; message?: string }) {
  return message ? (
    <span id={`${id}-error`} className="field-error">
      {message}
    </span>
  ) : null;
}

/** A product image, lazy-loaded and sized by its container (responsive through CSS). */
export function ProductPicture({ image, name, eager = false }: { image?: ProductImage; name: string; eager?: boolean }) {
  if (!image) {
    return (
      <div className="picture placeholder" role="img" aria-label={`No picture of ${name}`}>
        <span aria-hidden="true">{name.charAt(0)}</span>
      </div>
    );
  }
  return <img className="picture" src={image.url} alt={image.alt} loading={eager ? 'eager' : 'lazy'} decoding="async" width={400} height={400} />;
}
