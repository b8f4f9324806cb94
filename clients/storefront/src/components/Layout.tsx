import type { ReactNode } from 'react';
import { Link, NavLink, useLocation, useNavigate } from 'react-router';
import { useCart } from '../cart';
import { useSession } from '../session';

/** The page frame: skip link, header with navigation, the session notice, and the main landmark. */
export function Layout({ children }: { children: ReactNode }) {
  const { session, isAdmin, notice, signOut, dismissNotice } = useSession();
  const { count } = useCart();
  const navigate = useNavigate();
  const location = useLocation();
  const here = `${location.pathname}${location.search}`;
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="header">
        <Link to="/" className="brand">
          Commerce
        </Link>
        <nav aria-label="Main">
          <NavLink to="/" end>
            Products
          </NavLink>
          {session && <NavLink to="/orders">My orders</NavLink>}
          {session && (
            <NavLink to="/cart" aria-label={`Cart, ${count} ${count === 1 ? 'item' : 'items'}`}>
              Cart <span className="count" data-testid="cart-count">{count}</span>
            </NavLink>
          )}
          {isAdmin && <NavLink to="/admin/products">Manage shop</NavLink>}
          {session ? (
            <>
              <NavLink to="/account" className="who" data-testid="signed-in-as" title={session.user.name}>
                {session.user.name}
              </NavLink>
              <button
                type="button"
                className="link"
                onClick={() => {
                  signOut();
                  navigate('/');
                }}
              >
                Sign out
              </button>
            </>
          ) : (
            location.pathname !== '/sign-in' && <NavLink to={`/sign-in?from=${encodeURIComponent(here)}`}>Sign in</NavLink>
          )}
        </nav>
      </header>
      {notice && !session && (
        <div className="notice" role="status">
          <p>{notice.message}</p>
          {location.pathname !== '/sign-in' && <Link to={`/sign-in?from=${encodeURIComponent(notice.from)}`}>Sign in again</Link>}
          <button type="button" className="link" onClick={dismissNotice}>
            Dismiss
          </button>
        </div>
      )}
      <main id="main" className="main">
        {children}
      </main>
    </>
  );
}
