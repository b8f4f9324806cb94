/**
 * The storefront in a real browser (playwright-core driving Debian's Chromium), against the shared
 * stack: the journeys a shopper takes. Screenshots of each step go to tests/artifacts/screenshots/.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { repoRoot } from '@commerce/stack/paths';
import { createProduct } from '../support/catalog.js';
import { run, unique } from '../support/run.js';

const shots = path.join(repoRoot, 'tests/artifacts/screenshots');
let browser: Browser;

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
});
afterAll(() => browser?.close());

async function newPage(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 860 } });
  page.setDefaultTimeout(20_000);
  return page;
}

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });

async function signUp(page: Page, name: string): Promise<void> {
  await page.goto(run.storefrontUrl);
  await page.getByRole('link', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'New here? Create an account' }).click();
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('E-mail').fill(`${unique(name.toLowerCase())}@example.test`);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect.poll(() => page.getByTestId('signed-in-as').textContent()).toBe(name);
}

describe('the storefront, in Chromium', () => {
  it('a shopper signs up, searches, orders, sees CONFIRMED, reviews, and sees the rating and the verified badge', async () => {
    const name = `Lamp ${unique()}`;
    await createProduct({ name, amountCents: 4900, stock: 5, description: 'A warm reading lamp.' });
    const page = await newPage();

    await signUp(page, 'Grace');
    await shot(page, '1-signed-up');

    await page.getByLabel('Search products').fill(name);
    await page.getByRole('button', { name: 'Search' }).click();
    const card = page.getByRole('link', { name });
    await card.waitFor();
    await shot(page, '2-search-results');
    await card.click();
    await page.getByRole('heading', { name }).waitFor();
    await shot(page, '3-product-page');

    await page.getByLabel('Quantity').fill('2');
    await page.getByRole('button', { name: 'Place order' }).click();
    await expect.poll(() => page.getByTestId('order-status').textContent(), { timeout: 20_000 }).toBe('CONFIRMED');
    await shot(page, '4-order-confirmed');

    await page.getByRole('link', { name }).click();
    await page.getByLabel('Rating', { exact: true }).selectOption('4');
    await page.getByLabel('Review', { exact: true }).fill('Lovely light for reading.');
    await page.getByRole('button', { name: 'Submit review' }).click();
    await page.getByText('Lovely light for reading.').waitFor();
    await expect.poll(() => page.getByText('Verified purchase').count(), { timeout: 20_000 }).toBe(1);
    await expect.poll(() => page.getByTestId('average-rating').textContent(), { timeout: 20_000 }).toBe('4.0');
    await shot(page, '5-reviewed');

    await page.getByRole('link', { name: 'My orders' }).click();
    await expect.poll(() => page.getByRole('list', { name: 'Orders' }).textContent()).toContain(name);
    await shot(page, '6-my-orders');
    await page.close();
  });

  it('an order beyond the stock ends REJECTED, with the reason', async () => {
    const name = `Vase ${unique()}`;
    const product = await createProduct({ name, stock: 1 });
    const page = await newPage();
    await signUp(page, 'Henry');
    await page.goto(new URL(`/products/${product.id}`, run.storefrontUrl).toString());
    await page.getByLabel('Quantity').fill('3');
    await page.getByRole('button', { name: 'Place order' }).click();
    await expect.poll(() => page.getByTestId('order-status').textContent(), { timeout: 20_000 }).toBe('REJECTED');
    await expect.poll(() => page.getByText(/out of stock/).count()).toBe(1);
    await shot(page, '7-order-rejected');
    await page.close();
  });

  it('filters and sorts the catalog', async () => {
    const tag = unique('sortable');
    await createProduct({ name: `${tag} cheap`, amountCents: 100, stock: 3 });
    await createProduct({ name: `${tag} dear`, amountCents: 9900, stock: 0 });
    const page = await newPage();
    await page.goto(`${run.storefrontUrl}?q=${tag}&orderBy=PRICE_DESC`);
    const names = () => page.getByRole('list', { name: 'Products' }).getByRole('link').allTextContents();
    await expect.poll(names).toEqual([`${tag} dear`, `${tag} cheap`]);
    await page.getByText('In stock only').click();
    await expect.poll(names).toEqual([`${tag} cheap`]);
    await shot(page, '8-filtered');
    await page.close();
  });

  it('the explorer loads offline and runs a query', async () => {
    const page = await newPage();
    const external: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(new URL(run.routerUrl).origin)) external.push(request.url());
    });
    await page.goto(new URL('/', run.routerUrl).toString());
    await page.getByRole('button', { name: /Execute query/ }).click();
    await expect.poll(() => page.locator('.result-window').textContent(), { timeout: 20_000 }).toContain('"products"');
    await shot(page, '9-explorer');
    expect(external).toEqual([]);
    await page.close();
  });
});
