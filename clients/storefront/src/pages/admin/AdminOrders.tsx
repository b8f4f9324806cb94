import { useQuery } from '@apollo/client/react';
import { Link, useSearchParams } from 'react-router';
import { ADMIN_ORDERS, type OrderStatus } from '../../documents';
import { DateText, ErrorMessage, orderNumber, Price, StatusBadge } from '../../components/format';
import { useLoadMore } from '../../load-more';
import { usePageTitle } from '../../page';
import { AdminNav } from './AdminNav';

const FILTERS: [OrderStatus | '', string][] = [
  ['', 'All statuses'],
  ['PENDING', 'Pending'],
  ['CONFIRMED', 'Confirmed'],
  ['REJECTED', 'Rejected'],
  ['CANCELLED', 'Cancelled'],
];
const PAGE = 20;

/**
 * Every order of every customer, newest first, for admins (`Query.orders`, which the router refuses to
 * anyone without the admin scope): a status filter kept in the URL (?status=REJECTED) and "More orders".
 */
export function AdminOrders() {
  const [params, setParams] = useSearchParams();
  const requested = params.get('status') ?? '';
  const status = FILTERS.some(([value]) => value !== '' && value === requested) ? (requested as OrderStatus) : null;
  usePageTitle(status ? `Admin: ${status.toLowerCase()} orders` : 'Admin: orders');
  // errorPolicy 'all': an order's `buyer` is null, with an error, when the users service cannot answer.
  const { data, error, loading, fetchMore, refetch } = useQuery(ADMIN_ORDERS, { variables: { first: PAGE, status }, fetchPolicy: 'cache-and-network', errorPolicy: 'all' });
  const { loadingMore, loadMore } = useLoadMore((after) => fetchMore({ variables: { after } }));
  const page = data?.orders;
  const orders = page?.edges ?? [];
  const buyersUnavailable = orders.some(({ node }) => node.buyer === null);
  return (
    <section className="panel">
      <h1>Orders</h1>
      <AdminNav />
      <div className="toolbar">
        <label>
          Status
          <select
            aria-label="Show orders with status"
            value={status ?? ''}
            onChange={(event) => setParams(event.target.value ? { status: event.target.value } : {})}
          >
            {FILTERS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorMessage error={page ? undefined : error} onRetry={() => void refetch().catch(() => undefined)} />
      {buyersUnavailable && <p className="muted">Customer names are unavailable right now.</p>}
      {loading && !page && <p className="muted">Loading…</p>}
      {page && orders.length === 0 && <p className="muted">{status ? 'No orders with this status.' : 'No orders yet.'}</p>}
      <div className="table-scroll" role="region" aria-label="Orders" tabIndex={0}>
        <table className="admin-orders">
          <caption className="visually-hidden">Orders of all customers, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Order</th>
              <th scope="col">Placed</th>
              <th scope="col">Customer</th>
              <th scope="col">Lines</th>
              <th scope="col">Total</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {orders.map(({ node: order }) => (
              <tr key={order.id} data-testid="admin-order">
                <th scope="row">
                  <Link to={`/orders/${order.id}`}>{orderNumber(order.id)}</Link>
                </th>
                <td>
                  <DateText iso={order.createdAt} />
                </td>
                <td>{order.buyer ? order.buyer.name : <span className="muted">Unavailable</span>}</td>
                <td>{order.items.map((item) => `${item.quantity} × ${item.productName}`).join(', ')}</td>
                <td>
                  <Price money={order.total} />
                </td>
                <td>
                  <StatusBadge status={order.status} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {page?.pageInfo.hasNextPage && (
        <button type="button" className="secondary" onClick={() => void loadMore(page.pageInfo.endCursor)} disabled={loadingMore} aria-busy={loadingMore}>
          {loadingMore ? 'Loading…' : 'More orders'}
        </button>
      )}
    </section>
  );
}
