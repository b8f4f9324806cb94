/**
 * The catalog's filters in the URL, and the router's explorer working offline, in Chromium. The
 * shopper's journeys are in shopping.test.ts, sessions and errors in sessions-and-errors.test.ts, the
 * admin pages in admin.test.ts and every page under axe in accessibility.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { createProduct } from '../support/catalog.js';
import { run, unique } from '../support/run.js';
import { expectAccessible, launch, openShop, shot, url } from './harness.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(() => browser?.close());

describe('the storefront, in Chromium', () => {
  it('filters and sorts the catalog from the URL', async () => {
    const tag = unique('sortable');
    await createProduct({ name: `${tag} cheap`, amountCents: 100, stock: 3 });
    await createProduct({ name: `${tag} dear`, amountCents: 9900, stock: 0 });
    const shop = await openShop(browser);
    const { page } = shop;
    await page.goto(url(`/?q=${tag}&orderBy=PRICE_DESC`));
    const names = () => page.getByRole('list', { name: 'Products' }).getByRole('link').allTextContents();
    await expect.poll(names).toEqual([`${tag} dear`, `${tag} cheap`]);
    await page.getByText('In stock only').click();
    await expect.poll(names).toEqual([`${tag} cheap`]);
    expect(new URL(page.url()).searchParams.get('inStock')).toBe('1');
    await expectAccessible(page, 'filtered catalog');
    await shot(page, 'desktop-15-filtered');
    await shop.close();
  });

  it('the explorer loads offline and runs a query', async () => {
    const shop = await openShop(browser);
    const { page } = shop;
    const external: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(new URL(run.routerUrl).origin)) external.push(request.url());
    });
    await page.goto(new URL('/', run.routerUrl).toString());
    await page.getByRole('button', { name: /Execute query/ }).click();
    await expect.poll(() => page.locator('.result-window').textContent(), { timeout: 20_000 }).toContain('"products"');
    await shot(page, 'desktop-16-explorer');
    expect(external).toEqual([]);
    await page.context().close();
  });
});
