/**
 * Every page and state at desktop and phone (390 px) widths under axe-core (WCAG 2.2 A/AA incl.
 * contrast and 24 px targets, plus best practices: one main heading, landmarks), each with its own
 * title and nothing sticking out sideways; the account page's profile edit; and no console error
 * anywhere on the way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { createProduct } from '../support/catalog.js';
import { run, unique } from '../support/run.js';
import { expectAccessible, expectNoSidewaysScroll, expectTitle, launch, logInInBrowser, openShop, orderStatus, shot, signUpInBrowser, url, VIEWPORTS, type ViewportName } from './harness.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(() => browser?.close());

describe.each(Object.keys(VIEWPORTS) as ViewportName[])('every page at %s width', (viewport) => {
  it('passes axe, has its title, and keeps the header on one line per item', async () => {
    const product = await createProduct({ name: `Cup ${unique()}`, stock: 5 });
    const shop = await openShop(browser, viewport);
    const { page } = shop;
    const check = async (pathname: string, title: string, state = pathname) => {
      await page.goto(url(pathname));
      await expectTitle(page, title);
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      await expectAccessible(page, `${viewport} ${state}`);
      await expectNoSidewaysScroll(page, `${viewport} ${state}`);
    };

    await check('/', 'Products');
    await check(`/products/${product.id}`, product.name, 'product signed out');
    await check('/sign-in', 'Sign in');
    await page.getByRole('button', { name: 'New here? Create an account' }).click();
    await expectAccessible(page, `${viewport} sign-up`);
    await check('/nowhere', 'Not found');

    const name = 'Maximiliana Wolkenstein-Hohenberg';
    await page.goto(url('/'));
    await signUpInBrowser(page, name);
    // A long name is cut with an ellipsis, not wrapped over several lines.
    const who = page.getByTestId('signed-in-as');
    const box = await who.boundingBox();
    expect(box?.height ?? 0).toBeLessThan(40);
    await check(`/products/${product.id}`, product.name, 'product signed in');
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await check('/cart', 'Cart', 'cart with a line');
    await page.getByRole('button', { name: 'Place order' }).click();
    await expect.poll(() => orderStatus(page), { timeout: 20_000 }).toBe('CONFIRMED');
    await expectAccessible(page, `${viewport} order`);
    await expectNoSidewaysScroll(page, `${viewport} order`);
    await check('/cart', 'Cart', 'empty cart');
    await check('/orders', 'My orders');
    await check('/account', 'Your account');
    if (viewport === 'phone') await shot(page, 'phone-account');

    // The profile: change the name; the header follows.
    await page.getByLabel('Name').fill('Max W.');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Your name is saved.').waitFor();
    await expect.poll(() => who.textContent()).toBe('Max W.');
    await page.getByLabel('Name').fill('');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.locator('#profile-name-error').count()).toBe(1);
    await expectAccessible(page, `${viewport} profile field error`);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('link', { name: 'Sign in', exact: true }).waitFor();
    await shop.close();
  });

  it('admin pages pass axe too', async () => {
    const shop = await openShop(browser, viewport);
    const { page } = shop;
    await page.goto(url('/sign-in'));
    await logInInBrowser(page, run.adminEmail, run.adminPassword);
    for (const [pathname, title] of [
      ['/admin/products', 'Admin: products'],
      ['/admin/products/new', 'Admin: new product'],
      ['/admin/orders', 'Admin: orders'],
      ['/admin/orders?status=CONFIRMED', 'Admin: confirmed orders'],
    ] as const) {
      await page.goto(url(pathname));
      await expectTitle(page, title);
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      // The first test of this width placed and confirmed an order: the orders pages have a row to show.
      if (pathname.startsWith('/admin/orders')) await page.getByTestId('admin-order').first().waitFor();
      await expectAccessible(page, `${viewport} ${pathname}`);
      await expectNoSidewaysScroll(page, `${viewport} ${pathname}`);
    }
    await shop.close();
  });
});
