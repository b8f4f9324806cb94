import { describe, expect, it } from 'vitest';
import { asAdmin, signUp } from '../support/accounts.js';
import { createProduct } from '../support/catalog.js';
import { eventually } from '../support/run.js';
import { addReview, placeOrder, productFacts, userFacts, waitForStatus } from '../support/shop.js';

describe('every event flow keeps its denormalized fields in sync', () => {
  it('reviews → products and users: rating, review counts, through add, update and delete', async () => {
    const [a, b, product] = await Promise.all([signUp(), signUp(), createProduct()]);
    const first = await addReview(a, product.id, 5);
    await addReview(b, product.id, 2);
    await eventually(async () => expect(await productFacts(product.id)).toMatchObject({ averageRating: 3.5, reviewCount: 2 }));
    await eventually(async () => expect((await userFacts(a)).reviewCount).toBe(1));

    await a.client.data('mutation($id: ID!) { updateReview(id: $id, input: { rating: 3 }) { id } }', { id: first });
    await eventually(async () => expect(await productFacts(product.id)).toMatchObject({ averageRating: 2.5, reviewCount: 2 }));

    await a.client.data('mutation($id: ID!) { deleteReview(id: $id) { id } }', { id: first });
    await eventually(async () => expect(await productFacts(product.id)).toMatchObject({ averageRating: 2, reviewCount: 1 }));
    await eventually(async () => expect((await userFacts(a)).reviewCount).toBe(0));
  });

  it('orders → users: confirmed orders count and spend; cancelling takes them back', async () => {
    const [buyer, product] = await Promise.all([signUp(), createProduct({ amountCents: 1500, stock: 10 })]);
    const order = await placeOrder(buyer, [{ productId: product.id, quantity: 2 }]);
    await waitForStatus(buyer, order, 'CONFIRMED');
    await eventually(async () => expect(await userFacts(buyer)).toMatchObject({ orderCount: 1, lifetimeSpend: { amountCents: '3000' } }));

    const rejected = await placeOrder(buyer, [{ productId: product.id, quantity: 50 }]);
    await waitForStatus(buyer, rejected, 'REJECTED');
    await buyer.client.data('mutation($id: ID!) { cancelOrder(id: $id) { id } }', { id: order });
    await eventually(async () => expect(await userFacts(buyer)).toMatchObject({ orderCount: 0, lifetimeSpend: { amountCents: '0' } }));
  });

  it('products → orders: new orders take the current name and price from the replica', async () => {
    const [buyer, product] = await Promise.all([signUp(), createProduct({ amountCents: 1000, name: 'Old name' })]);
    const admin = await asAdmin();
    await admin.client.data('mutation($id: ID!) { updateProduct(id: $id, input: { name: "New name", price: { amountCents: "1234" } }) { id } }', {
      id: product.id,
    });
    await eventually(async () => {
      const id = await placeOrder(buyer, [{ productId: product.id, quantity: 1 }]);
      const { order } = await buyer.client.data<{ order: { items: { productName: string; unitPrice: { amountCents: string } }[] } }>(
        'query($id: ID!) { order(id: $id) { items { productName unitPrice { amountCents } } } }',
        { id },
      );
      expect(order.items[0]).toEqual({ productName: 'New name', unitPrice: { amountCents: '1234' } });
    });
  });

  it('orders → reviews: a confirmed purchase verifies the review; cancelling unverifies it', async () => {
    const [buyer, product] = await Promise.all([signUp(), createProduct()]);
    const reviewId = await addReview(buyer, product.id, 4);
    const verified = async () => {
      const { review } = await buyer.client.data<{ review: { verifiedPurchase: boolean } }>('query($id: ID!) { review(id: $id) { verifiedPurchase } }', { id: reviewId });
      return review.verifiedPurchase;
    };
    expect(await verified()).toBe(false);
    const order = await placeOrder(buyer, [{ productId: product.id, quantity: 1 }]);
    await waitForStatus(buyer, order, 'CONFIRMED');
    await eventually(async () => expect(await verified()).toBe(true));
    await buyer.client.data('mutation($id: ID!) { cancelOrder(id: $id) { id } }', { id: order });
    await eventually(async () => expect(await verified()).toBe(false));
  });

  it('the stock saga: an order cancelled at once (pending, or confirmed a moment before) still gets its stock back', async () => {
    const [buyer, product] = await Promise.all([signUp(), createProduct({ stock: 3 })]);
    const order = await placeOrder(buyer, [{ productId: product.id, quantity: 3 }]);
    // Cancel at once: usually still PENDING, sometimes just CONFIRMED. Either way the stock and the
    // buyer's counters must end where they started, so both are polled (a confirmation's counters may
    // arrive before the cancellation's).
    await buyer.client.data('mutation($id: ID!) { cancelOrder(id: $id) { id } }', { id: order });
    await waitForStatus(buyer, order, 'CANCELLED');
    await eventually(async () => expect((await productFacts(product.id)).stock).toBe(3));
    await eventually(async () => expect(await userFacts(buyer)).toMatchObject({ orderCount: 0, lifetimeSpend: { amountCents: '0' } }));
  });
});
