import { describe, expect, it } from 'vitest';
import { hueOf, productImage, productSvg } from './product-art.js';

describe('demo product pictures', () => {
  it('are stable per SKU and differ between SKUs', () => {
    expect(productSvg('MUG-001', 'Mug')).toBe(productSvg('MUG-001', 'Mug'));
    expect(hueOf('MUG-001')).not.toBe(hueOf('MUG-002'));
  });

  it('escape the name and come as a small data:image/svg+xml URL with alt text', () => {
    expect(productSvg('X-1', 'Salt & <Pepper>')).toContain('Salt &#38; &#60;Pepper&#62;');
    const image = productImage('TEA-001', 'Sencha Green Tea');
    expect(image.url.startsWith('data:image/svg+xml;charset=utf-8,')).toBe(true);
    expect(image.url.length).toBeLessThan(2000);
    expect(decodeURIComponent(image.url.split(',')[1] ?? '')).toContain('<svg');
    expect(image.alt).toBe('Illustration of Sencha Green Tea');
  });
});
