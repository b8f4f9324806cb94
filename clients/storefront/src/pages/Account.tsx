import { useMutation, useQuery } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { ME, UPDATE_PROFILE } from '../documents';
import { describeError } from '../errors';
import { ErrorMessage, FieldError, Price } from '../components/format';
import { usePageTitle } from '../page';
import { saveSession, useSession } from '../session';

/** The shopper's profile: name (editable), e-mail, and a summary of their orders and reviews. */
export function Account() {
  usePageTitle('Your account');
  const { session } = useSession();
  const { data, error, refetch } = useQuery(ME, { fetchPolicy: 'cache-and-network' });
  const [update, updating] = useMutation(UPDATE_PROFILE);
  const [name, setName] = useState<string | null>(null);
  const [saved, setSaved] = useState('');
  const me = data?.me;
  const fields = describeError(updating.error).fields;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!session || name === null) return;
    try {
      const result = await update({ variables: { input: { name } } });
      if (result.data) {
        // The header shows the name from the session: keep it in step.
        saveSession({ ...session, user: { ...session.user, name: result.data.updateProfile.name } });
        setSaved('Your name is saved.');
        setName(null);
      }
    } catch {
      setSaved('');
    }
  };

  return (
    <section className="panel">
      <h1>Your account</h1>
      <ErrorMessage error={error} onRetry={() => void refetch().catch(() => undefined)} />
      {me && (
        <>
          <form className="profile-form" onSubmit={submit}>
            <label htmlFor="profile-name">Name</label>
            <input
              id="profile-name"
              autoComplete="name"
              value={name ?? me.name}
              onChange={(e) => setName(e.target.value)}
              aria-invalid={fields.name ? true : undefined}
              aria-describedby={fields.name ? 'profile-name-error' : undefined}
            />
            <FieldError id="profile-name" message={fields.name} />
            <button type="submit" disabled={updating.loading || name === null}>
              Save
            </button>
            <p role="status" className="confirmation">
              {saved}
            </p>
            {Object.keys(fields).length === 0 && <ErrorMessage error={updating.error} />}
          </form>
          <dl className="facts">
            <dt>E-mail</dt>
            <dd>{me.email}</dd>
            <dt>Orders</dt>
            <dd>
              <Link to="/orders">{me.orderCount === 1 ? '1 order' : `${me.orderCount} orders`}</Link>
            </dd>
            <dt>Spent</dt>
            <dd>
              <Price money={me.lifetimeSpend} />
            </dd>
            <dt>Reviews</dt>
            <dd>{me.reviewCount}</dd>
          </dl>
        </>
      )}
    </section>
  );
}
