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

/**
 * An image URL a browser may load in an `<img>`: http(s) with a host, or a data: URL of an image type.
 * Other schemes (javascript:, file:, data:text/html) are refused, so a storefront can render the URL as is.
 */
export function isImageUrl(url: string): boolean {
  if (/^data:image\/(svg\+xml|png|jpeg|webp|gif)(;[a-z0-9=+-]+)*,/i.test(url)) return true;
  try {
    const parsed = new URL(url);
    return (parsed.protocol === 'https:' || parsed.protocol === 'http:') && parsed.hostname !== '';
  } catch {
    return false;
  }
}

const imageInput = z.object({
  url: z
    .string()
    .trim()
    .min(1)
    .max(MAX_IMAGE_URL_LENGTH)
    .refine(isImageUrl, { message: 'must be an http(s) URL or a data:image/... URL' }),
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
