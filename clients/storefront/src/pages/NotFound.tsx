import { Link } from 'react-router';
import { usePageTitle } from '../page';

/** The page for an unknown path or a product that does not exist. */
export function NotFound({ what = 'page' }: { what?: string }) {
  usePageTitle('Not found');
  return (
    <section className="panel not-found">
      <h1>We couldn't find that {what}</h1>
      <p>It may have been removed, or the address may be mistyped.</p>
      <p>
        <Link to="/">Browse all products</Link>
      </p>
    </section>
  );
}
