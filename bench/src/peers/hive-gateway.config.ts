/**
 * The Hive Gateway peer: The Guild's CLI (`hive-gateway supergraph <file>`) with its defaults (one
 * process, no JIT, no response cache), with its default runtime or (`--hive-router-runtime`) the Rust
 * query planner. The plugin below is the glue every gateway in front of these subgraphs needs
 * (peers/subgraph-trust): verify the caller's JWT once per request and sign each subgraph request.
 *
 * One more line keeps that glue correct under concurrent users: Hive's in-flight deduplication keys a
 * subgraph request by URL, method and body, adding the headers only when the transport itself sets
 * some. The signature is added later (onFetch), so without this two users' identical `me` queries
 * became one subgraph request carrying the first user's claims, and the second user got the first
 * one's orders. An `x-bench-caller` header (a hash of the caller's Authorization) set through the
 * transport puts the caller in the key: requests are shared only within one caller, as our router
 * shares only between identical forwarded claims. Environment: JWKS_URL, ROUTER_SHARED_SECRET.
 */
import { createHash } from 'node:crypto';
import { defineConfig, type GatewayPlugin } from '@graphql-hive/gateway';
import { peerTrust } from './subgraph-trust.js';

const trust = peerTrust();
const claimsByRequest = new WeakMap<Request, Promise<string | undefined>>();

const signSubgraphRequests: GatewayPlugin = {
  async onFetch({ context, options, setOptions }) {
    const request = 'request' in context ? (context.request as Request | undefined) : undefined;
    let claims: Promise<string | undefined> | undefined;
    if (request) {
      claims = claimsByRequest.get(request);
      if (!claims) claimsByRequest.set(request, (claims = trust.claimsOf(request.headers.get('authorization'))));
    }
    const body = typeof options.body === 'string' ? options.body : '';
    setOptions({ ...options, headers: { ...(options.headers as Record<string, string>), ...trust.headersFor(await claims, body) } });
  },
};

/** A short hash of the client request's Authorization header (none for anonymous requests). */
function callerOf(context: unknown): string {
  const request = (context as { request?: Request } | undefined)?.request;
  const authorization = request?.headers.get('authorization');
  return authorization ? createHash('sha256').update(authorization).digest('base64url').slice(0, 22) : 'anonymous';
}

export const gatewayConfig = defineConfig({
  plugins: () => [signSubgraphRequests],
  transportEntries: {
    '*.http': {
      options: {
        headers: (executionRequest?: { context?: unknown }) => ({ 'x-bench-caller': callerOf(executionRequest?.context) }),
      },
    },
  },
});
