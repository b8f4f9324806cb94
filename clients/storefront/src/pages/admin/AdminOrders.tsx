import { useQuery } from '@apollo/client/react';
import { Link } from 'react-router';
import { ADMIN_ORDERS } from '../../documents';
import { DateText, ErrorMessage, orderNumber, Price, StatusBadge } from '../../components/format';
import { usePageTitle } from '../../page';
import { AdminNav } from './AdminNav';

/**
 * Every customer's orders with their status, for admins. The supergraph has no root list of all
 * orders, so this reads customers (admin-only `users`) and each one's latest orders.
 */
export function AdminOrders() {
  usePageTitle('Admin: orders');
  // errorPolicy 'all': a customer's `orders` is null, with an error, when the orders service cannot answer.
  const { data, error, fetchMore, refetch } = useQuery(ADMIN_ORDERS, { variables: { first: 10 }, fetchPolicy: 'cache-and-network', errorPolicy: 'all' });
  const page = data?.users;
  const users = page?.edges ?? [];
  const unavailable = users.some(({ node: user }) => user.orders === null);
  const rows = users.flatMap(({ node: user }) => (user.orders?.edges ?? []).map(({ node: order }) => ({ user, order })));
  rows.sort((a, b) => b.order.createdAt.localeCompare(a.order.createdAt));
  return (
    <section className="panel">
      <h1>Orders</h1>
      <AdminNav />
      {unavailable ? (
        <p className="muted">Orders are unavailable right now. Please try again in a moment.</p>
      ) : (
        <ErrorMessage error={page ? undefined : error} onRetry={() => void refetch().catch(() => undefined)} />
      )}
      {page && !unavailable && rows.length === 0 && <p className="muted">No orders yet.</p>}
      <table>
        <caption className="visually-hidden">Orders of all customers</caption>
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
          {rows.map(({ user, order }) => (
            <tr key={order.id}>
              <th scope="row">
                <Link to={`/orders/${order.id}`}>{orderNumber(order.id)}</Link>
              </th>
              <td>
                <DateText iso={order.createdAt} />
              </td>
              <td>{user.name}</td>
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
      {page?.pageInfo.hasNextPage && (
        <button type="button" className="secondary" onClick={() => void fetchMore({ variables: { after: page.pageInfo.endCursor } }).catch(() => undefined)}>
          More customers
        </button>
      )}
    </section>
  );
}
