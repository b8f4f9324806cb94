import type { JWTPayload } from 'jose';
import type { RequestScope } from '@commerce/kit/observability';

export interface RouterContext extends RequestScope {
  /** The verified JWT claims, or null for an anonymous request. */
  claims: JWTPayload | null;
}
