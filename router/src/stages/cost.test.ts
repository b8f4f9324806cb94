import { describe, expect, it } from 'vitest';
import { estimateCost } from './cost.js';
import { documentStage } from './document.js';
import { refusal, runStages, testLog, testMetadata, testMetrics , DOCUMENT_OPTIONS } from './testing.js';
import { costStage } from './cost.js';

const options = { COST_DEFAULT_LIST_SIZE: 10, MAX_SLICING_ARGUMENT: 1_000 };
const document = documentStage(DOCUMENT_OPTIONS);
const estimate = async (query: string, variables?: Record<string, unknown>) => {
  const state = await runStages([document], query, variables ? { variables } : {});
  return estimateCost(state.operation!, testMetadata, variables, options);
};

describe('stage cost', () => {
  it("computes Apollo's estimate: lists by slicing argument, sized fields, @cost weights, mutation base", async () => {
    // products 1 + edges 5 × (edge 1 + node 1 + reviews 3 × (review 1 + author 1))
    expect(await estimate('{ products(first: 5) { edges { node { id reviews(first: 3) { author { id } } } } } }')).toBe(1 + 5 * (1 + 1 + 3 * 2));
    expect(await estimate('query($n: Int) { products(first: $n) { edges { node { id } } } }', { n: 7 })).toBe(1 + 7 * 2);
    // orders: default list size 10 × (1 + total weight 5)
    expect(await estimate('{ me { orders { total } } }')).toBe(1 + 10 * 6);
    expect(await estimate('mutation { logIn(email: "a", password: "b") { token } }')).toBe(10 + 1);
  });

  it('never lowers the estimate: negative sizes count as 0, huge ones as the maximum', async () => {
    const alone = await estimate('{ products(first: 1000) { edges { node { id } } } }');
    const withNegative = await estimate('{ products(first: 1000) { edges { node { id } } } me { friends(first: -100000000) { id } } }');
    expect(withNegative).toBeGreaterThanOrEqual(alone);
    expect(await estimate('{ me { friends(first: 1e300) { id } } }')).toBe(1 + 1_000);
  });

  it('costs each fragment once per list context: a 50-level doubling chain is estimated at once and saturates', async () => {
    const fragments = ['fragment F0 on User { id }'];
    for (let i = 1; i <= 50; i += 1) fragments.push(`fragment F${i} on User { friends { ...F${i - 1} } f${i}: friends { ...F${i - 1} } }`);
    const cost = await estimate(`{ me { ...F50 } } ${fragments.join(' ')}`);
    expect(cost).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('refuses over COST_MAX with COST_ESTIMATED_TOO_EXPENSIVE, or only measures', async () => {
    const query = '{ products(first: 100) { edges { node { reviews(first: 100) { author { id } } } } } }';
    const enforce = costStage({ ...options, COST_MODE: 'enforce', COST_MAX: 1_000 }, { metrics: testMetrics(), log: testLog });
    expect(await refusal(() => runStages([document, enforce], query))).toEqual({ status: 400, codes: ['COST_ESTIMATED_TOO_EXPENSIVE'] });
    await runStages([document, costStage({ ...options, COST_MODE: 'measure', COST_MAX: 1_000 }, { metrics: testMetrics(), log: testLog })], query);
  });
});
