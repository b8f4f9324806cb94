/**
 * The signed-in shopper: the token from signUp/logIn, kept in localStorage and sent as a bearer token.
 * A token that has expired (read from its `exp`) or that the router refuses (401 AUTH_ERROR) ends the
 * session once: the token is dropped, a notice remembers why and where the shopper was, and later
 * requests go out anonymous — so nothing can loop on a dead token.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useSyncExternalStore, type ReactNode } from 'react';
import type { Session } from './documents';
import { hasScope, isExpired } from './jwt';

const KEY = 'commerce.session';
const NOTICE_KEY = 'commerce.session-notice';

export interface SessionNotice {
  message: string;
  /** Where the shopper was (path + query), to return to after signing in again. */
  from: string;
}

const listeners = new Set<() => void>();
let cached: { raw: string | null; session: Session | null } = { raw: null, session: null };

function notify(): void {
  for (const listener of listeners) listener();
}

/** The stored session, or null; an unreadable entry counts as none. */
export function storedSession(): Session | null {
  let raw: string | null = null;
  try {
    raw = localStorage.getItem(KEY);
  } catch {
    return null;
  }
  if (raw === cached.raw) return cached.session;
  let session: Session | null = null;
  try {
    session = raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    session = null;
  }
  cached = { raw, session };
  return session;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  const onStorage = (event: StorageEvent) => event.key === KEY && listener(); // another tab signed in or out
  window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', onStorage);
  };
}

export function saveSession(session: Session): void {
  signedOutOnPurpose = false;
  localStorage.setItem(KEY, JSON.stringify(session));
  sessionStorage.removeItem(NOTICE_KEY);
  notify();
}

let signedOutOnPurpose = false;

/** Ends the session; `onPurpose` when the shopper chose to (pages for signed-in shoppers then send them home, not to sign in). */
export function clearSession(onPurpose = false): void {
  signedOutOnPurpose = onPurpose;
  localStorage.removeItem(KEY);
  notify();
}

/** True after "Sign out" (until the next sign-in), false after a session ended by itself. */
export const signedOutByChoice = () => signedOutOnPurpose;

/**
 * Ends the session because its token no longer works, if `token` is still the one stored (so the
 * answers to several requests in flight end it once). Returns whether it did.
 */
export function expireSession(token: string, message = 'Your session has ended. Please sign in again.'): boolean {
  if (storedSession()?.token !== token) return false;
  const here = `${window.location.pathname}${window.location.search}`;
  sessionStorage.setItem(NOTICE_KEY, JSON.stringify({ message, from: here } satisfies SessionNotice));
  clearSession();
  return true;
}

/** The stored token, unless it has expired — then the session ends here, before any request carries it. */
export function currentToken(): string | null {
  const session = storedSession();
  if (!session) return null;
  if (isExpired(session.token)) {
    expireSession(session.token);
    return null;
  }
  return session.token;
}

export function readNotice(): SessionNotice | null {
  try {
    const raw = sessionStorage.getItem(NOTICE_KEY);
    return raw ? (JSON.parse(raw) as SessionNotice) : null;
  } catch {
    return null;
  }
}

export function dismissNotice(): void {
  sessionStorage.removeItem(NOTICE_KEY);
  notify();
}

interface SessionContext {
  session: Session | null;
  isAdmin: boolean;
  notice: SessionNotice | null;
  signIn: (session: Session) => void;
  signOut: () => void;
  dismissNotice: () => void;
}

const Context = createContext<SessionContext>({
  session: null,
  isAdmin: false,
  notice: null,
  signIn: () => undefined,
  signOut: () => undefined,
  dismissNotice: () => undefined,
});

let noticeCache: { raw: string | null; notice: SessionNotice | null } = { raw: null, notice: null };
function noticeSnapshot(): SessionNotice | null {
  const raw = sessionStorage.getItem(NOTICE_KEY);
  if (raw !== noticeCache.raw) noticeCache = { raw, notice: readNotice() };
  return noticeCache.notice;
}

/** Provides the session to the app; `onChange` runs whenever the identity changes (to reset the cache). */
export function SessionProvider({ children, onChange }: { children: ReactNode; onChange: () => void }) {
  const session = useSyncExternalStore(subscribe, storedSession);
  const notice = useSyncExternalStore(subscribe, noticeSnapshot);
  const token = session?.token ?? null;
  useEffect(() => {
    if (token && isExpired(token)) expireSession(token);
  }, [token]);
  const previous = useRef(token);
  useEffect(() => {
    if (previous.current === token) return;
    previous.current = token;
    onChange();
  }, [token, onChange]);
  const signIn = useCallback((next: Session) => saveSession(next), []);
  const signOut = useCallback(() => clearSession(true), []);
  const value = useMemo(
    () => ({ session, isAdmin: token ? hasScope(token, 'admin') : false, notice, signIn, signOut, dismissNotice }),
    [session, token, notice, signIn, signOut],
  );
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export const useSession = () => useContext(Context);
