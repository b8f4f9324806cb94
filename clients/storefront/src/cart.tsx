/**
 * The cart: product lines and quantities, one per signed-in shopper, kept in localStorage under the
 * shopper's id so it survives reloads and never leaks to the next person who signs in on the device.
 * Prices and stock are not stored — the cart page reads them fresh, so what is ordered is what is shown.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useSession } from './session';

export interface CartLine {
  productId: string;
  name: string;
  quantity: number;
}

/** The most of one product a single order line may ask for (placeOrder refuses more). */
export const MAX_LINE_QUANTITY = 100;

const keyOf = (userId: string) => `commerce.cart.${userId}`;

function load(userId: string | undefined): CartLine[] {
  if (!userId) return [];
  try {
    const lines = JSON.parse(localStorage.getItem(keyOf(userId)) ?? '[]') as CartLine[];
    return Array.isArray(lines) ? lines.filter((line) => typeof line.productId === 'string' && Number.isInteger(line.quantity) && line.quantity > 0) : [];
  } catch {
    return [];
  }
}

/** Adds `quantity` of a product to the lines, merging with a line already there and capping at `max`. */
export function addLine(lines: CartLine[], line: CartLine, max = MAX_LINE_QUANTITY): CartLine[] {
  const existing = lines.find((entry) => entry.productId === line.productId);
  if (!existing) return [...lines, { ...line, quantity: Math.min(line.quantity, max) }];
  return lines.map((entry) => (entry === existing ? { ...entry, name: line.name, quantity: Math.min(entry.quantity + line.quantity, max) } : entry));
}

interface CartContext {
  lines: CartLine[];
  count: number;
  add: (line: CartLine, max?: number) => void;
  setQuantity: (productId: string, quantity: number) => void;
  remove: (productId: string) => void;
  clear: () => void;
}

const Context = createContext<CartContext>({ lines: [], count: 0, add: () => undefined, setQuantity: () => undefined, remove: () => undefined, clear: () => undefined });

export function CartProvider({ children }: { children: ReactNode }) {
  const userId = useSession().session?.user.id;
  const [state, setState] = useState(() => ({ userId, lines: load(userId) }));
  // Another shopper signed in (or out): show their cart, not the previous one.
  const lines = state.userId === userId ? state.lines : load(userId);
  useEffect(() => {
    if (state.userId !== userId) setState({ userId, lines: load(userId) });
  }, [state.userId, userId]);

  const change = useCallback(
    (next: (lines: CartLine[]) => CartLine[]) => {
      if (!userId) return;
      setState((current) => {
        const updated = next(current.userId === userId ? current.lines : load(userId));
        localStorage.setItem(keyOf(userId), JSON.stringify(updated));
        return { userId, lines: updated };
      });
    },
    [userId],
  );

  const value = useMemo<CartContext>(
    () => ({
      lines,
      count: lines.reduce((sum, line) => sum + line.quantity, 0),
      add: (line, max) => change((current) => addLine(current, line, max)),
      setQuantity: (productId, quantity) =>
        change((current) => current.map((line) => (line.productId === productId ? { ...line, quantity: Math.max(1, Math.min(quantity, MAX_LINE_QUANTITY)) } : line))),
      remove: (productId) => change((current) => current.filter((line) => line.productId !== productId)),
      clear: () => change(() => []),
    }),
    [lines, change],
  );
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export const useCart = () => useContext(Context);
