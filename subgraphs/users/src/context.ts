import type { SubgraphScope } from '@commerce/kit/subgraph';
import type { Db } from './db.js';
import { createLoaders, type Loaders } from './loaders.js';
import type { UserService } from './domain/user-service.js';

export interface Context extends SubgraphScope {
  loaders: Loaders;
  users: UserService;
  currency: string;
  /**
   * Users this request proved it is, without a token yet: the user a `signUp` or `logIn` in this
   * request signed in. Their private fields are the caller's own (permissions.ts).
   */
  signedIn: Set<string>;
}

export function contextFactory(deps: { db: Db; users: UserService; currency: string }) {
  return (scope: SubgraphScope): Context => ({
    ...scope,
    loaders: createLoaders(deps.db),
    users: deps.users,
    currency: deps.currency,
    signedIn: new Set(),
  });
}
