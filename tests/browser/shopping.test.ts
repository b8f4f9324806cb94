/**
 * A shopper's journeys in Chromium, at desktop and phone widths: catalog with pictures, a cart of
 * several products kept across reloads, one order for all of it, the status followed live to
 * CONFIRMED, order history, reviews written, edited and deleted; sold-out products not orderable; a
 * rejection explained on its line; "Load more" and "More reviews" clicked twice append one page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { asAdmin, signUp } from '../support/accounts.js';
import { createProduct } from '../support/catalog.js';
import { unique } from '../support/run.js';
import { addReview } from '../support/shop.js';
import { productImage } from '../../deploy/local/src/product-art.js';
import { expectAccessible, expectTitle, launch, openShop, orderStatus, shot, signUpInBrowser, url, VIEWPORTS, type ViewportName } from './harness.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(() => browser?.close());

// Pictures as the demo data has them: drawn by code, data: URLs.
const drawn = (sku: string, name: string) => productImage(sku, name).url;

async function setImages(productId: string, images: { url: string; alt: string }[]) {
  const admin = await asAdmin();
  await admin.client.data('mutation($id: ID!, $input: UpdateProductInput!) { updateProduct(id: $id, input: $input) { id } }', { id: productId, input: { images } });
}

async function setStock(productId: string, stock: number) {
  const admin = await asAdmin();
  await admin.client.data('mutation($id: ID!, $input: UpdateProductInput!) { updateProduct(id: $id, input: $input) { id } }', { id: productId, input: { stock } });
}

describe.each(Object.keys(VIEWPORTS) as ViewportName[])('shopping at %s width', (viewport) => {
  it('search, pictures, a cart of two products kept across a reload, one order, CONFIRMED live, history, reviews', async () => {
    const tag = unique('lamp');
    const lamp = await createProduct({ name: `${tag} Lamp`, amountCents: 4900, stock: 5, description: 'A warm reading lamp.' });
    const shade = await createProduct({ name: `${tag} Shade`, amountCents: 1250, stock: 3 });
    await setImages(lamp.id, [{ url: drawn('KIT-001', lamp.name), alt: 'The lamp, lit' }, { url: drawn('ACC-001', 'From above'), alt: 'The lamp from above' }]);
    const shop = await openShop(browser, viewport);
    const { page } = shop;

    await page.goto(url('/'));
    await expectTitle(page, 'Products');
    await signUpInBrowser(page, 'Grace');
    await shot(page, `${viewport}-1-signed-up`);

    await page.getByLabel('Search products').fill(tag);
    await page.getByRole('button', { name: 'Search' }).click();
    const grid = page.getByRole('list', { name: 'Products' });
    await expect.poll(() => grid.getByRole('link').allTextContents()).toEqual([shade.name, lamp.name]);
    // Pictures: the first image with its alt text, lazy in the grid; a placeholder with a name when there is none.
    const picture = grid.getByRole('img', { name: 'The lamp, lit' });
    expect(await picture.getAttribute('loading')).toBe('lazy');
    await expect.poll(() => grid.getByRole('img', { name: `No picture of ${shade.name}` }).count()).toBe(1);
    await expectAccessible(page, `${viewport} search results`);
    await shot(page, `${viewport}-2-search-results`);

    await grid.getByRole('link', { name: lamp.name }).click();
    await page.getByRole('heading', { level: 1, name: lamp.name }).waitFor();
    await expectTitle(page, lamp.name);
    // Focus moves to the new page's heading.
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
    await expect.poll(() => page.getByRole('img', { name: 'The lamp from above' }).count()).toBe(1);
    await expect.poll(() => page.getByTestId('stock').textContent()).toBe('5 in stock');
    // The quantity is capped at the stock.
    await page.getByLabel('Quantity').fill('9');
    await expect.poll(() => page.getByLabel('Quantity').inputValue()).toBe('5');
    await page.getByLabel('Quantity').fill('2');
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await page.getByText('Added 2 to your cart.').waitFor();
    await expectAccessible(page, `${viewport} product page`);
    await shot(page, `${viewport}-3-product-page`);

    await page.goto(url(`/products/${shade.id}`));
    await page.getByLabel('Quantity').fill('3');
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await expect.poll(() => page.getByTestId('cart-count').textContent()).toBe('5');

    // The cart survives a reload and shows the lines, fresh prices and the total.
    await page.reload();
    await page.getByRole('link', { name: /^Cart, 5 items/ }).click();
    await expectTitle(page, 'Cart');
    await expect.poll(() => page.getByTestId('cart-line').count()).toBe(2);
    await expect.poll(() => page.getByText('Total $135.50').count()).toBe(1);
    await expectAccessible(page, `${viewport} cart`);
    // The cart fits the screen, a 390 px phone included: no sideways scrolling, every button in view.
    const overflow = await page.evaluate(() => {
      const table = document.querySelector('table.cart') as HTMLElement;
      const buttons = [...table.querySelectorAll('button')].map((button) => button.getBoundingClientRect().right);
      return { page: document.documentElement.scrollWidth - window.innerWidth, table: table.getBoundingClientRect().right - window.innerWidth, buttons: Math.max(...buttons) - window.innerWidth };
    });
    console.log(`[cart] ${viewport}: right edges beyond the viewport (px): page ${overflow.page}, table ${overflow.table.toFixed(1)}, buttons ${overflow.buttons.toFixed(1)}`);
    expect(overflow.page).toBeLessThanOrEqual(0);
    expect(overflow.table).toBeLessThanOrEqual(0);
    expect(overflow.buttons).toBeLessThanOrEqual(0);
    await shot(page, `${viewport}-4-cart`);

    await page.getByRole('button', { name: 'Place order' }).dblclick();
    await page.waitForURL(/\/orders\/[0-9a-f-]+$/);
    await expect.poll(() => orderStatus(page), { timeout: 20_000 }).toBe('CONFIRMED');
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Your order is confirmed.' }).count()).toBe(1);
    expect(await page.getByTestId('order-line').allTextContents()).toEqual([expect.stringContaining(lamp.name), expect.stringContaining(shade.name)]);
    expect(await page.getByTestId('order-total').textContent()).toBe('Total $135.50');
    await expectAccessible(page, `${viewport} order confirmed`);
    await shot(page, `${viewport}-5-order-confirmed`);
    await expect.poll(() => page.getByTestId('cart-count').textContent()).toBe('0');

    // History: one order (the double click placed one), its number, date, lines, total, status.
    await page.getByRole('link', { name: 'My orders' }).click();
    await expectTitle(page, 'My orders');
    const orders = page.getByRole('list', { name: 'Orders' });
    await expect.poll(() => orders.textContent()).toContain(`2 × ${lamp.name}, 3 × ${shade.name}`);
    expect(await orders.locator(':scope > li').count()).toBe(1);
    expect(await orders.textContent()).toMatch(/Order [0-9A-F]{8} · \w{3} \d+, \d{4}.*Confirmed.*Total \$135\.50/);
    await expectAccessible(page, `${viewport} order history`);
    await shot(page, `${viewport}-6-my-orders`);

    // Stock follows the order.
    await page.goto(url(`/products/${lamp.id}`));
    await expect.poll(() => page.getByTestId('stock').textContent()).toBe('3 in stock');

    // Review: write it (a field error first), see it with its date and badge, edit it, delete it.
    await page.getByRole('button', { name: 'Submit review' }).click();
    await expect.poll(() => page.locator('#new-review-body-error').textContent()).toBe('Please fill this in.');
    await expectAccessible(page, `${viewport} review field error`);
    await page.getByLabel('Rating', { exact: true }).selectOption('4');
    await page.getByLabel('Review', { exact: true }).fill('Lovely light for reading.');
    await page.getByRole('button', { name: 'Submit review' }).click();
    const reviews = page.getByRole('list', { name: 'Reviews' });
    await reviews.getByText('Lovely light for reading.').waitFor();
    await expect.poll(() => page.getByRole('button', { name: 'Submit review' }).count()).toBe(0);
    expect(await reviews.locator('time').count()).toBe(1);
    await expect.poll(() => reviews.getByText('Verified purchase').count(), { timeout: 20_000 }).toBe(1);
    await expect.poll(() => page.getByTestId('average-rating').textContent(), { timeout: 20_000 }).toBe('4.0');
    await expectAccessible(page, `${viewport} reviewed`);
    await shot(page, `${viewport}-7-reviewed`);
    await page.getByRole('button', { name: 'Edit your review' }).click();
    await page.getByLabel('Rating', { exact: true }).selectOption('2');
    await page.getByLabel('Review', { exact: true }).fill('Flickers after a week.');
    await page.getByRole('button', { name: 'Save review' }).click();
    await reviews.getByText('Flickers after a week.').waitFor();
    await expect.poll(() => page.getByTestId('average-rating').textContent(), { timeout: 20_000 }).toBe('2.0');
    await page.getByRole('button', { name: 'Delete your review' }).click();
    await page.getByText('No reviews yet.').first().waitFor();
    await page.getByRole('button', { name: 'Submit review' }).waitFor();
    await shop.close();
  });
});

describe('what cannot be ordered', () => {
  it('a sold-out product offers no way to order it', async () => {
    const product = await createProduct({ name: `Teapot ${unique()}`, stock: 0 });
    const shop = await openShop(browser);
    await shop.page.goto(url('/'));
    await signUpInBrowser(shop.page, 'Ivy');
    await shop.page.goto(url(`/products/${product.id}`));
    await shop.page.getByText("This product can't be ordered right now.").waitFor();
    expect(await shop.page.getByRole('button', { name: 'Add to cart' }).count()).toBe(0);
    expect(await shop.page.getByTestId('stock').textContent()).toBe('Sold out');
    await expectAccessible(shop.page, 'sold out');
    await shop.close();
  });

  it('stock gone between cart and order: REJECTED, with the reason on its line', async () => {
    const tag = unique();
    const vase = await createProduct({ name: `Vase ${tag}`, stock: 1 });
    const bowl = await createProduct({ name: `Bowl ${tag}`, stock: 5 });
    const shop = await openShop(browser);
    const { page } = shop;
    await page.goto(url('/'));
    await signUpInBrowser(page, 'Henry');
    for (const product of [vase, bowl]) {
      await page.goto(url(`/products/${product.id}`));
      await page.getByRole('button', { name: 'Add to cart' }).click();
      await page.getByText('Added 1 to your cart.').waitFor();
    }
    await page.goto(url('/cart'));
    await expect.poll(() => page.getByRole('button', { name: 'Place order' }).isEnabled()).toBe(true);
    await setStock(vase.id, 0); // someone else bought the last one
    await page.getByRole('button', { name: 'Place order' }).click();
    await expect.poll(() => orderStatus(page), { timeout: 20_000 }).toBe('REJECTED');
    const lines = page.getByTestId('order-line');
    await expect.poll(() => lines.filter({ hasText: vase.name }).getByTestId('line-reason').textContent()).toBe('Out of stock: none left, 1 wanted.');
    expect(await lines.filter({ hasText: bowl.name }).getByTestId('line-reason').count()).toBe(0);
    await expectAccessible(page, 'order rejected');
    await shot(page, 'desktop-8-order-rejected');

    // The cart now marks what cannot be ordered and blocks checkout until it is fixed.
    await page.goto(url(`/products/${bowl.id}`));
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await setStock(bowl.id, 0);
    await page.goto(url('/cart'));
    await page.getByText('Sold out.').waitFor();
    expect(await page.getByRole('button', { name: 'Place order' }).isDisabled()).toBe(true);
    await shop.close();
  });
});

describe('the catalog', () => {
  it('"Load more" clicked twice appends the next page once', async () => {
    const tag = unique('many');
    for (let i = 0; i < 14; i += 1) await createProduct({ name: `${tag} item ${String(i).padStart(2, '0')}`, stock: 1 });
    const shop = await openShop(browser);
    await shop.page.goto(url(`/?q=${tag}`));
    const links = shop.page.getByRole('list', { name: 'Products' }).getByRole('link');
    await expect.poll(() => links.count()).toBe(12);
    await shop.page.getByRole('button', { name: 'Load more' }).dblclick();
    await expect.poll(() => links.count()).toBe(14);
    await expect.poll(() => shop.page.getByRole('button', { name: /Load more|Loading/ }).count()).toBe(0);
    const names = await links.allTextContents();
    expect(new Set(names).size).toBe(14);
    expect(names).toHaveLength(14);
    await shop.close();
  });
});

describe('reviews', () => {
  it('ten at a time: "More reviews" clicked twice appends the rest once, each with its date', async () => {
    const product = await createProduct({ name: `Rug ${unique()}`, stock: 5 });
    const authors = await Promise.all(Array.from({ length: 12 }, (_, index) => signUp(`Reviewer ${index}`)));
    for (const [index, author] of authors.entries()) await addReview(author, product.id, (index % 5) + 1);
    const shop = await openShop(browser);
    await shop.page.goto(url(`/products/${product.id}`));
    const reviews = shop.page.getByRole('list', { name: 'Reviews' }).locator(':scope > li');
    await expect.poll(() => reviews.count()).toBe(10);
    await shop.page.getByRole('button', { name: 'More reviews' }).dblclick();
    await expect.poll(() => reviews.count()).toBe(12);
    await expect.poll(() => shop.page.getByRole('button', { name: /More reviews|Loading/ }).count()).toBe(0);
    expect(await reviews.locator('time').count()).toBe(12);
    expect(new Set(await reviews.allTextContents()).size).toBe(12);
    await expectAccessible(shop.page, 'all reviews');
    await shop.close();
  });
});
