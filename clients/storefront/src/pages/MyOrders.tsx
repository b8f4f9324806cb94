import { useQuery } from '@apollo/client/react';
import { Link } from 'react-router';
import { MY_ORDERS } from '../documents';
import { ErrorMessage, Price, StatusBadge } from '../components/format';

export function MyOrders() {
  const { data, error, loading } = useQuery(MY_ORDERS, { variables: { first: 20 }, fetchPolicy: 'network-only' });
  const orders = data?.me?.orders.edges ?? [];
  return (
    <section>
      <h1>My orders</h1>
      <ErrorMessage error={error} />
      {loading && !data && <p className="muted">Loading…</p>}
      {data && orders.length === 0 && <p className="muted">No orders yet.</p>}
      <ul className="orders" aria-label="Orders">
        {orders.map(({ node }) => (
          <li key={node.id}>
            <Link to={`/orders/${node.id}`}>{node.items.map((item) => `${item.quantity} × ${item.productName}`).join(', ')}</Link>{' '}
            <Price money={node.total} /> <StatusBadge status={node.status} />
          </li>
        ))}
      </ul>
    </section>
  );
}
