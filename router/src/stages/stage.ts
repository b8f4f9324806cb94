/**
 * What a stage of the router's request path is, and the state it reads and fills in. A stage either
 * lets the request go on (returns nothing), answers it itself (returns a `Response`), or refuses it
 * (throws a `Rejection` with Apollo's status and code). Stages run in the order `pipeline.ts` lists
 * them; a stage that needs the parsed operation does nothing when there is none (the schema is not
 * loaded yet, or the document has a syntax error that Apollo Server reports with its location).
 */
import type { FastifyRequest } from 'fastify';
import type { FieldNode, GraphQLSchema } from 'graphql';
import type { JWTPayload } from 'jose';
import type { Measures, Operation, PathStep } from '../operation.js';
import { buildSchemaMetadata, type Requirement, type SchemaMetadata } from '../schema-metadata.js';

/** The parts of an HTTP request the stages read (a FastifyRequest has them; unit tests build them). */
export type IncomingRequest = Pick<FastifyRequest, 'method' | 'headers' | 'body' | 'query' | 'ip'>;

export interface GraphQLBody {
  query: string;
  operationName?: string;
  variables?: Record<string, unknown>;
}

/** A field removed from the operation because the caller may not see it, with the response path it had. */
export interface RemovedField {
  node: FieldNode;
  requirement: Requirement;
  path: PathStep[];
}

/** A JSON answer the router gives without executing. */
export interface Response {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

/** The executed result as `after` hooks see it: the HTTP status and the parsed GraphQL response. */
export interface Executed {
  status: number;
  result: { data?: Record<string, unknown> | null; errors?: { path?: readonly (string | number)[]; extensions?: Record<string, unknown> }[] };
}

export interface RequestState {
  readonly request: IncomingRequest;
  /** The loaded supergraph's API schema and directives; null until the gateway has loaded one. */
  readonly metadata: SchemaMetadata | null;
  /** The request's fields once `parse` has read them (types checked, not yet resolved). */
  raw: { query?: string; operationName?: string; variables?: Record<string, unknown>; extensions?: Record<string, unknown> };
  claims: JWTPayload | null;
  /** The partner whose API key came with the request, or null. */
  partner: string | null;
  /** The operation text to run (after persisted-query resolution). */
  query: string | null;
  operation: Operation | null;
  measures: Measures | null;
  removed: RemovedField[];
  /** Response keys of the operation's root `signUp` / `logIn` fields (see sign-in.ts); filled by `authorize`. */
  signIns: string[];
  /** Run after execution with the result (e.g. counting failed logins); errors there are logged, not answered. */
  after: ((executed: Executed) => Promise<void>)[];
}

export interface Stage {
  readonly name: string;
  run(state: RequestState): void | Response | Promise<void | Response>;
  /** Called when a new supergraph is loaded (caches keyed by operation text are dropped). */
  schemaChanged?(schema: GraphQLSchema): void;
}

/** A new state for `request`, as the first stage sees it. */
export function initialState(request: IncomingRequest, metadata: SchemaMetadata | null): RequestState {
  return { request, metadata, raw: {}, claims: null, partner: null, query: null, operation: null, measures: null, removed: [], signIns: [], after: [] };
}

/** The body Apollo Server executes: the resolved (possibly rewritten) text, the name, the variables. */
export function bodyOf(state: RequestState): GraphQLBody {
  const { operationName, variables } = state.raw;
  return { query: state.query ?? '', ...(operationName !== undefined ? { operationName } : {}), ...(variables ? { variables } : {}) };
}

/** What running the stages decided: answer now, or execute the (possibly rewritten) operation. */
export type Prepared = { kind: 'respond'; response: Response } | { kind: 'execute'; state: RequestState; body: GraphQLBody };

/** Runs `stages` in order over each request; knows the current supergraph's metadata. */
export class StageRunner {
  private metadata: SchemaMetadata | null = null;

  constructor(readonly stages: readonly Stage[]) {}

  /** Called by the gateway on every (re)load: new directives, new measures. */
  setSchema(apiSchema: GraphQLSchema, supergraphSdl: string): void {
    this.metadata = buildSchemaMetadata(apiSchema, supergraphSdl);
    for (const stage of this.stages) stage.schemaChanged?.(apiSchema);
  }

  get ready(): boolean {
    return this.metadata !== null;
  }

  /** Throws the first stage's Rejection; returns the first stage's answer, else what to execute. */
  async prepare(request: IncomingRequest): Promise<Prepared> {
    const state = initialState(request, this.metadata);
    for (const stage of this.stages) {
      const response = await stage.run(state);
      if (response) return { kind: 'respond', response };
    }
    return { kind: 'execute', state, body: bodyOf(state) };
  }
}
