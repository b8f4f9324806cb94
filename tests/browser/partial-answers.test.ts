/**
 * Partial answers, as a shopper meets them in Chromium. The fields another subgraph serves are nullable
 * (`Product.reviews`, `Review.author`, `User.orders`, `OrderItem.product`): when that service cannot
 * answer, the router sends the rest of the answer with the field null and a `SUBREQUEST_HTTP_ERROR` at
 * its path (README, "a subgraph failed"). Each test takes the real router's answer and nulls one field
 * the way the router does, so the page is seen as it is while that one service is down: the rest shows,
 * with a short "unavailable right now" note, and no error box.
 *
 * Also the login throttle of a real router: past the account's allowance a sign-in is refused (429
 * `LOGIN_THROTTLED`, Retry-After) and the shopper is told how long to wait; the refused attempt is not retried.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page, Route } from 'playwright-core';
import { signUp, type Account } from '../support/accounts.js';
import { createProduct, type TestProduct } from '../support/catalog.js';
import { startRouter } from '../support/processes.js';
import { run, unique } from '../support/run.js';
import { addReview, placeOrder, waitForStatus } from '../support/shop.js';
import { expectAccessible, launch, logInInBrowser, openShop, shot, url } from './harness.js';

let browser: Browser;
let shopper: Account;
let product: TestProduct;
let orderId: string;
beforeAll(async () => {
  browser = await launch();
  shopper = await signUp('Nora');
  product = await createProduct({ name: `${unique('vase')} Vase`, amountCents: 2500, stock: 5 });
  orderId = await placeOrder(shopper, [{ productId: product.id, quantity: 1 }]);
  await waitForStatus(shopper, orderId, 'CONFIRMED');
  await addReview(shopper, product.id, 4);
});
afterAll(() => browser?.close());

const graphqlUrl = new URL('/graphql', run.routerUrl).toString();

type Answer = { data: Record<string, unknown> | null; errors?: unknown[] };

/**
 * Answers `operationName` with the router's real answer changed by `degrade`, which nulls fields and
 * returns the paths it nulled; each gets the error the router adds for a subgraph that failed.
 */
async function whileDown(page: Page, operationName: string, service: string, degrade: (data: Record<string, unknown>) => (string | number)[][]) {
  await page.route(graphqlUrl, async (route: Route) => {
    const request = route.request();
    if (request.method() !== 'POST' || (request.postDataJSON() as { operationName?: string }).operationName !== operationName) return route.fallback();
    const response = await route.fetch();
    const answer = (await response.json()) as Answer;
    const paths = answer.data ? degrade(answer.data) : [];
    const errors = paths.map((path) => ({
      message: `HTTP fetch failed from '${service}': 503: Service Unavailable`,
      path,
      extensions: { code: 'SUBREQUEST_HTTP_ERROR', service, reason: '503: Service Unavailable', http: { status: 503 } },
    }));
    await route.fulfill({ response, json: { ...answer, errors: [...(answer.errors ?? []), ...errors] } });
  });
}

async function signedIn(page: Page) {
  await page.goto(url('/sign-in'));
  await logInInBrowser(page, shopper.email);
}

