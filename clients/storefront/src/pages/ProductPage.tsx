import { useQuery } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import { MAX_LINE_QUANTITY, useCart } from '../cart';
import { PRODUCT } from '../documents';
import { codeOf } from '../errors';
import { ErrorMessage, Price, ProductPicture, Stars } from '../components/format';
import { usePageTitle } from '../page';
import { useSession } from '../session';
import { NotFound } from './NotFound';
import { StockText } from './ProductList';
import { Reviews } from './Reviews';

export function ProductPage() {
  const { id = '' } = useParams();
  const { session } = useSession();
  const location = useLocation();
  const cart = useCart();
  // Stock changes as others order: read it fresh on every visit.
  const { data, loading, error, refetch } = useQuery(PRODUCT, { variables: { id }, fetchPolicy: 'cache-and-network' });
  const [quantity, setQuantity] = useState(1);
  const [added, setAdded] = useState<string | null>(null);
  const product = data?.product;
  usePageTitle(product ? product.name : error ? 'Not found' : null);

  if (loading && !product) return <p className="muted">Loading…</p>;
  if (!product) {
    const code = codeOf(error);
    if (!error || code === 'NOT_FOUND' || code === 'BAD_USER_INPUT') return <NotFound what="product" />;
    return <ErrorMessage error={error} onRetry={() => void refetch().catch(() => undefined)} />;
  }

  const inCart = cart.lines.find((line) => line.productId === product.id)?.quantity ?? 0;
  const orderable = product.active && product.stock > 0;
  const max = Math.max(0, Math.min(product.stock, MAX_LINE_QUANTITY) - inCart);
  const addToCart = (event: FormEvent) => {
    event.preventDefault();
    const wanted = Math.min(quantity, max);
    if (wanted < 1) return;
    cart.add({ productId: product.id, name: product.name, quantity: wanted }, Math.min(product.stock, MAX_LINE_QUANTITY));
    setAdded(`Added ${wanted} to your cart.`);
    setQuantity(1);
  };

  return (
    <article className="product panel">
      <div className="product-top">
        <div className="gallery">
          <ProductPicture image={product.images[0]} name={product.name} eager />
          {product.images.length > 1 && (
            <ul className="thumbs" aria-label="More pictures">
              {product.images.slice(1).map((image) => (
                <li key={image.url}>
                  <ProductPicture image={image} name={product.name} />
                </li>
              ))}
            </ul>
          )}
        </div>
        <div className="details">
          <h1>{product.name}</h1>
          <p className="muted">SKU {product.sku}</p>
          <p>{product.description}</p>
          <p className="big">
            <Price money={product.price} />
          </p>
          <p>
            <Stars rating={product.averageRating} count={product.reviewCount} />
          </p>
          <p data-testid="stock">{product.active ? <StockText stock={product.stock} /> : <span className="stock out">No longer sold</span>}</p>

          {!session ? (
            <p>
              <Link to={`/sign-in?from=${encodeURIComponent(location.pathname)}`}>Sign in</Link> to order or review.
            </p>
          ) : orderable ? (
            <form className="order-form" onSubmit={addToCart}>
              <label htmlFor="quantity">Quantity</label>
              <input
                id="quantity"
                type="number"
                min={1}
                max={Math.max(1, max)}
                value={quantity}
                onChange={(e) => setQuantity(Math.max(1, Math.min(Number(e.target.value) || 1, Math.max(1, max))))}
                disabled={max === 0}
              />
              <button type="submit" disabled={max === 0}>
                Add to cart
              </button>
              {inCart > 0 && (
                <p className="muted">
                  {inCart} in your cart{max === 0 ? ' — all there is.' : '.'} <Link to="/cart">Go to cart</Link>
                </p>
              )}
              <p role="status" className="confirmation">
                {added}
              </p>
            </form>
          ) : (
            <p className="muted">This product can't be ordered right now.</p>
          )}
        </div>
      </div>
      <Reviews productId={product.id} onChange={() => void refetch().catch(() => undefined)} />
    </article>
  );
}
