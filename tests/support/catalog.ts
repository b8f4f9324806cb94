/** Products for tests, created by the admin with unique SKUs. */
import { asAdmin } from './accounts.js';
import { unique } from './run.js';

export interface TestProduct {
  id: string;
  sku: string;
  name: string;
}

export async function createProduct(
  overrides: Partial<{ name: string; description: string; amountCents: number; stock: number; sku: string }> = {},
): Promise<TestProduct> {
  const admin = await asAdmin();
  const sku = overrides.sku ?? unique('SKU-');
  const name = overrides.name ?? `Product ${sku}`;
  const { createProduct: product } = await admin.client.data<{ createProduct: TestProduct }>(
    'mutation Create($input: CreateProductInput!) { createProduct(input: $input) { id sku name } }',
    {
      input: {
        sku,
        name,
        description: overrides.description ?? `Description of ${name}`,
        price: { amountCents: String(overrides.amountCents ?? 1000) },
        stock: overrides.stock ?? 10,
      },
    },
  );
  return product;
}
