import { useMutation, useQuery } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { ADD_REVIEW, DELETE_REVIEW, PRODUCT_REVIEWS, UPDATE_REVIEW, type Review } from '../documents';
import { describeError } from '../errors';
import { DateText, ErrorMessage, FieldError, Stars } from '../components/format';
import { useLoadMore } from '../load-more';
import { useSession } from '../session';

const PAGE = 10;

/**
 * A product's reviews, ten at a time, with the shopper's own review editable and deletable; the form
 * to write one shows only while the shopper has none. The product's average follows from review
 * events a moment later, so `onChange` re-reads the product a few times.
 */
export function Reviews({ productId, onChange }: { productId: string; onChange: () => void }) {
  const { session } = useSession();
  // errorPolicy 'all': `reviews` is null, with an error, when the reviews service cannot answer; the section says so.
  const { data, error, fetchMore, refetch } = useQuery(PRODUCT_REVIEWS, { variables: { id: productId, first: PAGE }, fetchPolicy: 'cache-and-network', errorPolicy: 'all' });
  const { loadingMore, loadMore } = useLoadMore((after) => fetchMore({ variables: { after } }));
  const reviews = data?.product?.reviews;
  const unavailable = Boolean(data?.product) && !reviews;
  const mine = session ? reviews?.edges.find(({ node }) => node.author?.id === session.user.id)?.node : undefined;

  const changed = async () => {
    await refetch().catch(() => undefined);
    onChange();
    for (const delay of [500, 1500]) setTimeout(onChange, delay);
  };

  return (
    <section aria-labelledby="reviews-heading">
      <h2 id="reviews-heading">Reviews</h2>
      {unavailable ? (
        <p className="muted">Reviews are unavailable right now.</p>
      ) : (
        <ErrorMessage error={reviews ? undefined : error} onRetry={() => void refetch().catch(() => undefined)} />
      )}
      {reviews && reviews.edges.length === 0 && <p className="muted">No reviews yet.</p>}
      <ul className="reviews" aria-label="Reviews">
        {reviews?.edges.map(({ node }) =>
          node.id === mine?.id ? (
            <li key={node.id} className="review mine">
              <MyReview review={node} onChange={changed} />
            </li>
          ) : (
            <li key={node.id} className="review">
              <ReviewText review={node} />
            </li>
          ),
        )}
      </ul>
      {reviews?.pageInfo.hasNextPage && (
        <button type="button" className="secondary" onClick={() => void loadMore(reviews.pageInfo.endCursor)} disabled={loadingMore} aria-busy={loadingMore}>
          {loadingMore ? 'Loading…' : 'More reviews'}
        </button>
      )}
      {session && reviews && !mine && <ReviewForm productId={productId} onDone={changed} />}
    </section>
  );
}

function ReviewText({ review }: { review: Review }) {
  return (
    <>
      <p className="review-head">
        <Stars rating={review.rating} /> <strong>{review.author?.name ?? 'A shopper'}</strong>
        {review.verifiedPurchase && <span className="badge">Verified purchase</span>} <span className="muted">· <DateText iso={review.createdAt} /></span>
      </p>
      <p>{review.body}</p>
    </>
  );
}

function MyReview({ review, onChange }: { review: Review; onChange: () => Promise<void> }) {
  const [editing, setEditing] = useState(false);
  const [remove, removing] = useMutation(DELETE_REVIEW);
  if (editing) return <ReviewForm review={review} onDone={async () => (setEditing(false), onChange())} onCancel={() => setEditing(false)} />;
  return (
    <>
      <ReviewText review={review} />
      <p className="actions">
        <button type="button" className="secondary" onClick={() => setEditing(true)}>
          Edit your review
        </button>
        <button
          type="button"
          className="secondary danger"
          disabled={removing.loading}
          onClick={() => void remove({ variables: { id: review.id } }).then(onChange, () => undefined)}
        >
          Delete your review
        </button>
      </p>
      <ErrorMessage error={removing.error} />
    </>
  );
}

/** Writes a new review (productId) or edits one (review). */
function ReviewForm({ productId, review, onDone, onCancel }: { productId?: string; review?: Review; onDone: () => Promise<void>; onCancel?: () => void }) {
  const [rating, setRating] = useState(review?.rating ?? 5);
  const [body, setBody] = useState(review?.body ?? '');
  const [add, adding] = useMutation(ADD_REVIEW);
  const [update, updating] = useMutation(UPDATE_REVIEW);
  const failure = adding.error ?? updating.error;
  const fields = describeError(failure).fields;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    try {
      if (review) await update({ variables: { id: review.id, input: { rating, body } } });
      else await add({ variables: { input: { productId: productId as string, rating, body } } });
      setBody('');
      await onDone();
    } catch {
      // Shown beside the fields and below the form.
    }
  };
  const prefix = review ? `edit-${review.id}` : 'new-review';
  return (
    <form className="review-form" onSubmit={submit} noValidate>
      <h3>{review ? 'Edit your review' : 'Write a review'}</h3>
      <label htmlFor={`${prefix}-rating`}>Rating</label>
      <select id={`${prefix}-rating`} value={rating} onChange={(e) => setRating(Number(e.target.value))} aria-describedby={fields.rating ? `${prefix}-rating-error` : undefined}>
        {[5, 4, 3, 2, 1].map((value) => (
          <option key={value} value={value}>
            {value} {value === 1 ? 'star' : 'stars'}
          </option>
        ))}
      </select>
      <FieldError id={`${prefix}-rating`} message={fields.rating} />
      <label htmlFor={`${prefix}-body`}>Review</label>
      <textarea
        id={`${prefix}-body`}
        placeholder="What did you think?"
        value={body}
        onChange={(e) => setBody(e.target.value)}
        aria-invalid={fields.body ? true : undefined}
        aria-describedby={fields.body ? `${prefix}-body-error` : undefined}
      />
      <FieldError id={`${prefix}-body`} message={fields.body} />
      <FieldError id={`${prefix}-product`} message={fields.productId} />
      <div className="actions">
        <button type="submit" disabled={adding.loading || updating.loading}>
          {review ? 'Save review' : 'Submit review'}
        </button>
        {onCancel && (
          <button type="button" className="secondary" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
      {failure && Object.keys(fields).length === 0 && <ErrorMessage error={failure} />}
    </form>
  );
}
