/**
 * Demo product pictures, drawn by code: a small SVG per product (a colour from its SKU, a motif for
 * its category, its name), handed to the catalog as a data: URL. Nothing is downloaded, and the same
 * SKU always gives the same picture.
 */

/** Motifs by SKU prefix (MUG-001 → MUG), in a 200 × 200 viewBox. */
const MOTIFS: Record<string, string> = {
  MUG: '<rect x="60" y="70" width="70" height="80" rx="10"/><path d="M130 88h14a14 14 0 0 1 0 28h-14" fill="none" stroke-width="10"/>',
  TEA: '<path d="M100 50c30 20 40 60 0 100c-40-40-30-80 0-100z"/><path d="M100 60v85" fill="none" stroke-width="4"/>',
  COF: '<ellipse cx="100" cy="100" rx="34" ry="48"/><path d="M100 56c-14 30 14 58 0 88" fill="none" stroke-width="6"/>',
  KIT: '<rect x="55" y="80" width="90" height="70" rx="12"/><path d="M145 95l25-25" fill="none" stroke-width="8"/><rect x="80" y="66" width="40" height="14" rx="4"/>',
  ACC: '<circle cx="100" cy="100" r="46"/><circle cx="100" cy="100" r="28" fill="none" stroke-width="6"/>',
  BAK: '<path d="M45 120c0-40 110-40 110 0v20H45z"/><path d="M70 108l10-14M95 104l8-14M120 108l8-14" fill="none" stroke-width="5"/>',
  CHO: '<rect x="55" y="60" width="90" height="80" rx="6"/><path d="M55 87h90M55 113h90M85 60v80M115 60v80" fill="none" stroke-width="4"/>',
  HON: '<path d="M100 52l40 23v46l-40 23-40-23V75z"/><circle cx="100" cy="98" r="14" fill="none" stroke-width="5"/>',
};
const DEFAULT_MOTIF = '<rect x="60" y="60" width="80" height="80" rx="16"/>';

/** A stable hue (0–359) from a string (FNV-1a), so each product keeps its colour across seeds. */
export function hueOf(text: string): number {
  let hash = 0x811c9dc5;
  for (const char of text) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  return hash % 360;
}

const escapeXml = (text: string) => text.replace(/[<>&"']/g, (char) => `&#${char.charCodeAt(0)};`);

/** The SVG document for one product. */
export function productSvg(sku: string, name: string): string {
  const hue = hueOf(sku);
  const motif = MOTIFS[sku.split('-')[0] ?? ''] ?? DEFAULT_MOTIF;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 200" width="400" height="400">` +
    `<rect width="200" height="200" fill="hsl(${hue} 45% 88%)"/>` +
    `<g fill="hsl(${hue} 40% 38%)" stroke="hsl(${hue} 40% 38%)" stroke-linecap="round">${motif}</g>` +
    `<text x="100" y="186" font-family="sans-serif" font-size="13" text-anchor="middle" fill="hsl(${hue} 40% 22%)">${escapeXml(name)}</text>` +
    `</svg>`
  );
}

/** The product's picture as `{ url, alt }`, the shape of `ProductImageInput`. */
export function productImage(sku: string, name: string): { url: string; alt: string } {
  return { url: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(productSvg(sku, name))}`, alt: `Illustration of ${name}` };
}
