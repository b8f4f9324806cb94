/**
 * Everything the router checks before the gateway plans an operation, in this order: CSRF, the
 * request's shape, the JWT, the partner's API key, the rate limit, persisted-query resolution,
 * parsing under limits, the operation's measures, introspection, the estimated cost, and
 * authorization (which may rewrite the operation). Refusals never reach a subgraph.
 *
 * Parsing and measuring are cached per operation text and schema; the authorized rewrite is cached
 * per operation and per what the caller may see.
 */
import type { FastifyRequest } from 'fastify';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import type { JWTPayload } from 'jose';
import { LRUCache } from 'lru-cache';
import type { Logger } from '@commerce/kit/logger';
import { AuthError, type Verifier } from './auth.js';
import { restoreRemoved, unauthorizedErrors, unauthorizedFields, withoutFields, type Caller } from './authorization.js';
import { introspectionEnabled, type Config } from './config.js';
import { estimateCost } from './cost.js';
import type { RouterMetrics } from './metrics.js';
import { analyse, limitErrors, parseLimited, selectOperation, type Analysis, type GuardedField, type Limits } from './operation.js';
import { parsePartnerKeys, type PersistedQueries } from './persisted-queries.js';
import type { RateLimiter } from './rate-limit.js';
import { Rejection, reject } from './rejection.js';
import { buildSchemaMetadata, type SchemaMetadata } from './schema-metadata.js';

export interface GraphQLBody {
  query: string;
  operationName?: string;
  variables?: Record<string, unknown>;
}

export type Prepared =
  | { kind: 'execute'; body: GraphQLBody; claims: JWTPayload | null; removed: GuardedField[] }
  | { kind: 'respond'; status: number; body: string };

interface RawRequest {
  query?: unknown;
  operationName?: unknown;
  variables?: unknown;
  extensions?: unknown;
}

const SIMPLE_CONTENT_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']);

/** What parsing and measuring produced for one operation text: an analysis, a refusal, or nothing (left to Apollo). */
type Analysed = { analysis: Analysis } | { rejection: Rejection } | { passThrough: true };

export class RequestPipeline {
  private metadata: SchemaMetadata | null = null;
  private readonly analyses = new LRUCache<string, Analysed>({ max: 5_000 });
  private readonly rewrites = new LRUCache<string, { query: string | null }>({ max: 5_000 });
  private readonly partnerKeys: Map<string, string>;
  private readonly limits: Limits;

  constructor(
    private readonly config: Config,
    private readonly deps: {
      verify: Verifier;
      persisted: PersistedQueries;
      limiter: RateLimiter | null;
      metrics: RouterMetrics;
      log: Logger;
    },
  ) {
    this.partnerKeys = parsePartnerKeys(config.PARTNER_API_KEYS);
    this.limits = {
      maxDepth: config.MAX_DEPTH,
      maxHeight: config.MAX_HEIGHT,
      maxRootFields: config.MAX_ROOT_FIELDS,
      maxAliases: config.MAX_ALIASES,
      maxDirectives: config.MAX_DIRECTIVES,
      maxTokens: config.MAX_TOKENS,
      maxRecursion: config.MAX_RECURSION,
    };
  }

  /** Called by the gateway on every (re)load: new directives, new measures. */
  setSchema(apiSchema: GraphQLSchema, supergraphSdl: string): void {
    this.metadata = buildSchemaMetadata(apiSchema, supergraphSdl);
    this.analyses.clear();
    this.rewrites.clear();
  }

  get ready(): boolean {
    return this.metadata !== null;
  }

  async prepare(request: FastifyRequest): Promise<Prepared> {
    this.checkCsrf(request);
    const raw = this.readRequest(request);

    let claims: JWTPayload | null;
    try {
      claims = await this.deps.verify(request.headers.authorization);
    } catch (error) {
      if (error instanceof AuthError) throw reject(401, 'AUTH_ERROR', error.message);
      throw error;
    }
    if (!claims && this.config.REQUIRE_AUTHENTICATION) throw reject(401, 'AUTH_ERROR', 'The request is not authenticated');

    const apiKey = request.headers['x-api-key'];
    const partner = typeof apiKey === 'string' ? this.partnerKeys.get(apiKey) ?? null : null;
    if (typeof apiKey === 'string' && partner === null) throw reject(401, 'AUTH_ERROR', 'Invalid API key');

    if (this.deps.limiter) {
      const client = partner ? `partner:${partner}` : claims?.sub ? `user:${claims.sub}` : `ip:${request.ip}`;
      await this.deps.limiter.take(client);
    }

    const extensions = (raw.extensions ?? {}) as { persistedQuery?: { version?: unknown; sha256Hash?: unknown } };
    const query = await this.deps.persisted.resolve(
      { query: typeof raw.query === 'string' && raw.query !== '' ? raw.query : undefined, persistedQuery: extensions.persistedQuery },
      partner,
    );
    const operationName = typeof raw.operationName === 'string' ? raw.operationName : undefined;
    const variables = raw.variables as Record<string, unknown> | undefined;
    const body: GraphQLBody = { query, ...(operationName ? { operationName } : {}), ...(variables ? { variables } : {}) };

    const analysed = this.analysed(query, operationName);
    if ('rejection' in analysed) throw analysed.rejection;
    if ('passThrough' in analysed) return { kind: 'execute', body, claims, removed: [] };
    const { analysis } = analysed;

    if (request.method === 'GET' && analysis.operation.operation !== 'query') {
      throw reject(405, 'METHOD_NOT_ALLOWED', 'Mutations must be sent with POST', {}, { headers: { allow: 'POST' } });
    }
    this.checkCost(analysis, variables);
    return this.authorize(analysis, body, claims);
  }

