import { useMutation } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { LOG_IN, SIGN_UP } from '../documents';
import { ErrorMessage } from '../components/format';
import { useSession } from '../session';

export function SignIn() {
  const [mode, setMode] = useState<'log-in' | 'sign-up'>('log-in');
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const { signIn } = useSession();
  const navigate = useNavigate();
  const [logIn, loggingIn] = useMutation(LOG_IN);
  const [signUp, signingUp] = useMutation(SIGN_UP);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const session =
      mode === 'log-in'
        ? (await logIn({ variables: { email, password } })).data?.logIn
        : (await signUp({ variables: { input: { email, name, password } } })).data?.signUp;
    if (session) {
      signIn(session);
      navigate('/');
    }
  };

  return (
    <section className="sign-in">
      <h1>{mode === 'log-in' ? 'Sign in' : 'Create an account'}</h1>
      <form onSubmit={submit}>
        {mode === 'sign-up' && (
          <label>
            Name
            <input aria-label="Name" value={name} onChange={(e) => setName(e.target.value)} required />
          </label>
        )}
        <label>
          E-mail
          <input aria-label="E-mail" type="email" value={email} onChange={(e) => setEmail(e.target.value)} required />
        </label>
        <label>
          Password
          <input aria-label="Password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} required minLength={8} />
        </label>
        <button type="submit" disabled={loggingIn.loading || signingUp.loading}>
          {mode === 'log-in' ? 'Sign in' : 'Sign up'}
        </button>
        <ErrorMessage error={mode === 'log-in' ? loggingIn.error : signingUp.error} />
      </form>
      <button type="button" className="link" onClick={() => setMode(mode === 'log-in' ? 'sign-up' : 'log-in')}>
        {mode === 'log-in' ? 'New here? Create an account' : 'Have an account? Sign in'}
      </button>
    </section>
  );
}