describe('a subgraph that cannot answer', () => {
  it('reviews down: the product page shows the product and says reviews are unavailable', async () => {
    const shop = await openShop(browser);
    const { page } = shop;
    await signedIn(page);
    await whileDown(page, 'StorefrontProductReviews', 'reviews', (data) => {
      (data.product as { reviews: unknown }).reviews = null;
      return [['product', 'reviews']];
    });
    await page.goto(url(`/products/${product.id}`));
    await page.getByRole('heading', { level: 1, name: product.name }).waitFor();
    await page.getByText('Reviews are unavailable right now.').waitFor();
    expect(await page.getByRole('button', { name: 'Add to cart' }).count()).toBe(1);
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(await page.getByRole('heading', { name: 'Write a review' }).count()).toBe(0);
    await expectAccessible(page, 'reviews unavailable');
    await shot(page, 'desktop-partial-reviews');
    await shop.close();
  });

  it("users down: a review whose author is null still shows, without the author's name", async () => {
    const shop = await openShop(browser);
    const { page } = shop;
    await whileDown(page, 'StorefrontProductReviews', 'users', (data) => {
      const edges = (data.product as { reviews: { edges: { node: { author: unknown } }[] } }).reviews.edges;
      edges.forEach((edge) => (edge.node.author = null));
      return edges.map((_, index) => ['product', 'reviews', 'edges', index, 'node', 'author']);
    });
    await page.goto(url(`/products/${product.id}`));
    const reviews = page.getByRole('list', { name: 'Reviews' });
    await reviews.getByText('Rated 4', { exact: true }).waitFor();
    expect(await reviews.getByText('A shopper', { exact: true }).count()).toBe(1);
    expect(await reviews.getByText(shopper.name).count()).toBe(0);
    expect(await page.getByRole('alert').count()).toBe(0);
    await expectAccessible(page, 'review author unavailable');
    await shop.close();
  });

  it("products down: an order's line shows its name as ordered, without a link, and the total", async () => {
    const shop = await openShop(browser);
    const { page } = shop;
    await signedIn(page);
    await whileDown(page, 'StorefrontOrder', 'products', (data) => {
      const items = (data.order as { items: { product: unknown }[] }).items;
      items.forEach((item) => (item.product = null));
      return items.map((_, index) => ['order', 'items', index, 'product']);
    });
    await page.goto(url(`/orders/${orderId}`));
    const line = page.getByTestId('order-line');
    await line.waitFor();
    expect(await line.getByRole('rowheader').textContent()).toBe(product.name);
    expect(await line.getByRole('link').count()).toBe(0);
    await page.getByText('Product details are unavailable right now').waitFor();
    expect(await page.getByTestId('order-total').textContent()).toContain('$25.00');
    expect(await page.getByRole('alert').count()).toBe(0);
    await expectAccessible(page, 'order line product unavailable');
    await shot(page, 'desktop-partial-order');
    await shop.close();
  });

  it('orders down: the order history says it is unavailable, not that there are no orders', async () => {
    const shop = await openShop(browser);
    const { page } = shop;
    await signedIn(page);
    await whileDown(page, 'StorefrontMyOrders', 'orders', (data) => {
      (data.me as { orders: unknown }).orders = null;
      return [['me', 'orders']];
    });
    await page.goto(url('/orders'));
    await page.getByRole('heading', { name: 'My orders' }).waitFor();
    await page.getByText('Your orders are unavailable right now.').waitFor();
    expect(await page.getByText('No orders yet.').count()).toBe(0);
    expect(await page.getByRole('alert').count()).toBe(0);
    await expectAccessible(page, 'orders unavailable');
    await shop.close();
  });
});

describe('login throttling', () => {
  it('a throttled sign-in says how long to wait, and the refused attempt is sent once', async () => {
    // The shared stack's router does not throttle (every suite's failed logins come from one address):
    // this page talks to a router of its own that does, as a production router would.
    const throttling = await startRouter('storefront-throttle', {
      CORS_ORIGINS: new URL(run.storefrontUrl).origin,
      LOGIN_THROTTLE_ENABLED: 'true',
      LOGIN_THROTTLE_KEY_PREFIX: `${unique('storefront-throttle-')}:`,
      LOGIN_THROTTLE_ACCOUNT_MAX: '3',
      LOGIN_THROTTLE_BASE_SECONDS: '2',
    });
    const account = await signUp('Theo');
    const shop = await openShop(browser);
    const { page } = shop;
    shop.expectErrors(/status of 429/);
    await page.route(url('/config.json'), (route) => route.fulfill({ json: { graphqlUrl: throttling.graphqlUrl } }));
    const logIns: number[] = [];
    page.on('request', (request) => {
      if (request.url() === throttling.graphqlUrl && request.method() === 'POST' && (request.postDataJSON() as { operationName?: string }).operationName === 'StorefrontLogIn') {
        logIns.push(Date.now());
      }
    });
    await page.goto(url('/sign-in'));
    const alert = page.getByRole('alert');
    const submit = page.getByRole('button', { name: 'Sign in', exact: true });
    for (let attempt = 1; attempt <= 4; attempt += 1) {
      const before = logIns.length;
      await page.getByLabel('E-mail').fill(account.email);
      await page.getByLabel('Password').fill(`wrong password ${attempt}`);
      await submit.click();
      await expect.poll(() => logIns.length).toBeGreaterThan(before);
      await expect.poll(async () => (await submit.isEnabled()) && (await alert.count()) === 1).toBe(true);
      if (attempt <= 3) {
        expect(await alert.textContent()).toBe("That e-mail and password don't match. Please try again.");
        continue;
      }
      // The fourth, past LOGIN_THROTTLE_ACCOUNT_MAX: 429 with Retry-After 2, said in words, and not sent
      // again once the 2 s are over (a 429 from the rate limiter would be).
      expect(await alert.getAttribute('data-code')).toBe('LOGIN_THROTTLED');
      expect(await alert.textContent()).toBe('Too many sign-in attempts. Please wait 2 seconds and try again.');
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      expect(logIns.length - before).toBe(1);
    }
    await expectAccessible(page, 'sign-in throttled');
    await shot(page, 'desktop-sign-in-throttled');
    await shop.close();
    await throttling.stop();
  });
});
