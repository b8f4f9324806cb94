import { useMutation, useQuery } from '@apollo/client/react';
import { Link, useParams } from 'react-router';
import { CANCEL_ORDER, ORDER, type OrderStatus } from '../documents';
import { codeOf } from '../errors';
import { lineReason } from '../order-reason';
import { DateText, ErrorMessage, orderNumber, Price, StatusBadge, StatusTimeline } from '../components/format';
import { usePageTitle } from '../page';
import { usePollWhile } from '../status-poll';
import { NotFound } from './NotFound';

const ANNOUNCEMENTS: Record<OrderStatus, string> = {
  PENDING: 'We are checking stock for your order.',
  CONFIRMED: 'Your order is confirmed.',
  REJECTED: 'Your order could not be placed.',
  CANCELLED: 'Your order is cancelled.',
};

/**
 * An order, followed live while the stock saga runs: PENDING until products answers, then CONFIRMED or
 * REJECTED (polled with back-off, paused while the tab is hidden; see status-poll.ts). The change is
 * announced in a polite live region; the timeline shows when each step happened.
 */
export function OrderPage() {
  const { id = '' } = useParams();
  const { data, error, refetch } = useQuery(ORDER, {
    variables: { id },
    fetchPolicy: 'network-only',
    // A line's `product` is null, with an error, when the products service cannot answer; the order still shows.
    errorPolicy: 'all',
  });
  const [cancel, cancelling] = useMutation(CANCEL_ORDER);
  const order = data?.order;
  const pending = order?.status === 'PENDING';
  usePageTitle(order ? `Order ${orderNumber(order.id)}` : error || data ? 'Not found' : null);

  usePollWhile(pending, refetch);

  if (!order) {
    if ((data && !error) || ['NOT_FOUND', 'BAD_USER_INPUT', 'FORBIDDEN'].includes(codeOf(error))) return <NotFound what="order" />;
    return error ? <ErrorMessage error={error} onRetry={() => void refetch().catch(() => undefined)} /> : <p className="muted">Loading…</p>;
  }
  const parsed = order.status === 'REJECTED' ? lineReason(order.statusReason) : null;
  // A line's product is null when the products service could not answer: its snapshot name still shows,
  // and a reason about it (which names its SKU or id) is shown for the whole order instead.
  const reason = parsed && order.items.some(({ product }) => product && (parsed.key === product.sku || parsed.key === product.id)) ? parsed : null;
  const productsUnavailable = order.items.some(({ product }) => product === null);
  return (
    <article className="order panel">
      <h1>Order {orderNumber(order.id)}</h1>
      <p className="muted">
        Placed <DateText iso={order.createdAt} />
      </p>
      <div role="status" aria-live="polite" aria-atomic="true" className="order-status">
        <p>
          Status: <StatusBadge status={order.status} />
        </p>
        <p>{ANNOUNCEMENTS[order.status]}</p>
      </div>
      <h2 className="small-heading">Timeline</h2>
      <StatusTimeline history={order.statusHistory} status={order.status} />
      {order.statusReason && !reason && <p className="field-error">{order.statusReason}</p>}
      {productsUnavailable && <p className="muted">Product details are unavailable right now; the names are as they were when you ordered.</p>}
      <table>
        <caption className="visually-hidden">Order lines</caption>
        <thead>
          <tr>
            <th scope="col">Product</th>
            <th scope="col">Quantity</th>
            <th scope="col">Unit price</th>
          </tr>
        </thead>
        <tbody>
          {order.items.map((item, index) => {
            const mine = reason && item.product && (reason.key === item.product.sku || reason.key === item.product.id);
            return (
              <tr key={item.product?.id ?? `line-${index}`} data-testid="order-line">
                <th scope="row">
                  {item.product ? <Link to={`/products/${item.product.id}`}>{item.productName}</Link> : item.productName}
                  {mine && <p className="field-error" data-testid="line-reason">{reason.message}</p>}
                </th>
                <td>{item.quantity}</td>
                <td>
                  <Price money={item.unitPrice} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="big" data-testid="order-total">
        Total <Price money={order.total} />
      </p>
      {(order.status === 'PENDING' || order.status === 'CONFIRMED') && (
        <button type="button" className="secondary danger" disabled={cancelling.loading} onClick={() => void cancel({ variables: { id: order.id } }).catch(() => undefined)}>
          Cancel order
        </button>
      )}
      <ErrorMessage error={cancelling.error} />
    </article>
  );
}
