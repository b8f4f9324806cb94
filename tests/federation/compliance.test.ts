/**
 * Our own federation compliance suite: for each case of cases.ts, its subgraphs are served on free
 * ports, composed into a supergraph, and every operation is answered twice: by OUR router (the real
 * process, every stage of its pipeline, no URL override) and by the stock @apollo/gateway behind a
 * bare Apollo Server, in this test, on the same subgraphs. Both must give the expected data and errors
 * (path and code), and the same error messages; any difference fails.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataDir } from '@commerce/stack/paths';
import { startRouter, type TestProcess } from '../support/processes.js';
import { composeSupergraph, serveSubgraph } from '../support/subgraphs.js';
import { CASES, type ComplianceCase, type ComplianceOperation } from './cases.js';

interface Answer {
  data?: unknown;
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string } }[];
}

/** What the comparison looks at: the data, and each error's message, path and code. */
const comparable = (answer: Answer) => ({
  data: answer.data,
  errors: answer.errors?.map((error) => ({ message: error.message, path: error.path, code: error.extensions?.code })),
});

const expectedOf = (operation: ComplianceOperation) => ({
  data: operation.expected.data,
  errors: operation.expected.errors?.map((error) => ({ message: expect.any(String), path: error.path, code: error.code })),
});

const slug = (name: string) => name.replace(/[^a-z0-9]+/gi, '-').toLowerCase();

for (const complianceCase of CASES) {
  describe(`federation compliance: ${complianceCase.name}`, () => {
    let router: TestProcess;
    let stock: ApolloServer;

    beforeAll(async () => {
      const { subgraphs } = complianceCase satisfies ComplianceCase;
      const served = await Promise.all(subgraphs.map((subgraph) => serveSubgraph(subgraph)));
      const supergraphSdl = composeSupergraph(served);
      const dir = path.join(dataDir, 'federation', slug(complianceCase.name));
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, 'supergraph.graphql'), supergraphSdl);
      stock = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl }), includeStacktraceInErrorResponses: false });
      [router] = await Promise.all([
        startRouter(`federation-${slug(complianceCase.name)}`, { SUPERGRAPH_PATH: path.join(dir, 'supergraph.graphql'), SUBGRAPH_URL_OVERRIDES: '' }),
        stock.start(),
      ]);
    });
    afterAll(async () => {
      await stock?.stop();
    });

    for (const operation of complianceCase.operations) {
      it(operation.name, async () => {
        const ours = await router.client.request(operation.query, operation.variables);
        const response = await stock.executeOperation({ query: operation.query, variables: operation.variables });
        if (response.body.kind !== 'single') throw new Error('the stock gateway answered incrementally');
        const theirs = response.body.singleResult as Answer;
        expect(comparable(ours as Answer), 'our router').toEqual(expectedOf(operation));
        expect(comparable(theirs), 'the stock @apollo/gateway').toEqual(expectedOf(operation));
        expect(comparable(ours as Answer)).toEqual(comparable(theirs));
      });
    }
  });
}
