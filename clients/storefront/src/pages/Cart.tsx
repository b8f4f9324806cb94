import { useMutation, useQuery } from '@apollo/client/react';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { MAX_LINE_QUANTITY, useCart, type CartLine } from '../cart';
import { CART_LINE, PLACE_ORDER } from '../documents';
import { ErrorMessage, Price, ProductPicture } from '../components/format';
import { totalOf, type Money } from '../money';
import { usePageTitle } from '../page';

type Fresh = { stock: number; active: boolean; price: Money };

/**
 * The cart and checkout: each line read fresh (price, stock), quantities capped at the stock, and one
 * placeOrder for all lines. Lines that cannot be ordered (sold out, withdrawn, more than the stock)
 * block checkout until the shopper fixes them.
 */
export function Cart() {
  usePageTitle('Cart');
  const cart = useCart();
  const navigate = useNavigate();
  const [placeOrder, placing] = useMutation(PLACE_ORDER);
  const [fresh, setFresh] = useState<Record<string, Fresh>>({});
  const onFresh = useCallback((id: string, info: Fresh) => setFresh((current) => (current[id] === info ? current : { ...current, [id]: info })), []);
  const placingRef = useRef(false);

  const checkout = async () => {
    if (placingRef.current) return; // a double click places one order
    placingRef.current = true;
    try {
      const result = await placeOrder({ variables: { input: { items: cart.lines.map(({ productId, quantity }) => ({ productId, quantity })) } } });
      if (result.data) {
        cart.clear();
        navigate(`/orders/${result.data.placeOrder.id}`);
      }
    } catch {
      // Shown below.
    } finally {
      placingRef.current = false;
    }
  };

  if (cart.lines.length === 0) {
    return (
      <section className="panel">
        <h1>Your cart</h1>
        <p>Your cart is empty.</p>
        <p>
          <Link to="/">Browse products</Link>
        </p>
      </section>
    );
  }
  const known = cart.lines.map((line) => ({ line, fresh: fresh[line.productId] }));
  const blocked = known.some(({ line, fresh: info }) => !info || !info.active || info.stock < line.quantity);
  const total = known.every(({ fresh: info }) => info) ? totalOf(known.map(({ line, fresh: info }) => ({ price: (info as Fresh).price, quantity: line.quantity }))) : null;

  return (
    <section className="panel">
      <h1>Your cart</h1>
      <table className="cart">
        <caption className="visually-hidden">Products in your cart</caption>
        <thead>
          <tr>
            <th scope="col">Product</th>
            <th scope="col">Unit price</th>
            <th scope="col">Quantity</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {cart.lines.map((line) => (
            <CartRow key={line.productId} line={line} onFresh={onFresh} />
          ))}
        </tbody>
      </table>
      <p className="big">Total {total ? <Price money={total} /> : <span className="muted">…</span>}</p>
      <button type="button" onClick={() => void checkout()} disabled={placing.loading || blocked}>
        {placing.loading ? 'Placing your order…' : 'Place order'}
      </button>
      {blocked && <p className="muted">Fix the lines marked above to place your order.</p>}
      <ErrorMessage error={placing.error} />
    </section>
  );
}

function CartRow({ line, onFresh }: { line: CartLine; onFresh: (id: string, info: Fresh) => void }) {
  const cart = useCart();
  const { data, error, refetch } = useQuery(CART_LINE, { variables: { id: line.productId }, fetchPolicy: 'network-only' });
  const product = data?.product;
  useEffect(() => {
    if (product) onFresh(line.productId, product);
  }, [product, line.productId, onFresh]);
  const max = product ? Math.min(product.stock, MAX_LINE_QUANTITY) : MAX_LINE_QUANTITY;
  const problem = !product ? null : !product.active ? 'No longer sold.' : product.stock === 0 ? 'Sold out.' : line.quantity > product.stock ? `Only ${product.stock} left.` : null;
  const inputId = `qty-${line.productId}`;
  return (
    <tr data-testid="cart-line">
      <th scope="row">
        <div className="cart-product">
          {product && <ProductPicture image={product.images[0]} name={product.name} />}
          <Link to={`/products/${line.productId}`}>{product?.name ?? line.name}</Link>
        </div>
        {problem && (
          <p className="field-error" id={`${inputId}-error`}>
            {problem}
          </p>
        )}
        {error && !product && <ErrorMessage error={error} onRetry={() => void refetch().catch(() => undefined)} />}
      </th>
      <td>{product ? <Price money={product.price} /> : '…'}</td>
      <td>
        <label htmlFor={inputId} className="visually-hidden">
          Quantity of {line.name}
        </label>
        <input
          id={inputId}
          type="number"
          min={1}
          max={Math.max(1, max)}
          value={line.quantity}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? `${inputId}-error` : undefined}
          onChange={(e) => cart.setQuantity(line.productId, Math.min(Number(e.target.value) || 1, Math.max(1, max)))}
        />
      </td>
      <td>
        <button type="button" className="secondary" onClick={() => cart.remove(line.productId)}>
          Remove<span className="visually-hidden"> {line.name}</span>
        </button>
      </td>
    </tr>
  );
}
