/** Shopper actions through the router, and reads of the denormalized fields they should move. */
import { expect } from 'vitest';
import type { Account } from './accounts.js';
import { eventually, router } from './run.js';

export async function placeOrder(buyer: Account, items: { productId: string; quantity: number }[]): Promise<string> {
  const { placeOrder } = await buyer.client.data<{ placeOrder: { id: string } }>(
    'mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { id } }',
    { i: { items } },
  );
  return placeOrder.id;
}

export async function orderStatus(buyer: Account, id: string): Promise<string> {
  const { order } = await buyer.client.data<{ order: { status: string } }>('query($id: ID!) { order(id: $id) { status } }', { id });
  return order.status;
}

export async function waitForStatus(buyer: Account, id: string, status: string, timeoutMs = 20_000): Promise<void> {
  await eventually(async () => expect(await orderStatus(buyer, id)).toBe(status), { timeoutMs });
}

export async function addReview(author: Account, productId: string, rating: number): Promise<string> {
  const { addReview } = await author.client.data<{ addReview: { id: string } }>(
    'mutation($i: AddReviewInput!) { addReview(input: $i) { id } }',
    { i: { productId, rating, body: `Rated ${rating}` } },
  );
  return addReview.id;
}

export interface ProductFacts {
  stock: number;
  averageRating: number | null;
  reviewCount: number;
}

export async function productFacts(id: string): Promise<ProductFacts> {
  const { product } = await router.data<{ product: ProductFacts }>('query($id: ID!) { product(id: $id) { stock averageRating reviewCount } }', { id });
  return product;
}

export interface UserFacts {
  orderCount: number;
  reviewCount: number;
  lifetimeSpend: { amountCents: string };
}

export async function userFacts(account: Account): Promise<UserFacts> {
  const { me } = await account.client.data<{ me: UserFacts }>('{ me { orderCount reviewCount lifetimeSpend { amountCents } } }');
  return me;
}
