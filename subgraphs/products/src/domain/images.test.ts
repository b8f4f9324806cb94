import { describe, expect, it } from 'vitest';
import { imagesInput, imageUrl, MAX_IMAGES, storedImages } from './images.js';

describe('product images', () => {
  it('accepts http(s) and data:image URLs only', () => {
    expect(imageUrl('https://cdn.example.com/lamp.jpg')).toBe('https://cdn.example.com/lamp.jpg');
    expect(imageUrl('http://127.0.0.1:4005/images/lamp.svg')).toBe('http://127.0.0.1:4005/images/lamp.svg');
    expect(imageUrl('data:image/svg+xml;charset=utf-8,%3Csvg%3E')).toBe('data:image/svg+xml;charset=utf-8,%3Csvg%3E');
    expect(imageUrl('data:image/png;base64,iVBORw0KGgo=')).toBe('data:image/png;base64,iVBORw0KGgo=');
    for (const bad of ['javascript:alert(1)', 'data:text/html,<script>', 'file:///etc/passwd', '/images/lamp.svg', 'lamp.jpg', 'https://']) {
      expect(imageUrl(bad), bad).toBeUndefined();
    }
  });

  it('stores http(s) URLs as a browser sends them and refuses credentials and malformed data: payloads', () => {
    expect(imageUrl('https://example.com/a b.png')).toBe('https://example.com/a%20b.png');
    expect(imageUrl('https://x/"><script>')).toBe('https://x/%22%3E%3Cscript%3E');
    expect(imageUrl('HTTPS://CDN.Example.com/Lamp.jpg')).toBe('https://cdn.example.com/Lamp.jpg');
    expect(imageUrl(`data:image/svg+xml;charset=utf-8,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg"/>')}`)).toMatch(/^data:image\/svg\+xml;charset=utf-8,%3Csvg/);
    for (const bad of ['https://user:secret@cdn.example.com/a.png', 'data:image/png;base64,!!!', 'data:image/png;base64,abc', 'data:image/svg+xml,<svg onload="x">', 'data:image/png,%zz']) {
      expect(imageUrl(bad), bad).toBeUndefined();
    }
    const parsed = imagesInput.safeParse([{ url: 'https://example.com/a b.png', alt: 'A' }]);
    expect(parsed.success && parsed.data[0]?.url).toBe('https://example.com/a%20b.png');
    expect(imagesInput.safeParse([{ url: 'data:image/png;base64,!!!', alt: 'A' }]).success).toBe(false);
  });

  it('requires alt text and caps the count', () => {
    expect(imagesInput.safeParse([{ url: 'https://x.test/a.png', alt: 'A lamp' }]).success).toBe(true);
    expect(imagesInput.safeParse([{ url: 'https://x.test/a.png', alt: '  ' }]).success).toBe(false);
    const many = Array.from({ length: MAX_IMAGES + 1 }, () => ({ url: 'https://x.test/a.png', alt: 'A lamp' }));
    expect(imagesInput.safeParse(many).success).toBe(false);
  });

  it('reads the stored column defensively', () => {
    expect(storedImages(null)).toEqual([]);
    expect(storedImages([{ url: 'https://x.test/a.png', alt: 'A' }, { url: 3 }, 'x'])).toEqual([{ url: 'https://x.test/a.png', alt: 'A' }]);
  });
});
