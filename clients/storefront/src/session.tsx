/** The signed-in shopper: the token from signUp/logIn, kept in localStorage and sent as a bearer token. */
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import type { Session } from './documents';

const KEY = 'commerce.session';

export function storedSession(): Session | null {
  try {
    const raw = localStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

interface SessionContext {
  session: Session | null;
  signIn: (session: Session) => void;
  signOut: () => void;
}

const Context = createContext<SessionContext>({ session: null, signIn: () => undefined, signOut: () => undefined });

export function SessionProvider({ children, onChange }: { children: ReactNode; onChange: () => void }) {
  const [session, setSession] = useState<Session | null>(storedSession);
  const signIn = useCallback(
    (next: Session) => {
      localStorage.setItem(KEY, JSON.stringify(next));
      setSession(next);
      onChange();
    },
    [onChange],
  );
  const signOut = useCallback(() => {
    localStorage.removeItem(KEY);
    setSession(null);
    onChange();
  }, [onChange]);
  const value = useMemo(() => ({ session, signIn, signOut }), [session, signIn, signOut]);
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export const useSession = () => useContext(Context);
