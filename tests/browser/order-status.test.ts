/**
 * An order's status in Chromium: the timeline dates each step (placed, confirmed, cancelled) on the
 * order page and in the history, at desktop and phone widths; and the live status is polled politely —
 * only while PENDING, backing off 0.5 s → 1 s → 2 s → 4 s, not while the tab is hidden, at once when it
 * is shown again, never after a final status — with the change announced in the live region.
 *
 * A healthy saga answers in well under a second, too fast to watch the back-off, so the polling test
 * holds the order at PENDING the way a slow products service would: the router's real answers to
 * `StorefrontOrder` are passed on with the status (and history) as they were when the order was placed,
 * until the test lets the real status through. Each poll is recorded when it reaches the router.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page, Route } from 'playwright-core';
import { signUp } from '../support/accounts.js';
import { createProduct } from '../support/catalog.js';
import { run, unique } from '../support/run.js';
import { placeOrder, waitForStatus } from '../support/shop.js';
import { expectAccessible, expectTitle, launch, logInInBrowser, openShop, orderStatus, shot, url, VIEWPORTS, type ViewportName } from './harness.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(() => browser?.close());

const graphqlUrl = new URL('/graphql', run.routerUrl).toString();

/** Polls of `StorefrontOrder` as they reach the router (ms since the epoch); while `held`, each answer says PENDING. */
async function holdPending(page: Page) {
  const polls: number[] = [];
  const state = { held: true, polls };
  await page.route(graphqlUrl, async (route: Route) => {
    const request = route.request();
    if (request.method() !== 'POST' || (request.postDataJSON() as { operationName?: string }).operationName !== 'StorefrontOrder') return route.fallback();
    polls.push(Date.now());
    const response = await route.fetch();
    const answer = (await response.json()) as { data: { order: { status: string; statusReason: string | null; statusHistory: unknown[] } | null } | null };
    if (state.held && answer.data?.order) {
      answer.data.order.status = 'PENDING';
      answer.data.order.statusReason = null;
      answer.data.order.statusHistory = answer.data.order.statusHistory.slice(0, 1);
    }
    await route.fulfill({ response, json: answer });
  });
  return state;
}

/** What `document.visibilityState` says, as when the shopper switches tabs. */
const setVisibility = (page: Page, state: 'hidden' | 'visible') =>
  page.evaluate((value) => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => value });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => value === 'hidden' });
    document.dispatchEvent(new Event('visibilitychange'));
  }, state);

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('following an order live', () => {
  it('polls only while PENDING, backing off, paused while hidden, and announces the change', async () => {
    const [buyer, product] = await Promise.all([signUp('Olive'), createProduct({ name: `Kettle ${unique()}`, stock: 5 })]);
    const orderId = await placeOrder(buyer, [{ productId: product.id, quantity: 1 }]);
    await waitForStatus(buyer, orderId, 'CONFIRMED');

    const shop = await openShop(browser);
    const { page } = shop;
    await page.goto(url('/sign-in'));
    await logInInBrowser(page, buyer.email);
    const hold = await holdPending(page);
    await page.goto(url(`/orders/${orderId}`));
    await expect.poll(() => orderStatus(page)).toBe('PENDING');
    await page.getByRole('status').filter({ hasText: 'We are checking stock for your order.' }).waitFor();
    expect(await page.getByTestId('order-timeline').getByRole('listitem').allTextContents()).toEqual([expect.stringMatching(/^Placed \w{3} \d+, \d{4}, \d+:\d{2}:\d{2}/), 'Stock check (in progress)']);
    await expectAccessible(page, 'order pending');

    // The first load and four polls: each wait at least the back-off's (0.5, 1, 2, 4 s; lower bounds only).
    await expect.poll(() => hold.polls.length, { timeout: 30_000 }).toBeGreaterThanOrEqual(5);
    const gaps = hold.polls.slice(1, 5).map((at, index) => at - (hold.polls[index] ?? 0));
    console.log(`[order-status] gaps between polls (ms): ${gaps.join(', ')}`);
    [500, 1000, 2000, 4000].forEach((least, index) => expect(gaps[index]).toBeGreaterThanOrEqual(least - 20));

    // Hidden: no poll starts (one already on its way may finish); shown again: one at once.
    await setVisibility(page, 'hidden');
    const hiddenAt = Date.now();
    await pause(6_000); // longer than the longest back-off
    expect(hold.polls.filter((at) => at > hiddenAt + 100)).toEqual([]);
    await setVisibility(page, 'visible');
    await expect.poll(() => hold.polls.filter((at) => at > hiddenAt).length).toBeGreaterThanOrEqual(1);

    // The real status comes through: announced, the timeline dated, and the polling stops.
    hold.held = false;
    await expect.poll(() => orderStatus(page), { timeout: 20_000 }).toBe('CONFIRMED');
    await page.getByRole('status').filter({ hasText: 'Your order is confirmed.' }).waitFor();
    expect(await page.getByTestId('order-timeline').getByRole('listitem').evaluateAll((items) => items.map((item) => item.getAttribute('data-status')))).toEqual(['PENDING', 'CONFIRMED']);
    const settled = hold.polls.length;
    await pause(6_000);
    expect(hold.polls.length).toBe(settled);
    await shop.close();
  });
});

describe.each(Object.keys(VIEWPORTS) as ViewportName[])('the status timeline at %s width', (viewport) => {
  it('dates placed, confirmed and cancelled on the order page and in the history', async () => {
    const [buyer, product] = await Promise.all([signUp('Pia'), createProduct({ name: `Mill ${unique()}`, stock: 5 })]);
    const orderId = await placeOrder(buyer, [{ productId: product.id, quantity: 2 }]);
    await waitForStatus(buyer, orderId, 'CONFIRMED');

    const shop = await openShop(browser, viewport);
    const { page } = shop;
    await page.goto(url('/sign-in'));
    await logInInBrowser(page, buyer.email);
    await page.goto(url(`/orders/${orderId}`));
    await expectTitle(page, `Order ${orderId.slice(0, 8).toUpperCase()}`);
    const steps = page.getByTestId('order-timeline').getByRole('listitem');
    await expect.poll(() => steps.evaluateAll((items) => items.map((item) => item.getAttribute('data-status')))).toEqual(['PENDING', 'CONFIRMED']);
    await page.getByRole('button', { name: 'Cancel order' }).click();
    await page.getByRole('status').filter({ hasText: 'Your order is cancelled.' }).waitFor();
    await expect.poll(() => steps.evaluateAll((items) => items.map((item) => item.getAttribute('data-status')))).toEqual(['PENDING', 'CONFIRMED', 'CANCELLED']);
    const texts = await steps.allTextContents();
    expect(texts.map((text) => text.split(' ')[0])).toEqual(['Placed', 'Confirmed', 'Cancelled']);
    // Each step says when, to the second, in the page and as a machine-readable time.
    const times = await steps.locator('time').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('datetime') ?? ''));
    expect(times).toHaveLength(3);
    expect([...times].sort()).toEqual(times);
    await expectAccessible(page, `${viewport} order cancelled`);
    await shot(page, `${viewport}-18-order-timeline`);

    await page.getByRole('link', { name: 'My orders' }).click();
    const row = page.getByRole('list', { name: 'Orders' }).getByRole('listitem').first();
    await expect.poll(() => row.getByTestId('order-timeline').getByRole('listitem').allTextContents()).toEqual([
      expect.stringMatching(/^Placed /),
      expect.stringMatching(/^Confirmed /),
      expect.stringMatching(/^Cancelled /),
    ]);
    await expectAccessible(page, `${viewport} order history with timeline`);
    await shop.close();
  });
});
