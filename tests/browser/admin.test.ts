/**
 * Admin pages in Chromium: an admin creates a product with a picture, edits its price, stock and
 * whether it is on sale, and sees every customer's orders with their status (`Query.orders`: newest
 * first, "More orders", a status filter in the URL); a shopper is offered none of it (the router's
 * authorization is what refuses — the UI only hides).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { signUp } from '../support/accounts.js';
import { createProduct } from '../support/catalog.js';
import { run, unique } from '../support/run.js';
import { placeOrder, waitForStatus } from '../support/shop.js';
import { expectAccessible, expectTitle, launch, logInInBrowser, openShop, shot, url } from './harness.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(() => browser?.close());

const picture = `data:image/svg+xml;charset=utf-8,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle cx="5" cy="5" r="4" fill="#2a6"/></svg>')}`;

describe('admin pages', () => {
  it('an admin creates and edits a product (price, stock, on sale, pictures) and sees all orders', async () => {
    const buyer = await signUp('Sam');
    const bought = await createProduct({ name: `Jar ${unique()}`, amountCents: 700, stock: 4 });
    await buyer.client.data('mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }', { input: { items: [{ productId: bought.id, quantity: 2 }] } });

    const shop = await openShop(browser);
    const { page } = shop;
    await page.goto(url('/sign-in'));
    await logInInBrowser(page, run.adminEmail, run.adminPassword);
    await page.getByRole('link', { name: 'Manage shop' }).click();
    await expectTitle(page, 'Admin: products');
    await expectAccessible(page, 'admin products');

    const sku = unique('ADM-');
    const name = `Bowl ${sku}`;
    await page.getByRole('link', { name: 'New product' }).click();
    await page.getByLabel('SKU').fill(sku);
    await page.getByLabel('Name').fill(name);
    await page.getByLabel('Description').fill('Hand-thrown stoneware.');
    await page.getByLabel('Price (USD)').fill('12.5');
    await page.getByLabel('Stock').fill('3');
    await page.getByRole('button', { name: 'Add a picture' }).click();
    await page.getByLabel('Picture 1 URL').fill('javascript:alert(1)');
    await page.getByLabel('Picture 1 description').fill('A green bowl');
    // The preview shows only what a browser may load as a picture: no <img> is given the javascript: URL.
    expect(await page.locator('img[src^="javascript:" i]').count()).toBe(0);
    expect(await page.getByRole('img', { name: /No picture of/ }).count()).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Create product' }).click();
    // The service refuses the URL; the message sits with the picture fields.
    await expect.poll(() => page.locator('#url-error').textContent()).toBe('Must be an http(s) URL or a data:image/... URL.');
    await expectAccessible(page, 'admin product field error');
    await page.getByLabel('Picture 1 URL').fill(picture);
    await page.getByRole('button', { name: 'Create product' }).click();
    await page.getByRole('heading', { level: 1, name: `Edit ${name}` }).waitFor();
    await expectAccessible(page, 'admin edit product');
    await shot(page, 'desktop-13-admin-product');

    await page.getByLabel('Price (USD)').fill('14.00');
    await page.getByLabel('Stock').fill('0');
    await page.getByRole('button', { name: 'Save product' }).click();
    await page.getByText('Saved.').waitFor();
    await page.goto(url('/'));
    await page.getByLabel('Search products').fill(sku);
    await page.getByRole('button', { name: 'Search' }).click();
    const card = page.getByRole('list', { name: 'Products' }).getByRole('listitem');
    await expect.poll(() => card.textContent()).toContain('$14.00');
    expect(await card.textContent()).toContain('Sold out');
    expect(await card.getByRole('img', { name: 'A green bowl' }).count()).toBe(1);

    await card.getByRole('link', { name }).click();
    const productUrl = page.url();
    await page.goto(productUrl.replace('/products/', '/admin/products/'));
    await page.getByLabel('On sale').uncheck();
    await page.getByRole('button', { name: 'Save product' }).click();
    await page.getByText('Saved.').waitFor();
    await page.goto(productUrl);
    await page.getByText('No longer sold').waitFor();

    await page.goto(url('/admin/orders'));
    await expectTitle(page, 'Admin: orders');
    const row = page.getByRole('row').filter({ hasText: `2 × ${bought.name}` });
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.textContent()).toContain('Sam');
    await expect.poll(() => row.getByTestId('order-status').getAttribute('data-status'), { timeout: 20_000 }).toMatch(/PENDING|CONFIRMED/);
    await expectAccessible(page, 'admin orders');
    await shot(page, 'desktop-14-admin-orders');
    await shop.close();
  });

  it('an admin pages through every order, newest first, filters by status, and opens one with its timeline', async () => {
    const [buyer, other, plenty, soldOut] = await Promise.all([
      signUp('Uma'),
      signUp('Vic'),
      createProduct({ name: `Cup ${unique()}`, stock: 100 }),
      createProduct({ name: `Urn ${unique()}`, stock: 0 }),
    ]);
    const placed = await Promise.all(Array.from({ length: 21 }, () => placeOrder(buyer, [{ productId: plenty.id, quantity: 1 }])));
    const rejected = await placeOrder(other, [{ productId: soldOut.id, quantity: 1 }]);
    await waitForStatus(other, rejected, 'REJECTED');

    const shop = await openShop(browser);
    const { page } = shop;
    await page.goto(url('/sign-in'));
    await logInInBrowser(page, run.adminEmail, run.adminPassword);
    await page.getByRole('link', { name: 'Manage shop' }).click();
    await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Orders' }).click();
    await expectTitle(page, 'Admin: orders');
    const rows = page.getByTestId('admin-order');
    await expect.poll(() => rows.count()).toBe(20);
    // Newest first: the rejected order was placed last.
    expect(await rows.first().textContent()).toContain(rejected.slice(0, 8).toUpperCase());
    expect(await rows.first().textContent()).toContain('Vic');
    await page.getByRole('button', { name: 'More orders' }).dblclick();
    await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(22);
    const numbers = await rows.getByRole('rowheader').allTextContents();
    expect(new Set(numbers).size).toBe(numbers.length);
    for (const id of placed) expect(numbers).toContain(id.slice(0, 8).toUpperCase());

    // The filter lives in the URL; every row shown has that status.
    await page.getByLabel('Show orders with status').selectOption('REJECTED');
    await page.waitForURL((address) => address.searchParams.get('status') === 'REJECTED');
    await expectTitle(page, 'Admin: rejected orders');
    await expect.poll(() => rows.first().textContent()).toContain(rejected.slice(0, 8).toUpperCase());
    const statuses = await rows.getByTestId('order-status').evaluateAll((badges) => badges.map((badge) => badge.getAttribute('data-status')));
    expect(new Set(statuses)).toEqual(new Set(['REJECTED']));
    await expectAccessible(page, 'admin orders filtered');
    await shot(page, 'desktop-17-admin-orders-rejected');
    await page.reload();
    await expect.poll(() => page.getByLabel('Show orders with status').inputValue()).toBe('REJECTED');

    // An admin opens a customer's order: its timeline and the reason on its line.
    await rows.first().getByRole('link').click();
    const steps = page.getByTestId('order-timeline').getByRole('listitem');
    await expect.poll(() => steps.evaluateAll((items) => items.map((item) => item.getAttribute('data-status')))).toEqual(['PENDING', 'REJECTED']);
    await expect.poll(() => page.getByTestId('line-reason').textContent()).toBe('Out of stock: none left, 1 wanted.');
    await shop.close();
  });

  it('a shopper sees no admin link, and admin paths send them home', async () => {
    const shopper = await signUp('Tess');
    const shop = await openShop(browser);
    await shop.page.goto(url('/sign-in'));
    await logInInBrowser(shop.page, shopper.email);
    expect(await shop.page.getByRole('link', { name: 'Manage shop' }).count()).toBe(0);
    await shop.page.goto(url('/admin/orders'));
    await shop.page.waitForURL((address) => address.pathname === '/');
    await shop.close();
  });
});
