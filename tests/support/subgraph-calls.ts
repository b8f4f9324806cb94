/**
 * GraphQL operations a subgraph of the shared stack has served, read from its /metrics before and
 * after a request: the proof that a refusal the README puts at the router never reached the subgraph.
 */
import type { ServiceName } from '@commerce/kit/service-config';
import { metricValue, run } from './run.js';

export const subgraphCalls = (service: ServiceName): Promise<number> => metricValue(run.metricsUrls[service], 'graphql_operations_total');
