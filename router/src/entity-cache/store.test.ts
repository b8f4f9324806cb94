import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryBackend } from './store.js';

const entry = (key: string, chars: number, tags: string[] = [`Product:${key}`]) => ({ key, value: 'x'.repeat(chars), ttlSeconds: 60, tags });

describe('MemoryBackend', () => {
  it('holds at most its size budget, dropping the least recently used entries and their tags', async () => {
    const memory = new MemoryBackend(1_000, 10_000);
    await memory.set([entry('a', 4_000), entry('b', 4_000)]);
    expect(await memory.getMany(['a', 'b'])).toEqual(['x'.repeat(4_000), 'x'.repeat(4_000)]);

    await memory.set([entry('c', 4_000)]);
    expect(await memory.getMany(['a', 'b', 'c'])).toEqual([undefined, 'x'.repeat(4_000), 'x'.repeat(4_000)]);
    expect(memory.chars).toBeLessThanOrEqual(10_000);
    // The evicted entry left the tag index with it: purging its tag removes nothing.
    expect(await memory.purgeTags(['Product:a'])).toBe(0);
    expect(await memory.purgeTags(['Product:b'])).toBe(1);
  });

  it('keeps no entry larger than the whole budget, and indexes none of its tags', async () => {
    const memory = new MemoryBackend(1_000, 10_000);
    await memory.set([entry('small', 100, ['Product:1']), entry('huge', 20_000, ['Product:1', 'Product:2'])]);
    expect(await memory.getMany(['small', 'huge'])).toEqual(['x'.repeat(100), undefined]);
    expect(await memory.purgeTags(['Product:2'])).toBe(0);
    expect(await memory.purgeTags(['Product:1'])).toBe(1);
    expect(memory.size).toBe(0);
  });

  it('never exceeds its count or size budget, whatever is stored and purged', async () => {
    const op = fc.oneof(
      fc.record({ set: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), chars: fc.integer({ min: 0, max: 3_000 }), tag: fc.constantFrom('T:1', 'T:2', 'T:3') }),
      fc.record({ purge: fc.constantFrom('T:1', 'T:2', 'T:3') }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 60 }), async (ops) => {
        const memory = new MemoryBackend(4, 5_000);
        const tagged = new Map<string, string>();
        for (const step of ops) {
          if ('set' in step) {
            await memory.set([entry(step.set, step.chars, [step.tag])]);
            tagged.set(step.set, step.tag);
          } else {
            await memory.purgeTags([step.purge]);
          }
          expect(memory.size).toBeLessThanOrEqual(4);
          expect(memory.chars).toBeLessThanOrEqual(5_000);
        }
        // Every key still held goes with a purge of its last tag.
        const held = (await memory.getMany([...tagged.keys()])).filter((value) => value !== undefined).length;
        expect(await memory.purgeTags(['T:1', 'T:2', 'T:3'])).toBe(held);
        expect(memory.size).toBe(0);
      }),
      { numRuns: 200 },
    );
  });
});
