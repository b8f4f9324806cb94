import { useQuery } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { PRODUCTS, type ProductOrder } from '../documents';
import { ErrorMessage, Price, ProductPicture, Stars } from '../components/format';
import { useLoadMore } from '../load-more';
import { usePageTitle } from '../page';

const ORDERINGS: [ProductOrder, string][] = [
  ['NEWEST', 'Newest'],
  ['PRICE_ASC', 'Price: low to high'],
  ['PRICE_DESC', 'Price: high to low'],
  ['TOP_RATED', 'Top rated'],
];

export function StockText({ stock }: { stock: number }) {
  return <span className={stock > 0 ? 'stock' : 'stock out'}>{stock > 0 ? `${stock} in stock` : 'Sold out'}</span>;
}

/** The catalog: search, filters and ordering live in the URL, so a view can be shared or reloaded. */
export function ProductList() {
  const [params, setParams] = useSearchParams();
  const search = params.get('q') ?? '';
  const minRating = Number(params.get('minRating') ?? 0);
  const inStock = params.get('inStock') === '1';
  const orderBy = (params.get('orderBy') as ProductOrder | null) ?? 'NEWEST';
  const [draft, setDraft] = useState(search);
  usePageTitle(search ? `Search: ${search}` : 'Products');

  const filter = { ...(search ? { search } : {}), ...(minRating ? { minRating } : {}), ...(inStock ? { inStock: true } : {}) };
  const { data, loading, error, fetchMore, refetch } = useQuery(PRODUCTS, { variables: { first: 12, filter, orderBy } });
  const { loadingMore, loadMore } = useLoadMore((after) => fetchMore({ variables: { after } }));

  const update = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value === null || value === '') next.delete(key);
      else next.set(key, value);
    }
    setParams(next);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    update({ q: draft.trim() || null });
  };
  const page = data?.products;
  return (
    <section>
      <h1>{search ? `Products matching “${search}”` : 'Products'}</h1>
      <form className="toolbar" onSubmit={submit} role="search">
        <label className="search">
          <span className="visually-hidden">Search products</span>
          <input type="search" placeholder="Search products" value={draft} onChange={(e) => setDraft(e.target.value)} />
        </label>
        <button type="submit">Search</button>
        <label>
          Rating
          <select aria-label="Minimum rating" value={minRating} onChange={(e) => update({ minRating: e.target.value === '0' ? null : e.target.value })}>
            <option value="0">Any</option>
            <option value="4">4 stars and up</option>
            <option value="3">3 stars and up</option>
          </select>
        </label>
        <label className="check">
          <input type="checkbox" checked={inStock} onChange={(e) => update({ inStock: e.target.checked ? '1' : null })} />
          In stock only
        </label>
        <label>
          Sort
          <select aria-label="Sort by" value={orderBy} onChange={(e) => update({ orderBy: e.target.value })}>
            {ORDERINGS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
      </form>
      <ErrorMessage error={error} onRetry={() => void refetch().catch(() => undefined)} />
      {loading && !page && <p className="muted">Loading…</p>}
      {page && page.edges.length === 0 && <p className="muted">No products match.</p>}
      <ul className="grid" aria-label="Products">
        {page?.edges.map(({ node }) => (
          <li key={node.id} className="card">
            <ProductPicture image={node.images[0]} name={node.name} />
            <Link to={`/products/${node.id}`} className="card-title">
              {node.name}
            </Link>
            <Price money={node.price} />
            <Stars rating={node.averageRating} count={node.reviewCount} />
            <StockText stock={node.stock} />
          </li>
        ))}
      </ul>
      {page?.pageInfo.hasNextPage && (
        <button type="button" onClick={() => void loadMore(page.pageInfo.endCursor)} disabled={loadingMore} aria-busy={loadingMore}>
          {loadingMore ? 'Loading…' : 'Load more'}
        </button>
      )}
    </section>
  );
}
