/**
 * Why an order was rejected, per line: the products service words its refusal as
 * "out of stock: <SKU> has <n>, <m> wanted", "<SKU> is no longer sold" or "product <id> does not exist"
 * (subgraphs/products/src/domain/stock.ts); this finds the line it is about and says it for a shopper.
 */
export interface LineReason {
  /** The line's SKU or product id the reason names. */
  key: string;
  message: string;
}

export function lineReason(statusReason: string | null): LineReason | null {
  if (!statusReason) return null;
  let match = statusReason.match(/out of stock: (\S+) has (-?\d+), (\d+) wanted/);
  if (match) {
    const available = Math.max(0, Number(match[2]));
    return { key: match[1] as string, message: available === 0 ? `Out of stock: none left, ${match[3]} wanted.` : `Out of stock: only ${available} left, ${match[3]} wanted.` };
  }
  if ((match = statusReason.match(/^(\S+) is no longer sold/))) return { key: match[1] as string, message: 'No longer sold.' };
  if ((match = statusReason.match(/^product (\S+) does not exist/))) return { key: match[1] as string, message: 'This product no longer exists.' };
  return null;
}