  private checkCsrf(request: FastifyRequest): void {
    const contentType = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
    if (contentType && !SIMPLE_CONTENT_TYPES.has(contentType)) return;
    if (request.headers['x-apollo-operation-name'] || request.headers['apollo-require-preflight']) return;
    throw reject(
      400,
      'CSRF_ERROR',
      "This operation has been blocked as a potential Cross-Site Request Forgery (CSRF). Please either specify a 'content-type' header (with a mime-type that is not one of application/x-www-form-urlencoded, multipart/form-data, text/plain) or provide one of the following headers: x-apollo-operation-name, apollo-require-preflight",
    );
  }

  private readRequest(request: FastifyRequest): RawRequest {
    let raw: RawRequest;
    if (request.method === 'GET') {
      const params = request.query as Record<string, string | undefined>;
      try {
        raw = {
          query: params.query,
          operationName: params.operationName,
          variables: params.variables ? JSON.parse(params.variables) : undefined,
          extensions: params.extensions ? JSON.parse(params.extensions) : undefined,
        };
      } catch {
        throw reject(400, 'BAD_REQUEST', '`variables` and `extensions` query parameters must be JSON-encoded objects');
      }
    } else {
      const body = request.body;
      if (body === null || typeof body !== 'object' || Array.isArray(body)) {
        throw reject(400, 'BAD_REQUEST', 'POST body must be a JSON object (batched requests are not supported)');
      }
      raw = body as RawRequest;
    }
    const isObject = (value: unknown) => value === undefined || value === null || (typeof value === 'object' && !Array.isArray(value));
    if (raw.query !== undefined && raw.query !== null && typeof raw.query !== 'string') throw reject(400, 'BAD_REQUEST', '`query` must be a string');
    if (raw.operationName !== undefined && raw.operationName !== null && typeof raw.operationName !== 'string') {
      throw reject(400, 'BAD_REQUEST', '`operationName` must be a string');
    }
    if (!isObject(raw.variables)) throw reject(400, 'BAD_REQUEST', '`variables` must be an object');
    if (!isObject(raw.extensions)) throw reject(400, 'BAD_REQUEST', '`extensions` must be an object');
    return { ...raw, variables: raw.variables ?? undefined, extensions: raw.extensions ?? undefined };
  }

  private analysed(query: string, operationName: string | undefined): Analysed {
    const key = `${operationName ?? ''}\u0000${query}`;
    let entry = this.analyses.get(key);
    if (entry) return entry;
    entry = this.analyse(query, operationName);
    this.analyses.set(key, entry);
    return entry;
  }

  private analyse(query: string, operationName: string | undefined): Analysed {
    const metadata = this.metadata;
    if (!metadata) return { passThrough: true };
    let document: DocumentNode | null;
    try {
      document = parseLimited(query, this.limits);
    } catch (error) {
      if (error instanceof Rejection) return { rejection: error };
      throw error;
    }
    const operation = document && selectOperation(document, operationName);
    if (!document || !operation) return { passThrough: true };
    const analysis = analyse(document, operation, metadata, this.limits);
    const errors = limitErrors(analysis.measures, this.limits);
    if (errors.length > 0) {
      if (this.config.LIMITS_MODE === 'enforce') return { rejection: new Rejection(400, errors, { data: {} }) };
      this.deps.log.warn({ measures: analysis.measures, errors: errors.map((e) => e.extensions.code) }, 'operation over limits (warn mode)');
    }
    if (analysis.introspection && !introspectionEnabled(this.config)) {
      return { rejection: reject(400, 'INTROSPECTION_DISABLED', 'GraphQL introspection has been disabled') };
    }
    return { analysis };
  }

  private checkCost(analysis: Analysis, variables: Record<string, unknown> | undefined): void {
    const cost = estimateCost(analysis, this.metadata!, variables, this.config.COST_DEFAULT_LIST_SIZE);
    this.deps.metrics.cost.observe(cost);
    if (cost <= this.config.COST_MAX) return;
    const message = `query estimated cost ${cost} exceeded configured maximum ${this.config.COST_MAX}`;
    if (this.config.COST_MODE === 'measure') {
      this.deps.log.warn({ cost, max: this.config.COST_MAX }, 'operation over the cost limit (measure mode)');
      return;
    }
    throw reject(400, 'COST_ESTIMATED_TOO_EXPENSIVE', message, { cost: { estimated: cost, max: this.config.COST_MAX } });
  }

  private authorize(analysis: Analysis, body: GraphQLBody, claims: JWTPayload | null): Prepared {
    if (analysis.guarded.length === 0) return { kind: 'execute', body, claims, removed: [] };
    const scope = typeof claims?.scope === 'string' ? claims.scope : '';
    const caller: Caller = { authenticated: claims !== null, scopes: new Set(scope.split(' ').filter(Boolean)) };
    const removed = unauthorizedFields(analysis, caller);
    if (removed.length === 0) return { kind: 'execute', body, claims, removed };
    if (this.config.AUTHZ_REJECT_UNAUTHORIZED) {
      return { kind: 'respond', status: 200, body: JSON.stringify({ data: null, errors: unauthorizedErrors(removed) }) };
    }
    const key = `${body.operationName ?? ''}\u0000${removed.map((field) => analysis.guarded.indexOf(field)).join(',')}\u0000${body.query}`;
    let rewrite = this.rewrites.get(key);
    if (!rewrite) {
      rewrite = { query: withoutFields(analysis, removed) };
      this.rewrites.set(key, rewrite);
    }
    const { query } = rewrite;
    if (query === null) {
      return { kind: 'respond', status: 200, body: JSON.stringify({ data: restoreRemoved({}, removed), errors: unauthorizedErrors(removed) }) };
    }
    return { kind: 'execute', body: { ...body, query }, claims, removed };
  }
}
