/** The catalog: listing with filters and orderings, creating and changing products. */
import { z } from 'zod';
import { badUserInput, notFound, parseInput } from '@commerce/kit/errors';
import { pageSize, toConnection, type Connection, type PageArgs } from '@commerce/kit/pagination';
import { isRecordNotFound, isUniqueViolation } from '@commerce/kit/prisma';
import { MAX_AMOUNT_CENTS } from '@commerce/kit/money';
import type { EventWriter } from '@commerce/kit/events/outbox';
import type { Db, ProductRow, ProductWhere, Tx } from '../db.js';
import { productChanged } from '../events/publish.js';
import { imagesInput } from './images.js';
import { orderings, type ProductOrder } from './orderings.js';

export interface ProductListArgs extends PageArgs {
  filter?: unknown;
  orderBy?: ProductOrder | null;
}

const filterInput = z
  .object({
    search: z.string().trim().max(200).nullish(),
    minRating: z.number().min(0).max(5).nullish(),
    inStock: z.boolean().nullish(),
  })
  .nullish();

function moneyInput(currency: string) {
  return z.object({
    // A bigint already: the Cents scalar parsed the wire string.
    amountCents: z.bigint().min(0n).max(MAX_AMOUNT_CENTS, { message: `at most ${MAX_AMOUNT_CENTS} cents` }),
    currency: z
      .string()
      .nullish()
      .refine((value) => value == null || value === currency, { message: `must be ${currency}, the shop's currency` }),
  });
}

const productFields = (currency: string) => ({
  name: z.string().trim().min(1).max(200),
  description: z.string().max(5000),
  price: moneyInput(currency),
  stock: z.number().int().min(0).max(1_000_000),
  images: imagesInput,
});

/**
 * `text` as a LIKE pattern matching exactly itself: the escape character (PostgreSQL's default, a
 * backslash) and the wildcards `%` and `_` are escaped, the escape character first.
 */
export function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

export class ProductService {
  private readonly createInput;
  private readonly updateInput;

  constructor(
    private readonly db: Db,
    private readonly events: EventWriter<Tx>,
    private readonly currency: string,
  ) {
    const fields = productFields(currency);
    this.createInput = z.object({
      sku: z
        .string()
        .trim()
        .regex(/^[A-Za-z0-9][A-Za-z0-9-]{2,63}$/, 'letters, digits and dashes, 3 to 64 characters'),
      ...fields,
      images: fields.images.nullish(),
    });
    this.updateInput = z.object({
      name: fields.name.nullish(),
      description: fields.description.nullish(),
      price: fields.price.nullish(),
      stock: fields.stock.nullish(),
      active: z.boolean().nullish(),
      images: fields.images.nullish(),
    });
  }

  async list(args: ProductListArgs): Promise<Connection<ProductRow>> {
    const first = pageSize(args.first);
    const ordering = orderings[args.orderBy ?? 'NEWEST'];
    const filter = parseInput(filterInput, args.filter, 'filter');
    const conditions: ProductWhere[] = [{ active: true }];
    if (filter?.search) {
      // ILIKE '%…%' under the hood, served by the trigram GIN indexes; the text is escaped so it matches literally.
      const contains = { contains: likeLiteral(filter.search), mode: 'insensitive' as const };
      conditions.push({ OR: [{ name: contains }, { description: contains }, { sku: contains }] });
    }
    if (filter?.minRating != null) conditions.push({ averageRating: { gte: filter.minRating } });
    if (filter?.inStock != null) conditions.push({ stock: filter.inStock ? { gt: 0 } : { lte: 0 } });
    if (args.after) conditions.push(ordering.after(args.after));
    const rows = await this.db.product.findMany({ where: { AND: conditions }, orderBy: ordering.orderBy, take: first + 1 });
    return toConnection(rows, first, ordering.keyOf);
  }

  async create(input: unknown): Promise<ProductRow> {
    const data = parseInput(this.createInput, input, 'input');
    try {
      return await this.events.transaction(async (tx, publish) => {
        const product = await tx.product.create({
          data: {
            sku: data.sku,
            name: data.name,
            description: data.description,
            priceCents: data.price.amountCents,
            currency: this.currency,
            stock: data.stock,
            images: data.images ?? [],
          },
        });
        await publish(productChanged('ProductCreated', product));
        return product;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw badUserInput('input.sku', `input.sku: ${data.sku} already exists`);
      throw error;
    }
  }

  async update(id: string, input: unknown): Promise<ProductRow> {
    const data = parseInput(this.updateInput, input, 'input');
    try {
      return await this.events.transaction(async (tx, publish) => {
        const product = await tx.product.update({
          where: { id },
          data: {
            ...(data.name != null ? { name: data.name } : {}),
            ...(data.description != null ? { description: data.description } : {}),
            ...(data.price != null ? { priceCents: data.price.amountCents } : {}),
            ...(data.stock != null ? { stock: data.stock } : {}),
            ...(data.active != null ? { active: data.active } : {}),
            ...(data.images != null ? { images: data.images } : {}),
            version: { increment: 1 },
          },
        });
        await publish(productChanged('ProductUpdated', product));
        return product;
      });
    } catch (error) {
      if (isRecordNotFound(error)) throw notFound('Product', id);
      throw error;
    }
  }
}
