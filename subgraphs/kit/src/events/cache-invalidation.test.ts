import { describe, expect, it } from 'vitest';
import { eventCatalog, type EventType } from './catalog.js';
import { eventSamples, SAMPLE_IDS } from './samples.js';
import { cacheEffectsOf, cacheInvalidation, LIST_ROOT_FIELDS, LIST_TAGS_OF_TYPE } from './cache-invalidation.js';

const { P, Q, U, O, R } = SAMPLE_IDS;
const samples = eventSamples;

const tagsOf = (type: EventType, after?: string) =>
  cacheEffectsOf(type, samples[type] as never)
    .filter((effect) => effect.after === after)
    .flatMap((effect) => effect.tags);

describe('the event → cache tags mapping', () => {
  it('has an entry for every event type of the catalog, and the samples are valid payloads', () => {
    expect(Object.keys(cacheInvalidation).sort()).toEqual(Object.keys(eventCatalog).sort());
    for (const [type, payload] of Object.entries(samples)) expect(eventCatalog[type as EventType].payload.safeParse(payload).success).toBe(true);
  });

  it('purges the entity an event is about, and the pages of lists it can change', () => {
    expect(tagsOf('ProductCreated')).toEqual([`Product:${P}`, 'Query.products']);
    expect(tagsOf('ProductUpdated')).toContain(`Product:${P}`);
    expect(tagsOf('StockReserved')).toEqual([`Product:${P}`, `Product:${Q}`, 'Query.products']);
    expect(tagsOf('StockReleased')).toEqual([`Product:${P}`, `Product:${Q}`, 'Query.products']);
    expect(tagsOf('UserProfileUpdated')).toContain(`User:${U}`);
    expect(tagsOf('OrderPlaced')).toEqual([`Order:${O}`, `User:${U}`]);
    expect(tagsOf('StockReservationRejected')).toEqual([]);
  });

  it('purges what another service derives from an event only after that service (rating, counts, verified purchases)', () => {
    for (const type of ['ReviewAdded', 'ReviewUpdated', 'ReviewDeleted'] as const) {
      expect(tagsOf(type)).toEqual([`Review:${R}`, `Product:${P}`, `User:${U}`]);
      expect(tagsOf(type, 'products')).toEqual([`Product:${P}`, 'Query.products']);
      expect(tagsOf(type, 'users')).toEqual([`User:${U}`]);
    }
    for (const type of ['OrderConfirmed', 'OrderCancelled'] as const) {
      expect(tagsOf(type)).toEqual([`Order:${O}`, `User:${U}`]);
      expect(tagsOf(type, 'users')).toEqual([`User:${U}`]);
      expect(tagsOf(type, 'reviews')).toEqual([`User:${U}`, `Product:${P}`, `Product:${Q}`, 'type:Review']);
    }
  });

  it('names list tags only of list root fields, and entities or types otherwise', () => {
    const lists = new Set(LIST_ROOT_FIELDS.map((field) => `Query.${field}`));
    for (const type of Object.keys(samples) as EventType[]) {
      for (const tag of cacheEffectsOf(type, samples[type] as never).flatMap((effect) => effect.tags)) {
        if (tag.startsWith('Query.')) expect(lists.has(tag)).toBe(true);
        else if (tag.startsWith('type:')) expect(tag).toMatch(/^type:[A-Z][A-Za-z]+$/);
        else expect(tag).toMatch(/^[A-Z][A-Za-z]+:[0-9a-f-]{36}$/);
      }
    }
    for (const tags of Object.values(LIST_TAGS_OF_TYPE)) for (const tag of tags ?? []) expect(lists.has(tag)).toBe(true);
  });

  it('finds no list tags for names a request may carry that are not types: Object.prototype members', () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) expect(LIST_TAGS_OF_TYPE[name]).toBeUndefined();
    expect(LIST_TAGS_OF_TYPE.Product).toEqual(['Query.products']);
  });
});
