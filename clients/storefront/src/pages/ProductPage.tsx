import { useMutation, useQuery } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ADD_REVIEW, PLACE_ORDER, PRODUCT } from '../documents';
import { ErrorMessage, Price, Stars } from '../components/format';
import { useSession } from '../session';

export function ProductPage() {
  const { id = '' } = useParams();
  const { session } = useSession();
  const navigate = useNavigate();
  const { data, loading, error, refetch } = useQuery(PRODUCT, { variables: { id } });
  const [quantity, setQuantity] = useState(1);
  const [rating, setRating] = useState(5);
  const [body, setBody] = useState('');
  const [placeOrder, ordering] = useMutation(PLACE_ORDER);
  const [addReview, reviewing] = useMutation(ADD_REVIEW);

  const product = data?.product;
  if (loading && !product) return <p className="muted">Loading…</p>;
  if (!product) return <ErrorMessage error={error ?? { message: 'Product not found' }} />;

  const order = async (event: FormEvent) => {
    event.preventDefault();
    const result = await placeOrder({ variables: { input: { items: [{ productId: product.id, quantity }] } } });
    if (result.data) navigate(`/orders/${result.data.placeOrder.id}`);
  };
  const review = async (event: FormEvent) => {
    event.preventDefault();
    const result = await addReview({ variables: { input: { productId: product.id, rating, body } } });
    if (result.data) {
      setBody('');
      // The rating is kept by the products service from review events: it follows a moment later.
      await refetch();
      setTimeout(() => void refetch(), 500);
      setTimeout(() => void refetch(), 1500);
    }
  };

  return (
    <article className="product">
      <h1>{product.name}</h1>
      <p className="muted">SKU {product.sku}</p>
      <p>{product.description}</p>
      <p className="big">
        <Price money={product.price} />
      </p>
      <p>
        <Stars rating={product.averageRating} count={product.reviewCount} />
      </p>
      <p className={product.stock > 0 ? 'stock' : 'stock out'}>{product.stock > 0 ? `${product.stock} in stock` : 'Sold out'}</p>

      {session ? (
        <form className="order-form" onSubmit={order}>
          <label>
            Quantity
            <input type="number" aria-label="Quantity" min={1} max={100} value={quantity} onChange={(e) => setQuantity(Number(e.target.value))} />
          </label>
          <button type="submit" disabled={ordering.loading}>
            Place order
          </button>
          <ErrorMessage error={ordering.error} />
        </form>
      ) : (
        <p>
          <Link to="/sign-in">Sign in</Link> to order or review.
        </p>
      )}

      <h2>Reviews</h2>
      {product.reviews?.edges.length === 0 && <p className="muted">No reviews yet.</p>}
      {product.reviews === null && <p className="muted">Reviews are unavailable right now.</p>}
      <ul className="reviews" aria-label="Reviews">
        {(product.reviews?.edges ?? []).map(({ node }) => (
          <li key={node.id} className="review">
            <strong>{'★'.repeat(node.rating)}{'☆'.repeat(5 - node.rating)}</strong> {node.author?.name ?? 'Unknown'}
            {node.verifiedPurchase && <span className="badge">Verified purchase</span>}
            <p>{node.body}</p>
          </li>
        ))}
      </ul>

      {session && (
        <form className="review-form" onSubmit={review}>
          <h3>Write a review</h3>
          <label>
            Rating
            <select aria-label="Rating" value={rating} onChange={(e) => setRating(Number(e.target.value))}>
              {[5, 4, 3, 2, 1].map((value) => (
                <option key={value} value={value}>
                  {value} stars
                </option>
              ))}
            </select>
          </label>
          <textarea aria-label="Review" placeholder="What did you think?" value={body} onChange={(e) => setBody(e.target.value)} required />
          <button type="submit" disabled={reviewing.loading}>
            Submit review
          </button>
          <ErrorMessage error={reviewing.error} />
        </form>
      )}
    </article>
  );
}
