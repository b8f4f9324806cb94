import { useMutation } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { LOG_IN, SIGN_UP } from '../documents';
import { describeError } from '../errors';
import { ErrorMessage, FieldError } from '../components/format';
import { usePageTitle } from '../page';
import { safeReturnPath } from '../return-path';
import { useSession } from '../session';

export function SignIn() {
  const [mode, setMode] = useState<'log-in' | 'sign-up'>('log-in');
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const { signIn } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [logIn, loggingIn] = useMutation(LOG_IN);
  const [signUp, signingUp] = useMutation(SIGN_UP);
  usePageTitle(mode === 'log-in' ? 'Sign in' : 'Create an account');
  const failure = mode === 'log-in' ? loggingIn.error : signingUp.error;
  const fields = describeError(failure).fields;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    try {
      const session =
        mode === 'log-in'
          ? (await logIn({ variables: { email, password } })).data?.logIn
          : (await signUp({ variables: { input: { email, name, password } } })).data?.signUp;
      if (session) {
        signIn(session);
        navigate(safeReturnPath(params.get('from')), { replace: true });
      }
    } catch {
      // Shown beside the fields and below the form.
    }
  };
  const field = (id: string) => ({ id, 'aria-invalid': fields[id] ? true : undefined, 'aria-describedby': fields[id] ? `${id}-error` : undefined });

  return (
    <section className="sign-in panel">
      <h1>{mode === 'log-in' ? 'Sign in' : 'Create an account'}</h1>
      <form onSubmit={submit}>
        {mode === 'sign-up' && (
          <>
            <label htmlFor="name">Name</label>
            <input {...field('name')} autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} required />
            <FieldError id="name" message={fields.name} />
          </>
        )}
        <label htmlFor="email">E-mail</label>
        <input {...field('email')} type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} required />
        <FieldError id="email" message={fields.email} />
        <label htmlFor="password">Password</label>
        <input
          {...field('password')}
          type="password"
          autoComplete={mode === 'log-in' ? 'current-password' : 'new-password'}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
          minLength={8}
        />
        <FieldError id="password" message={fields.password} />
        <button type="submit" disabled={loggingIn.loading || signingUp.loading}>
          {mode === 'log-in' ? 'Sign in' : 'Sign up'}
        </button>
        {Object.keys(fields).length === 0 && <ErrorMessage error={failure} messages={{ UNAUTHENTICATED: "That e-mail and password don't match. Please try again." }} />}
      </form>
      <button type="button" className="link" onClick={() => setMode(mode === 'log-in' ? 'sign-up' : 'log-in')}>
        {mode === 'log-in' ? 'New here? Create an account' : 'Have an account? Sign in'}
      </button>
    </section>
  );
}
