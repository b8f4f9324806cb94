/**
 * Why `schema:check` refuses what it refuses: each pattern of schema/test/fixtures/planner-gaps, given
 * resolvers, really is answered wrongly by the stock @apollo/gateway, and by our router the same way
 * (it runs that planner). When one of these starts answering right, upstream has fixed the planner:
 * lift that refusal from schema/src/check/planner-gaps.ts. The same features used the safe way are
 * answered right and pass the check.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '@commerce/stack/paths';
import { plannerGaps } from '../../schema/src/check/planner-gaps.js';
import { readSubgraphs } from '../../schema/src/composition.js';
import { PLANNER_GAPS, SAFE, definitionsOf, type PlannerGap } from './planner-gaps.js';
import { comparable, serveOnBoth } from './routers.js';

const refusals = (gap: PlannerGap) =>
  plannerGaps(readSubgraphs(path.join(repoRoot, 'schema/test/fixtures/planner-gaps', gap.fixture, 'rover.yaml')), repoRoot).map((violation) => violation.rule);

describe('the planner patterns schema:check refuses', () => {
  for (const gap of PLANNER_GAPS) {
    it(`${gap.fixture}: refused, and still answered wrongly by @apollo/gateway and so by our router`, async () => {
      expect(refusals(gap).length).toBeGreaterThan(0);
      const routers = await serveOnBoth(`gap-${gap.fixture}`, definitionsOf(gap));
      const [ours, theirs] = await Promise.all([routers.ours(gap.query), routers.stock(gap.query)]);
      process.stdout.write(`[planner gap] ${gap.fixture}: ${JSON.stringify(theirs.data)} (right: ${JSON.stringify(gap.correct)})\n`);
      if (gap.correct === 'an error') expect(theirs.errors ?? []).toEqual([]);
      else expect(theirs.data).not.toEqual(gap.correct);
      expect(comparable(ours)).toEqual(comparable(theirs));
    });
  }

  it('the same features used the safe way: passed by the check and answered right', async () => {
    expect(refusals(SAFE)).toEqual([]);
    const routers = await serveOnBoth('gap-safe', definitionsOf(SAFE));
    const [ours, theirs] = await Promise.all([routers.ours(SAFE.query), routers.stock(SAFE.query)]);
    expect(comparable(theirs)).toEqual({ data: SAFE.correct, errors: undefined });
    expect(comparable(ours)).toEqual(comparable(theirs));
  });
});
