import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { signedOutByChoice, useSession } from '../session';

/**
 * Pages that need a signed-in shopper (or an admin) send others to sign in, coming back here after.
 * This only hides: the router's authorization decides what each request may read or change.
 */
export function RequireSession({ children, admin = false }: { children: ReactNode; admin?: boolean }) {
  const { session, isAdmin } = useSession();
  const location = useLocation();
  // Signing out on such a page leaves for the home page, not for "sign in".
  if (!session && signedOutByChoice()) return <Navigate to="/" replace />;
  if (!session) return <Navigate to={`/sign-in?from=${encodeURIComponent(`${location.pathname}${location.search}`)}`} replace />;
  if (admin && !isAdmin) return <Navigate to="/" replace />;
  return children;
}
