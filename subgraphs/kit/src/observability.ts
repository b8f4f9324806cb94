/**
 * Per-process logger and metrics, plus the Apollo Server plugin that feeds them: operation names into
 * the access log, latency and error-code metrics, internal errors logged with their request context,
 * and the request and trace ids on masked errors so a client can quote them.
 */
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { FastifyBaseLogger } from 'fastify';
import { unwrapResolverError } from '@apollo/server/errors';
import { createLogger, type Logger } from './logger.js';
import { createMetrics, type Metrics } from './metrics.js';
import { ErrorCode, isPublicError } from './errors.js';
import type { RequestInfo } from './http.js';

export interface Observability {
  log: Logger;
  metrics: Metrics;
}

export function createObservability(service: string, logLevel: string): Observability {
  return { log: createLogger(service, logLevel), metrics: createMetrics(service) };
}

/** What every GraphQL context carries, in the router and in each subgraph. */
export interface RequestScope extends BaseContext {
  log: FastifyBaseLogger;
  requestId: string;
  traceId: string;
  info: RequestInfo;
}

export function observabilityPlugin<C extends RequestScope>(
  metrics: Metrics,
  publicCodes: ReadonlySet<string>,
): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      const started = performance.now();
      return {
        async didResolveOperation({ contextValue, operationName, operation }) {
          contextValue.info.operationName = operationName ?? null;
          contextValue.info.operationType = operation?.operation ?? null;
        },
        async didEncounterErrors({ contextValue, errors }) {
          for (const error of errors) {
            if (isPublicError(error, publicCodes)) continue;
            contextValue.log.error(
              { err: unwrapResolverError(error), path: error.path, requestId: contextValue.requestId, traceId: contextValue.traceId },
              'internal error',
            );
          }
        },
        async willSendResponse({ contextValue, response }) {
          const { info } = contextValue;
          const operation = metrics.operationLabel(info.operationName);
          const type = info.operationType ?? 'unknown';
          metrics.operations.inc({ operation, type });
          metrics.operationDuration.observe({ operation, type }, (performance.now() - started) / 1000);
          if (response.body.kind !== 'single') return;
          for (const error of response.body.singleResult.errors ?? []) {
            const code = String(error.extensions?.code ?? ErrorCode.INTERNAL_SERVER_ERROR);
            metrics.errors.inc({ code });
            if (code === ErrorCode.INTERNAL_SERVER_ERROR) {
              Object.assign(error, {
                extensions: { ...error.extensions, requestId: contextValue.requestId, traceId: contextValue.traceId },
              });
            }
          }
        },
      };
    },
  };
}
