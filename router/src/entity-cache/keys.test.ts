import { describe, expect, it } from 'vitest';
import { entityKey, entityTags, idArgumentOf, mutationTags, rootFieldsOf, rootKey, rootTags, scopeKey, selectionHash, stableJson } from './keys.js';

const P = '00000000-0000-4000-8000-000000000001';
const types = new Map([
  ['product', 'Product'],
  ['products', 'ProductConnection'],
  ['me', 'User'],
  ['review', 'Review'],
]);

describe('entity cache keys', () => {
  it('hash a selection by query and variables, whatever the key order, without the representations', () => {
    const query = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { name } } }';
    expect(selectionHash(query, { representations: [{ id: '1' }], a: 1, b: 2 })).toBe(selectionHash(query, { b: 2, a: 1, representations: [{ id: '2' }] }));
    expect(selectionHash(query, { a: 1 })).not.toBe(selectionHash(query, { a: 2 }));
    expect(selectionHash(query, {})).not.toBe(selectionHash(`${query} `, {}));
    expect(stableJson({ b: [1, { d: 1, c: 2 }], a: null })).toBe('{"a":null,"b":[1,{"c":2,"d":1}]}');
  });

  it('key an entity by subgraph, type, representation, selection and scope', () => {
    const rep = { __typename: 'Product', id: P };
    const key = entityKey('ec:', 'products', rep, 'sel', 'public');
    expect(key).toMatch(/^ec:e:products:Product:[\w-]+:sel:public$/);
    expect(entityKey('ec:', 'reviews', rep, 'sel', 'public')).not.toBe(key);
    expect(entityKey('ec:', 'products', { __typename: 'Product', id: 'other' }, 'sel', 'public')).not.toBe(key);
    expect(entityKey('ec:', 'products', rep, 'sel2', 'public')).not.toBe(key);
    expect(entityKey('ec:', 'products', rep, 'sel', 'u.x')).not.toBe(key);
    expect(rootKey('ec:', 'products', 'sel', 'public')).toBe('ec:r:products:sel:public');
    expect(entityTags(rep)).toEqual([`Product:${P}`, 'type:Product']);
  });

  it('scope PRIVATE answers by the claims that decide them, and not at all without a user', () => {
    expect(scopeKey('PUBLIC', null)).toBe('public');
    expect(scopeKey('PRIVATE', null)).toBeNull();
    expect(scopeKey('PRIVATE', { sub: '' })).toBeNull();
    const ann = scopeKey('PRIVATE', { sub: 'ann', scope: 'customer' });
    expect(ann).toMatch(/^u\./);
    expect(scopeKey('PRIVATE', { sub: 'ben', scope: 'customer' })).not.toBe(ann);
    expect(scopeKey('PRIVATE', { sub: 'ann', scope: 'customer admin' })).not.toBe(ann);
    expect(scopeKey('PRIVATE', { sub: 'ann', scope: 'admin customer' })).toBe(scopeKey('PRIVATE', { sub: 'ann', scope: 'customer admin' }));
  });

  it('read the root fields of a fetch, their aliases and id arguments', () => {
    expect(rootFieldsOf('query($id: ID!) { p: product(id: $id) { id } products { edges { cursor } } }')).toEqual({
      operation: 'query',
      fields: [{ responseKey: 'p', name: 'product', idArgument: { variable: 'id' } }, { responseKey: 'products', name: 'products' }],
      misleadingKeys: false,
    });
    expect(rootFieldsOf('mutation { updateProduct(id: "x", input: {}) { id } }')?.fields[0]?.idArgument).toEqual({ value: 'x' });
    expect(rootFieldsOf('{ ... on Query { me { id } } }')).toBeNull();
    expect(rootFieldsOf('not graphql')).toBeNull();
    expect(idArgumentOf({ responseKey: 'p', name: 'product', idArgument: { variable: 'id' } }, { id: P })).toBe(P);
  });

  it('tag a root answer by its entities and lists, and refuse one nothing could purge', () => {
    const fields = rootFieldsOf('query($id: ID!) { product(id: $id) { name } }')!;
    expect(rootTags(fields, { product: { name: 'x' } }, types, { id: P })).toEqual([`Product:${P}`, 'type:Product']);
    expect(rootTags(fields, { product: null }, types, { id: P })).toEqual([`Product:${P}`, 'type:Product']);
    const me = rootFieldsOf('{ me { id name } }')!;
    expect(rootTags(me, { me: { id: 'u1', name: 'Ann' } }, types)).toEqual(['User:u1', 'type:User']);
    expect(rootTags(rootFieldsOf('{ me { name } }')!, { me: { name: 'Ann' } }, types)).toBeNull();
    expect(rootTags(rootFieldsOf('{ __typename }')!, { __typename: 'Query' }, types)).toBeNull();
    const list = rootFieldsOf('{ products { edges { node { __typename id } } } }')!;
    expect(rootTags(list, { products: { edges: [{ node: { __typename: 'Product', id: P } }] } }, types)).toEqual(['Query.products', 'type:ProductConnection', `Product:${P}`]);
  });

  it('tag what a mutation returned, with the lists of its types', () => {
    const mutationTypes = new Map([['updateProduct', 'Product'], ['createProduct', 'Product'], ['logIn', 'AuthPayload']]);
    const update = rootFieldsOf('mutation($id: ID!) { updateProduct(id: $id, input: {}) { name } }')!;
    expect(mutationTags(update, { updateProduct: { name: 'x' } }, mutationTypes, { id: P }).sort()).toEqual([`Product:${P}`, 'Query.products']);
    const create = rootFieldsOf('mutation { createProduct(input: {}) { id } }')!;
    expect(mutationTags(create, { createProduct: { id: P } }, mutationTypes).sort()).toEqual([`Product:${P}`, 'Query.products']);
    expect(mutationTags(rootFieldsOf('mutation { logIn(email: "", password: "") { token } }')!, { logIn: { token: 't' } }, mutationTypes)).toEqual([]);
    expect(mutationTags(create, null, mutationTypes)).toEqual([]);
    const review = rootFieldsOf('mutation($i: AddReviewInput!) { addReview(input: $i) { id } }')!;
    expect(mutationTags(review, { addReview: { id: 'r1' } }, new Map([['addReview', 'Review']]), { i: { productId: P, rating: 4 } }).sort()).toEqual([`Product:${P}`, 'Query.products', 'Review:r1']);
  });

  it('tag by the canonical (lower-case) id whatever case the client wrote, and never read ids from misleading keys', () => {
    const upper = P.toUpperCase();
    const byArgument = rootFieldsOf('query($id: ID!) { product(id: $id) { name } }')!;
    expect(rootTags(byArgument, { product: { name: 'x' } }, types, { id: upper })).toEqual([`Product:${P}`, 'type:Product']);
    // `id: name` answers the name under `id`: nothing can be purged by it, so it is not cached.
    const aliased = rootFieldsOf('{ me { id: name } }')!;
    expect(aliased.misleadingKeys).toBe(true);
    expect(rootTags(aliased, { me: { id: 'Ann' } }, types)).toBeNull();
    expect(rootFieldsOf('{ me { __typename: name id } }')!.misleadingKeys).toBe(true);
    expect(rootFieldsOf('{ me { id: id __typename } }')!.misleadingKeys).toBe(false);
    // A mutation with misleading keys purges the whole type (and its lists) instead of the ids it claims.
    const mutationTypes = new Map([['updateProfile', 'User']]);
    const profile = rootFieldsOf('mutation { updateProfile(input: { name: "constructor" }) { __typename: name id } }')!;
    expect(mutationTags(profile, { updateProfile: { __typename: 'constructor', id: 'u1' } }, mutationTypes).sort()).toEqual(['Query.users', 'type:User']);
    // Input fields named like Object.prototype members name no entity.
    const create = rootFieldsOf('mutation($i: X!) { createProduct(input: $i) { id } }')!;
    expect(mutationTags(create, null, new Map(), { i: { constructor: 'x', toString: 'y', productId: upper } })).toEqual([`Product:${P}`, 'Query.products']);
  });
});
