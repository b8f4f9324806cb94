/**
 * Demo data, written through the router like any client would: an admin logs in and fills the
 * catalog, shoppers sign up, order (the saga confirms), and review what they bought. Every step checks
 * first, so a second `npm start` (or one after an interrupted seed) only adds what is missing.
 */
import { GraphQLClient, GraphQLRequestError } from './client.js';
import { productImage } from './product-art.js';

const PRODUCTS: [sku: string, name: string, cents: number, stock: number, description: string][] = [
  ['MUG-001', 'Stoneware Mug', 1800, 40, 'A 350 ml mug glazed in speckled white.'],
  ['MUG-002', 'Travel Mug', 2400, 25, 'Double-walled steel; keeps coffee hot for four hours.'],
  ['TEA-001', 'Sencha Green Tea', 1200, 60, 'Loose-leaf Japanese green tea, 100 g.'],
  ['TEA-002', 'Earl Grey', 950, 80, 'Black tea with bergamot, 125 g.'],
  ['COF-001', 'Ethiopian Beans', 1600, 50, 'Light roast, notes of blueberry and jasmine, 250 g.'],
  ['COF-002', 'House Espresso', 1400, 70, 'Dark roast blend for espresso, 500 g.'],
  ['KIT-001', 'Pour-over Kettle', 5200, 15, 'Gooseneck kettle with a thermometer.'],
  ['KIT-002', 'Hand Grinder', 6900, 10, 'Burr grinder with 30 settings.'],
  ['KIT-003', 'French Press', 3100, 20, 'Borosilicate glass, 1 litre.'],
  ['KIT-004', 'Digital Scale', 2700, 30, 'Weighs to 0.1 g with a timer.'],
  ['ACC-001', 'Linen Napkins', 2200, 35, 'Set of four, stone-washed.'],
  ['ACC-002', 'Walnut Coasters', 1900, 45, 'Set of six, oiled walnut.'],
  ['ACC-003', 'Tea Strainer', 800, 90, 'Fine mesh stainless steel.'],
  ['ACC-004', 'Cold Brew Bottle', 2900, 18, 'Brews a litre overnight.'],
  ['BAK-001', 'Sourdough Starter', 1100, 12, 'A live culture with a feeding guide.'],
  ['BAK-002', 'Proofing Basket', 2100, 22, 'Rattan banneton, 25 cm.'],
  ['BAK-003', 'Dough Scraper', 600, 100, 'Flexible food-safe plastic.'],
  ['BAK-004', 'Baking Stone', 4500, 8, 'Cordierite, 38 cm round.'],
  ['CHO-001', 'Dark Chocolate 70%', 550, 120, 'Single-origin bar, 80 g.'],
  ['CHO-002', 'Hot Chocolate Flakes', 1300, 40, 'Shaved chocolate for drinking, 250 g.'],
  ['HON-001', 'Wildflower Honey', 1500, 30, 'Raw honey, 450 g jar.'],
  ['HON-002', 'Honey Dipper', 500, 0, 'Olive wood. Back in stock soon.'],
];

const SHOPPERS = [
  { name: 'Alice Martin', email: 'alice@example.com' },
  { name: 'Bob Chen', email: 'bob@example.com' },
  { name: 'Carol Diaz', email: 'carol@example.com' },
  { name: 'Dan Okafor', email: 'dan@example.com' },
];
export const DEMO_PASSWORD = 'password123';

const REVIEW_TEXT = ['Does what it says.', 'Lovely quality, would buy again.', 'Good, but pricey.', 'Exceeded my expectations!', 'Not for me.'];

export interface SeedSummary {
  products: number;
  users: number;
  orders: number;
  reviews: number;
}

const LOG_IN = 'mutation LogIn($email: String!, $password: String!) { logIn(email: $email, password: $password) { token } }';

/** Creates whatever part of the demo data is missing; run twice, the second run creates nothing. */
export async function seedDemoData(routerUrl: string, admin: { email: string; password: string }): Promise<SeedSummary> {
  const anonymous = new GraphQLClient(routerUrl);
  const created: SeedSummary = { products: 0, users: 0, orders: 0, reviews: 0 };
  const { logIn: adminSession } = await anonymous.data<{ logIn: { token: string } }>(LOG_IN, admin);
  const asAdmin = anonymous.withToken(adminSession.token);

  const productIds: string[] = [];
  for (const [sku, name, amountCents, stock, description] of PRODUCTS) {
    const images = [productImage(sku, name)];
    const existing = await anonymous.request<{ product: { id: string; images: unknown[] } | null }>(
      'query Product($sku: String!) { product(sku: $sku) { id images { url } } }',
      { sku },
    );
    if (existing.data?.product) {
      const { id } = existing.data.product;
      // Seeded before products had pictures: give them theirs.
      if (existing.data.product.images.length === 0) {
        await asAdmin.data('mutation Images($id: ID!, $input: UpdateProductInput!) { updateProduct(id: $id, input: $input) { id } }', {
          id,
          input: { images },
        });
      }
      productIds.push(id);
      continue;
    }
    const { createProduct } = await asAdmin.data<{ createProduct: { id: string } }>(
      'mutation Create($input: CreateProductInput!) { createProduct(input: $input) { id } }',
      { input: { sku, name, description, price: { amountCents: String(amountCents) }, stock, images } },
    );
    productIds.push(createProduct.id);
    created.products += 1;
  }

  for (const [index, shopper] of SHOPPERS.entries()) {
    const asShopper = anonymous.withToken(await sessionOf(anonymous, shopper, created));
    const bought = [productIds[index * 2], productIds[index * 2 + 1], productIds[(index * 5 + 3) % productIds.length]] as string[];
    const { me } = await asShopper.data<{ me: { orders: { edges: unknown[] } } }>('{ me { orders(first: 1) { edges { cursor } } } }');
    if (me.orders.edges.length === 0) {
      await asShopper.data('mutation Place($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }', {
        input: { items: bought.map((productId, line) => ({ productId, quantity: line + 1 })) },
      });
      created.orders += 1;
    }
    for (const [offset, productId] of [...bought, productIds[(index + 10) % productIds.length] as string].entries()) {
      const result = await asShopper.request('mutation Review($input: AddReviewInput!) { addReview(input: $input) { id } }', {
        input: { productId, rating: 5 - ((index + offset) % 4), body: REVIEW_TEXT[(index + offset) % REVIEW_TEXT.length] },
      });
      if (!result.errors) created.reviews += 1;
      else if (result.errors[0]?.extensions?.code !== 'BAD_USER_INPUT') throw new GraphQLRequestError(result);
    }
  }
  return created;
}

/** Logs the shopper in, signing them up first if the account does not exist yet. */
async function sessionOf(client: GraphQLClient, shopper: { name: string; email: string }, created: SeedSummary): Promise<string> {
  const existing = await client.request<{ logIn: { token: string } }>(LOG_IN, { email: shopper.email, password: DEMO_PASSWORD });
  if (existing.data?.logIn) return existing.data.logIn.token;
  const { signUp } = await client.data<{ signUp: { token: string } }>(
    'mutation SignUp($input: SignUpInput!) { signUp(input: $input) { token } }',
    { input: { ...shopper, password: DEMO_PASSWORD } },
  );
  created.users += 1;
  return signUp.token;
}
