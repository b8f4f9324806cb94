/**
 * Per-page title and focus: each page names itself in the document title ("Cart · Commerce") and, on
 * navigation, focus moves to its main heading so screen-reader and keyboard users start at the new page.
 */
import { useEffect } from 'react';

export function usePageTitle(title: string | null): void {
  useEffect(() => {
    if (title === null) return;
    document.title = `${title} · Commerce`;
    const heading = document.querySelector<HTMLElement>('main h1');
    // Not on the first load (the browser starts at the top), only when the shopper moved here.
    if (heading && window.history.state?.idx > 0) {
      heading.tabIndex = -1;
      heading.focus({ preventScroll: false });
    }
  }, [title]);
}
