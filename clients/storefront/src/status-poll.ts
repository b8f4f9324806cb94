/**
 * Following an order's status while the stock saga runs. The router answers subscriptions with 400
 * SUBSCRIPTION_NOT_SUPPORTED, so the page polls (docs/decisions.md) — politely: only while the order is
 * PENDING, backing off 0.5 s → 1 s → 2 s → 4 s and then every 4 s, not at all while the tab is hidden,
 * and at once (from 0.5 s again) when the shopper comes back. One request at a time.
 */
import { useEffect, useRef } from 'react';

export const FIRST_POLL_MS = 500;
export const MAX_POLL_MS = 4_000;

/** The wait before poll number `attempt` (0-based): doubling from 0.5 s, capped at 4 s. */
export function pollDelayMs(attempt: number): number {
  return Math.min(MAX_POLL_MS, FIRST_POLL_MS * 2 ** Math.max(0, attempt));
}

/** Calls `poll` on the back-off above while `active` is true and the document is visible. */
export function usePollWhile(active: boolean, poll: () => Promise<unknown>): void {
  const latest = useRef(poll);
  latest.current = poll;
  useEffect(() => {
    if (!active) return;
    let attempt = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let inFlight = false;
    let stopped = false;
    const hidden = () => document.visibilityState === 'hidden';
    const schedule = () => {
      clearTimeout(timer);
      if (stopped || inFlight || hidden()) return;
      timer = setTimeout(tick, pollDelayMs(attempt));
      attempt += 1;
    };
    const tick = () => {
      if (stopped || inFlight) return;
      inFlight = true;
      void latest.current()
        .catch(() => undefined)
        .finally(() => {
          inFlight = false;
          schedule();
        });
    };
    const onVisibility = () => {
      clearTimeout(timer);
      if (hidden()) return;
      // Back in view: look now, then back off from the start.
      attempt = 0;
      tick();
    };
    document.addEventListener('visibilitychange', onVisibility);
    schedule();
    return () => {
      stopped = true;
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [active]);
}
