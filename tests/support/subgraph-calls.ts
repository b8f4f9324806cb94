/**
 * GraphQL operations a subgraph of the shared stack has served, read from its /metrics before and
 * after a request: the proof that a refusal the README puts at the router never reached the subgraph.
 */
import type { ServiceName } from '@commerce/kit/service-config';
import { metricsUrlOf, metricValue, run } from './run.js';

export const subgraphCalls = (service: ServiceName): Promise<number> => metricValue(metricsUrlOf(run.subgraphUrls[service]), 'graphql_operations_total');
