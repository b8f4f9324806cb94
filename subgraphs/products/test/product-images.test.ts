/** Product.images through the products subgraph: stored in order with their alt text, replaced by updateProduct, validated. */
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { startTestSubgraph, type TestSubgraph } from '@commerce/kit/testing';
import { loadProductsConfig } from '../src/config.js';
import { createProductsService } from '../src/service.js';

const run = inject('run');
const admin = { id: '00000000-0000-4000-8000-00000000000a', scope: 'customer admin' };
let products: TestSubgraph;

beforeAll(async () => {
  products = await startTestSubgraph(run, 'products', 'products_images', loadProductsConfig, createProductsService);
});
afterAll(() => products?.close());

// A drawn picture as the demo data has them: well past the 256 characters a plain string input may have.
const svg = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 300">${'<circle cx="200" cy="150" r="90" fill="#c9a227"/>'.repeat(8)}</svg>`,
)}`;
const CREATE = 'mutation($i: CreateProductInput!) { createProduct(input: $i) { id images { url alt } } }';
const UPDATE = 'mutation($id: ID!, $i: UpdateProductInput!) { updateProduct(id: $id, input: $i) { images { url alt } } }';
const input = (sku: string, images?: unknown) => ({ sku, name: sku, description: '', price: { amountCents: '100' }, stock: 1, ...(images ? { images } : {}) });

describe('product images', () => {
  it('keeps the images in order with their alt text; updateProduct replaces them; none by default', async () => {
    expect(svg.length).toBeGreaterThan(256);
    const images = [
      { url: 'https://cdn.example.com/lamp-front.jpg', alt: 'The lamp from the front' },
      { url: svg, alt: 'A drawing of the lamp' },
    ];
    const created = await products.request<{ createProduct: { id: string; images: unknown[] } }>(CREATE, { i: input('IMG-1', images) }, admin);
    expect(created.data?.createProduct.images).toEqual(images);

    const read = await products.request<{ product: { images: unknown[] } }>('query($id: ID!) { product(id: $id) { images { url alt } } }', {
      id: created.data!.createProduct.id,
    });
    expect(read.data?.product.images).toEqual(images);

    const updated = await products.request<{ updateProduct: { images: unknown[] } }>(UPDATE, { id: created.data!.createProduct.id, i: { images: [images[1]] } }, admin);
    expect(updated.data?.updateProduct.images).toEqual([images[1]]);
    const kept = await products.request<{ updateProduct: { images: unknown[] } }>(UPDATE, { id: created.data!.createProduct.id, i: { stock: 4 } }, admin);
    expect(kept.data?.updateProduct.images).toEqual([images[1]]);

    const plain = await products.request<{ createProduct: { images: unknown[] } }>(CREATE, { i: input('IMG-2') }, admin);
    expect(plain.data?.createProduct.images).toEqual([]);
  });

  it('refuses URLs a page could not safely show and images without alt text, as BAD_USER_INPUT naming the field', async () => {
    for (const [image, field] of [
      [{ url: 'javascript:alert(1)', alt: 'x' }, 'input.images.0.url'],
      [{ url: 'data:text/html,<script>alert(1)</script>', alt: 'x' }, 'input.images.0.url'],
      [{ url: 'https://cdn.example.com/a.jpg', alt: ' ' }, 'input.images.0.alt'],
      [{ url: `data:image/png;base64,${'A'.repeat(50_000)}`, alt: 'too large to inline' }, 'input.images.0.url'],
      [{ url: 'https://cdn.example.com/a.jpg', alt: 'x'.repeat(301) }, 'input.images.0.alt'],
    ] as const) {
      const result = await products.request(CREATE, { i: input(`IMG-BAD-${field.length}-${image.url.length}`, [image]) }, admin);
      expect(result.errors?.[0]?.extensions?.code, image.url).toBe('BAD_USER_INPUT');
      expect(JSON.stringify(result.errors?.[0]), image.url).toContain(field);
    }
  });
});
