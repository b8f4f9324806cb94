import { describe, expect, it } from 'vitest';
import { documentStage } from './document.js';
import { slicingStage } from './slicing.js';
import { refusal, runStages , DOCUMENT_OPTIONS } from './testing.js';

const stages = [documentStage(DOCUMENT_OPTIONS), slicingStage({ MAX_SLICING_ARGUMENT: 100 })];

describe('stage slicing', () => {
  it('passes sizes from 0 to the maximum, literal or variable', async () => {
    await runStages(stages, '{ products(first: 0) { edges { node { id } } } }');
    await runStages(stages, 'query($n: Int) { products(first: $n) { edges { node { reviews(first: 100) { id } } } } }', { variables: { n: 100 } });
  });

  it('refuses negative and absurd sizes anywhere in the operation with BAD_USER_INPUT, one error each', async () => {
    const nested = '{ products(first: 1) { edges { node { reviews(first: -100000000) { id } } } } }';
    expect(await refusal(() => runStages(stages, nested))).toEqual({ status: 400, codes: ['BAD_USER_INPUT'] });
    const viaVariable = 'query($n: Int) { me { friends(first: $n) { id } } }';
    expect((await refusal(() => runStages(stages, viaVariable, { variables: { n: 1e12 } }))).codes).toEqual(['BAD_USER_INPUT']);
    const viaDefault = 'query($n: Int = -1) { me { friends(first: $n) { id } } }';
    expect((await refusal(() => runStages(stages, viaDefault))).codes).toEqual(['BAD_USER_INPUT']);
    const inFragment = '{ me { ...F } users(first: 101) { id } } fragment F on User { friends(first: -1) { id } }';
    expect((await refusal(() => runStages(stages, inFragment))).codes).toEqual(['BAD_USER_INPUT', 'BAD_USER_INPUT']);
  });
});
