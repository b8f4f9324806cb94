import type { JWTPayload } from 'jose';
import type { RequestScope } from '@commerce/kit/observability';
import type { RemovedField } from './stages/stage.js';

export interface RouterContext extends RequestScope {
  /** The verified JWT claims, or null for an anonymous request. */
  claims: JWTPayload | null;
  /** Fields the caller may not see, removed from the operation; put back as nulls in the response. */
  removed: RemovedField[];
}
