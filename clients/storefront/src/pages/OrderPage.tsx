import { useMutation, useQuery } from '@apollo/client/react';
import { useEffect } from 'react';
import { Link, useParams } from 'react-router';
import { CANCEL_ORDER, ORDER } from '../documents';
import { ErrorMessage, Price, StatusBadge } from '../components/format';

/** An order, followed while the stock saga runs: PENDING until products answers, then CONFIRMED or REJECTED. */
export function OrderPage() {
  const { id = '' } = useParams();
  const { data, error, startPolling, stopPolling } = useQuery(ORDER, { variables: { id }, fetchPolicy: 'network-only' });
  const [cancel, cancelling] = useMutation(CANCEL_ORDER);
  const order = data?.order;
  const pending = order?.status === 'PENDING';

  useEffect(() => {
    if (pending) startPolling(300);
    else stopPolling();
    return () => stopPolling();
  }, [pending, startPolling, stopPolling]);

  if (!order) return error ? <ErrorMessage error={error} /> : <p className="muted">Loading…</p>;
  return (
    <article className="order">
      <h1>Order</h1>
      <p>
        Status: <StatusBadge status={order.status} />
      </p>
      {order.statusReason && <p className="muted">{order.statusReason}</p>}
      <table>
        <thead>
          <tr>
            <th>Product</th>
            <th>Quantity</th>
            <th>Unit price</th>
          </tr>
        </thead>
        <tbody>
          {order.items.map((item) => (
            <tr key={item.productName}>
              <td>
                {item.product ? <Link to={`/products/${item.product.id}`}>{item.productName}</Link> : item.productName}
              </td>
              <td>{item.quantity}</td>
              <td>
                <Price money={item.unitPrice} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="big">
        Total <Price money={order.total} />
      </p>
      {(order.status === 'PENDING' || order.status === 'CONFIRMED') && (
        <button type="button" disabled={cancelling.loading} onClick={() => void cancel({ variables: { id: order.id } })}>
          Cancel order
        </button>
      )}
      <ErrorMessage error={cancelling.error} />
    </article>
  );
}
