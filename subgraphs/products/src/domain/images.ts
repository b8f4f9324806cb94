/**
 * Product images: what may be stored (validated input) and how the stored JSON column is read back.
 * An image is `{ url, alt }`; a product keeps at most MAX_IMAGES of them, in display order, in its
 * `images` column (JSON), so a product and its pictures are read and changed together.
 */
import { z } from 'zod';

export const MAX_IMAGES = 10;
/** Long enough for a small inline SVG or thumbnail as a data: URL; larger pictures belong on a CDN. */
export const MAX_IMAGE_URL_LENGTH = 50_000;
/** Alt text: what the picture shows, in a sentence or two. */
export const MAX_IMAGE_ALT_LENGTH = 300;

export interface ProductImage {
  url: string;
  alt: string;
}

const DATA_IMAGE = /^data:(image\/(?:svg\+xml|png|jpeg|webp|gif))((?:;[a-z0-9=+-]+)*),(.*)$/is;
/** A base64 payload (RFC 4648 §4 alphabet, padded). */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** A URL-encoded payload (RFC 3986 characters allowed in a URL, every `%` starting an escape): what encodeURIComponent gives. */
const URL_ENCODED = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*$/;

/**
 * An image URL a browser may load in an `<img>`, in the form to store, or undefined when it is not one:
 * an http(s) URL with a host and no credentials, normalised by the WHATWG URL parser (spaces, quotes and
 * angle brackets percent-encoded, as a browser would send them), or a data: URL of an image type (RFC
 * 2397) whose payload is valid base64 (`;base64`) or URL-encoded text. Other schemes (javascript:,
 * file:, data:text/html) are refused, so a storefront can render the URL as is.
 */
export function imageUrl(url: string): string | undefined {
  const data = DATA_IMAGE.exec(url);
  if (data) {
    const [, type, parameters, payload] = data as unknown as [string, string, string, string];
    const base64 = /;base64$/i.test(parameters);
    return (base64 ? BASE64 : URL_ENCODED).test(payload) ? `data:${type.toLowerCase()}${parameters},${payload}` : undefined;
  }
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined;
    if (parsed.hostname === '' || parsed.username !== '' || parsed.password !== '') return undefined;
    return parsed.href;
  } catch {
    return undefined;
  }
}

const imageInput = z.object({
  url: z
    .string()
    .trim()
    .min(1)
    .max(MAX_IMAGE_URL_LENGTH)
    .transform((url, context) => {
      const stored = imageUrl(url);
      if (stored === undefined) context.addIssue({ code: 'custom', message: 'must be an http(s) URL or a data:image/... URL' });
      return stored ?? url;
    })
    .pipe(z.string().max(MAX_IMAGE_URL_LENGTH)),
  alt: z.string().trim().min(1).max(MAX_IMAGE_ALT_LENGTH),
});

/** The `images` field of createProduct/updateProduct inputs. */
export const imagesInput = z.array(imageInput).max(MAX_IMAGES);

/** The stored column, read defensively: anything not shaped like an image is left out rather than failing the product. */
export function storedImages(column: unknown): ProductImage[] {
  if (!Array.isArray(column)) return [];
  return column.filter(
    (image): image is ProductImage =>
      typeof image === 'object' && image !== null && typeof (image as ProductImage).url === 'string' && typeof (image as ProductImage).alt === 'string',
  );
}
