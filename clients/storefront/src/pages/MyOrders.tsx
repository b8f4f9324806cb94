import { useQuery } from '@apollo/client/react';
import { Link } from 'react-router';
import { MY_ORDERS } from '../documents';
import { DateText, ErrorMessage, orderNumber, Price, StatusBadge, StatusTimeline } from '../components/format';
import { useLoadMore } from '../load-more';
import { usePageTitle } from '../page';

/** The shopper's orders, newest first: number, date, lines, total, status and its timeline; more on request. */
export function MyOrders() {
  usePageTitle('My orders');
  // errorPolicy 'all': `orders` is null, with an error, when the orders service cannot answer; the page says so.
  const { data, error, loading, fetchMore, refetch } = useQuery(MY_ORDERS, { variables: { first: 10 }, fetchPolicy: 'cache-and-network', errorPolicy: 'all' });
  const { loadingMore, loadMore } = useLoadMore((after) => fetchMore({ variables: { after } }));
  const page = data?.me?.orders;
  const orders = page?.edges ?? [];
  const unavailable = Boolean(data?.me) && !page;
  return (
    <section>
      <h1>My orders</h1>
      {unavailable ? (
        <p className="muted">Your orders are unavailable right now. Please try again in a moment.</p>
      ) : (
        <ErrorMessage error={data?.me ? undefined : error} onRetry={() => void refetch().catch(() => undefined)} />
      )}
      {loading && !data && <p className="muted">Loading…</p>}
      {page && orders.length === 0 && <p className="muted">No orders yet.</p>}
      <ul className="orders" aria-label="Orders">
        {orders.map(({ node }) => (
          <li key={node.id} className="panel order-row">
            <p>
              <Link to={`/orders/${node.id}`}>Order {orderNumber(node.id)}</Link> <span className="muted">· <DateText iso={node.createdAt} /></span>{' '}
              <StatusBadge status={node.status} />
            </p>
            <p>{node.items.map((item) => `${item.quantity} × ${item.productName}`).join(', ')}</p>
            <p>
              Total <Price money={node.total} />
            </p>
            <StatusTimeline history={node.statusHistory} status={node.status} compact />
          </li>
        ))}
      </ul>
      {page?.pageInfo.hasNextPage && (
        <button type="button" className="secondary" onClick={() => void loadMore(page.pageInfo.endCursor)} disabled={loadingMore} aria-busy={loadingMore}>
          {loadingMore ? 'Loading…' : 'More orders'}
        </button>
      )}
    </section>
  );
}
