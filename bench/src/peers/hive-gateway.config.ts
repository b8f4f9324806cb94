/**
 * The Hive Gateway peer: The Guild's CLI (`hive-gateway supergraph <file>`) with its defaults (one
 * process, no JIT, no response cache), with its default runtime or (`--hive-router-runtime`) the Rust
 * query planner. The plugin below is the glue every gateway in front of these subgraphs needs
 * (peers/subgraph-trust): verify the caller's JWT once per request and sign each subgraph request.
 *
 * One more line keeps that glue correct under concurrent users: Hive's in-flight deduplication keys a
 * subgraph request by URL, method and body, adding the headers only when the transport itself sets
 * some. The signature is added later (onFetch), so without this concurrent identical `me` queries
 * of different users become one subgraph request carrying the first user's claims, and a user can get
 * another's orders. An `x-bench-caller` header (the caller's Authorization, interpolated by the
 * transport — its headers are configuration that ends up in the schema, so no function) puts the
 * caller in the key: requests are shared only within one caller, as our router shares only between
 * identical forwarded claims. Environment: JWKS_URL, ROUTER_SHARED_SECRET.
 */
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

export const gatewayConfig = defineConfig({
  plugins: () => [signSubgraphRequests],
  transportEntries: {
    '*.http': {
      headers: [['x-bench-caller', '{context.headers.authorization}']],
    },
  },
});
