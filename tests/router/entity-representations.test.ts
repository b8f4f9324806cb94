import { describe, expect, it } from 'vitest';
import { signUp } from '../support/accounts.js';
import { createProduct } from '../support/catalog.js';
import { startFaultProxy } from '../support/fault-proxy.js';
import { sharedSubgraphOverrides, startRouter } from '../support/processes.js';
import { run, unique } from '../support/run.js';
import { addReview } from '../support/shop.js';

/** The `representations` of every `_entities` fetch among the request bodies a subgraph received. */
function representationsSent(bodies: readonly string[]): unknown[][] {
  return bodies
    .filter((body) => body.includes('_entities'))
    .map((body) => (JSON.parse(body) as { variables: { representations: unknown[] } }).variables.representations);
}

/**
 * The router's gateway (patches/@apollo+gateway+2.14.4.patch) sends an `_entities` fetch each
 * distinct representation once, however many entities of the answer share it, and answers exactly
 * as if every occurrence had been sent: the data merged into every occurrence, a subgraph error
 * reported at every occurrence's path. The users subgraph sits behind a proxy that keeps the bodies.
 */
describe('entity representation deduplication', () => {
  it('sends each author once for reviews sharing authors, with each error at every occurrence', async () => {
    const tag = unique('dedup-reps-');
    const [older, newer] = [await createProduct({ name: `${tag} older` }), await createProduct({ name: `${tag} newer` })];
    const [alice, bob] = await Promise.all([signUp('Alice'), signUp('Bob')]);
    await addReview(alice, older.id, 4);
    await addReview(bob, older.id, 2);
    await addReview(alice, newer.id, 5);

    const users = await startFaultProxy(run.subgraphUrls.users);
    const router = await startRouter('entity-representations', { SUBGRAPH_URL_OVERRIDES: sharedSubgraphOverrides({ users: users.url }) });
    const before = users.bodies.length;
    // Newest product first, newest review first: the authors are Alice, Bob, Alice. Nobody may read
    // their e-mail here, so the users subgraph answers it null with an error per entity.
    const answer = await router.client.request(
      'query($search: String!) { products(filter: { search: $search }) { edges { node { reviews { edges { node { rating author { id name email } } } } } } } }',
      { search: tag },
    );

    expect(representationsSent(users.bodies.slice(before))).toEqual([
      [
        { __typename: 'User', id: alice.id },
        { __typename: 'User', id: bob.id },
      ],
    ]);
    const author = (account: { id: string; name: string }) => ({ id: account.id, name: account.name, email: null });
    expect(answer.status).toBe(200);
    expect(answer.data).toEqual({
      products: {
        edges: [
          { node: { reviews: { edges: [{ node: { rating: 5, author: author(alice) } }] } } },
          {
            node: {
              reviews: {
                edges: [{ node: { rating: 2, author: author(bob) } }, { node: { rating: 4, author: author(alice) } }],
              },
            },
          },
        ],
      },
    });
    // One error per occurrence, in the order of the occurrences, as for three representations sent.
    expect(answer.errors?.map((error) => error.path)).toEqual([
      ['products', 'edges', 0, 'node', 'reviews', 'edges', 0, 'node', 'author', 'email'],
      ['products', 'edges', 1, 'node', 'reviews', 'edges', 0, 'node', 'author', 'email'],
      ['products', 'edges', 1, 'node', 'reviews', 'edges', 1, 'node', 'author', 'email'],
    ]);
    const [first, ...others] = answer.errors ?? [];
    for (const error of others) {
      expect(error.message).toBe(first?.message);
      expect(error.extensions).toEqual(first?.extensions);
    }
  });
});
