import { useQuery } from '@apollo/client/react';
import { Link } from 'react-router';
import { PRODUCTS } from '../../documents';
import { ErrorMessage, Price } from '../../components/format';
import { useLoadMore } from '../../load-more';
import { usePageTitle } from '../../page';
import { AdminNav } from './AdminNav';

/** The catalog for admins: every product on sale, with links to edit each and to add one. */
export function AdminProducts() {
  usePageTitle('Admin: products');
  const { data, error, fetchMore, refetch } = useQuery(PRODUCTS, { variables: { first: 50, orderBy: 'NEWEST' }, fetchPolicy: 'cache-and-network' });
  const { loadingMore, loadMore } = useLoadMore((after) => fetchMore({ variables: { after } }));
  const page = data?.products;
  return (
    <section className="panel">
      <h1>Products</h1>
      <AdminNav />
      <p>
        <Link className="button" to="/admin/products/new">
          New product
        </Link>
      </p>
      <ErrorMessage error={error} onRetry={() => void refetch().catch(() => undefined)} />
      <table>
        <caption className="visually-hidden">Products on sale</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">SKU</th>
            <th scope="col">Price</th>
            <th scope="col">Stock</th>
          </tr>
        </thead>
        <tbody>
          {page?.edges.map(({ node }) => (
            <tr key={node.id}>
              <th scope="row">
                <Link to={`/admin/products/${node.id}`}>{node.name}</Link>
              </th>
              <td>{node.sku}</td>
              <td>
                <Price money={node.price} />
              </td>
              <td>{node.stock}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {page?.pageInfo.hasNextPage && (
        <button type="button" className="secondary" disabled={loadingMore} aria-busy={loadingMore} onClick={() => void loadMore(page.pageInfo.endCursor)}>
          {loadingMore ? 'Loading…' : 'Load more'}
        </button>
      )}
    </section>
  );
}
