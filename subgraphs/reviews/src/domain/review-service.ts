/** Reviews: one per author and product, changed or deleted by their author or an admin. */
import { z } from 'zod';
import { badUserInput, notFound, parseInput } from '@commerce/kit/errors';
import type { EventWriter, Publish } from '@commerce/kit/events/outbox';
import { readReplica } from '@commerce/kit/events/replica';
import { isRecordNotFound, isUniqueViolation } from '@commerce/kit/prisma';
import type { Db, ReviewRow, Tx } from '../db.js';
import { reviewAdded, reviewDeleted, reviewUpdated } from '../events/publish.js';

const rating = z.number().int().min(1).max(5);
const body = z.string().trim().min(1).max(5000);

const addInput = z.object({ productId: z.uuid().transform((id) => id.toLowerCase()), rating, body });
const updateInput = z.object({ rating: rating.nullish(), body: body.nullish() });

export class ReviewService {
  constructor(
    private readonly db: Db,
    private readonly events: EventWriter<Tx>,
    /** How long to wait for a product created a moment ago to reach the known-products replica. */
    private readonly replicaWaitMs: number,
  ) {}

  async add(authorId: string, input: unknown): Promise<ReviewRow> {
    const data = parseInput(addInput, input, 'input');
    const known = await readReplica(
      () => this.db.knownProduct.findUnique({ where: { id: data.productId } }),
      (product) => product !== null,
      this.replicaWaitMs,
    );
    if (!known) throw notFound('Product', data.productId);
    try {
      return await this.events.transaction(async (tx, publish) => {
        const review = await tx.review.create({ data: { authorId, ...data } });
        await publish(reviewAdded(review));
        return review;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw badUserInput('input.productId', 'input.productId: you already reviewed this product');
      throw error;
    }
  }

  async update(id: string, input: unknown): Promise<ReviewRow> {
    const data = parseInput(updateInput, input, 'input');
    return this.changeExisting(id, async (tx, publish, before) => {
      const review = await tx.review.update({
        where: { id },
        data: {
          ...(data.rating != null ? { rating: data.rating } : {}),
          ...(data.body != null ? { body: data.body } : {}),
        },
      });
      if (review.rating !== before.rating) await publish(reviewUpdated(review, before.rating));
      return review;
    });
  }

  async delete(id: string): Promise<ReviewRow> {
    return this.changeExisting(id, async (tx, publish) => {
      const review = await tx.review.delete({ where: { id } });
      await publish(reviewDeleted(review));
      return review;
    });
  }

  /** Runs `change` on the review locked for update, so concurrent changes publish consistent ratings. */
  private async changeExisting(
    id: string,
    change: (tx: Tx, publish: Publish, before: ReviewRow) => Promise<ReviewRow>,
  ): Promise<ReviewRow> {
    try {
      return await this.events.transaction(async (tx, publish) => {
        const [locked] = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM reviews WHERE id = ${id}::uuid FOR UPDATE`;
        const before = locked ? await tx.review.findUnique({ where: { id } }) : null;
        if (!before) throw notFound('Review', id);
        return change(tx, publish, before);
      });
    } catch (error) {
      if (isRecordNotFound(error)) throw notFound('Review', id);
      throw error;
    }
  }
}
