/**
 * Our own federation compliance suite: for each case of cases.ts, its subgraphs are served on free
 * ports, composed into a supergraph, and every operation is answered by our router and by the stock
 * @apollo/gateway (routers.ts). Both must give the expected data and errors (path and code), and the
 * same error messages; any difference fails.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CASES, type ComplianceOperation } from './cases.js';
import { comparable, serveOnBoth, type BothRouters } from './routers.js';

const expectedOf = (operation: ComplianceOperation) => ({
  data: operation.expected.data,
  errors: operation.expected.errors?.map((error) => ({ message: expect.any(String), path: error.path, code: error.code })),
});

for (const complianceCase of CASES) {
  describe(`federation compliance: ${complianceCase.name}`, () => {
    let routers: BothRouters;
    beforeAll(async () => {
      routers = await serveOnBoth(complianceCase.name, complianceCase.subgraphs);
    });

    for (const operation of complianceCase.operations) {
      it(operation.name, async () => {
        const [ours, theirs] = await Promise.all([routers.ours(operation.query, operation.variables), routers.stock(operation.query, operation.variables)]);
        expect(comparable(ours), 'our router').toEqual(expectedOf(operation));
        expect(comparable(theirs), 'the stock @apollo/gateway').toEqual(expectedOf(operation));
        expect(comparable(ours)).toEqual(comparable(theirs));
      });
    }
  });
}
