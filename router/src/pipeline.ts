/**
 * The router's request path, in order. Each stage is one module under `stages/`, built from its part
 * of the router's config; a refusal at any stage never reaches a subgraph. After these, Apollo Server
 * validates and the gateway plans and executes; `after` hooks (login throttling) see the result.
 */
import type { Logger } from '@commerce/kit/logger';
import type { Verifier } from './auth.js';
import type { Config } from './config.js';
import type { LoginThrottle } from './login-throttle.js';
import type { RouterMetrics } from './metrics.js';
import type { PersistedQueries } from './persisted-queries.js';
import type { RateLimiter } from './rate-limit.js';
import { authenticateStage } from './stages/authenticate.js';
import { authorizeStage } from './stages/authorize.js';
import { costStage } from './stages/cost.js';
import { documentStage } from './stages/document.js';
import { introspectionStage } from './stages/introspection.js';
import { limitsStage } from './stages/limits.js';
import { loginThrottleStage } from './stages/login-throttle.js';
import { parseStage } from './stages/parse.js';
import { persistedStage } from './stages/persisted.js';
import { rateLimitStage } from './stages/rate-limit.js';
import { slicingStage } from './stages/slicing.js';
import { StageRunner, type Stage } from './stages/stage.js';

export interface PipelineDeps {
  verify: Verifier;
  persisted: PersistedQueries;
  limiter: RateLimiter | null;
  throttle: LoginThrottle | null;
  metrics: RouterMetrics;
  log: Logger;
}

export function createPipeline(config: Config, deps: PipelineDeps): StageRunner {
  const stages: (Stage | null)[] = [
    parseStage(), //                                         CSRF, GET/POST, member types
    authenticateStage(config, deps.verify), //               JWT → claims, API key → partner
    deps.limiter && rateLimitStage(deps.limiter), //         per-client sliding window
    persistedStage(deps.persisted), //                       id → text, safelists, APQ
    documentStage(config), //                                tokens, nesting, operation selection
    limitsStage(config, deps.log), //                        depth, height, aliases, ..., expanded size
    introspectionStage(config), //                           __schema / __type off in production
    slicingStage(config), //                                 first: 0..MAX_SLICING_ARGUMENT
    costStage(config, deps), //                              demand control
    deps.throttle && loginThrottleStage(config, { ...deps, throttle: deps.throttle }), // failed logins
    authorizeStage(config), //                               @authenticated / @requiresScopes
  ];
  return new StageRunner(stages.filter((stage): stage is Stage => stage !== null));
}
