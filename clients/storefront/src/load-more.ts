/** "Load more" for a connection: one page at a time — a second click while a page loads does nothing. */
import { useCallback, useRef, useState } from 'react';

export function useLoadMore(fetchPage: (after: string | null) => Promise<unknown>): { loadingMore: boolean; loadMore: (after: string | null) => Promise<void> } {
  const busy = useRef(false);
  const [loadingMore, setLoadingMore] = useState(false);
  const loadMore = useCallback(
    async (after: string | null) => {
      if (busy.current) return;
      busy.current = true;
      setLoadingMore(true);
      try {
        await fetchPage(after);
      } catch {
        // Shown by the query's error state.
      } finally {
        busy.current = false;
        setLoadingMore(false);
      }
    },
    [fetchPage],
  );
  return { loadingMore, loadMore };
}
