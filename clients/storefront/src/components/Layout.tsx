import type { ReactNode } from 'react';
import { Link, useNavigate } from 'react-router';
import { useSession } from '../session';

export function Layout({ children }: { children: ReactNode }) {
  const { session, signOut } = useSession();
  const navigate = useNavigate();
  return (
    <>
      <header className="header">
        <Link to="/" className="brand">
          Commerce
        </Link>
        <nav>
          <Link to="/">Products</Link>
          {session && <Link to="/orders">My orders</Link>}
          {session ? (
            <>
              <span className="who" data-testid="signed-in-as">
                {session.user.name}
              </span>
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
            <Link to="/sign-in">Sign in</Link>
          )}
        </nav>
      </header>
      <main className="main">{children}</main>
    </>
  );
}
