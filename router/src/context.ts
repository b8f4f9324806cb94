import type { JWTPayload } from 'jose';
import type { RequestScope } from '@commerce/kit/observability';
import type { RemovedField } from './stages/stage.js';

export interface RouterContext extends RequestScope {
  /**
   * The verified JWT claims the subgraphs are sent, or null for an anonymous request. Replaced, for the
   * request's later fetches, by the claims of the verified token a `signUp` / `logIn` returned.
   */
  claims: JWTPayload | null;
  /** Response keys of the operation's root `signUp` / `logIn` fields, whose returned token is adopted. */
  signIns: readonly string[];
  /** Fields the caller may not see, removed from the operation; put back as nulls in the response. */
  removed: RemovedField[];
}
