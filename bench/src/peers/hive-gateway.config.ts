/**
 * The Hive Gateway peer: The Guild's CLI (`hive-gateway supergraph <file>`) with its defaults (one
 * process, no JIT, no response cache). The one plugin below is the glue every gateway in front of these
 * subgraphs needs (peers/subgraph-trust): verify the caller's JWT once per request and sign each
 * subgraph request. Environment: JWKS_URL, ROUTER_SHARED_SECRET.
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
});
