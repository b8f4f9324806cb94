/**
 * The API schema clients see (inaccessible and join machinery removed) of a supergraph. Every linked
 * feature is accepted: the router enforces the SECURITY ones the gateway would refuse.
 */
import { Supergraph } from '@apollo/federation-internals';
import type { GraphQLSchema } from 'graphql';

export function apiSchemaOf(supergraphSdl: string): GraphQLSchema {
  return Supergraph.build(supergraphSdl, { supportedFeatures: null }).apiSchema().toGraphQLJSSchema();
}
