/**
 * The supergraph as the gateway gets it. @apollo/gateway refuses supergraphs that link features "for:
 * SECURITY" (`@authenticated`, `@requiresScopes`) because it cannot enforce them; this router enforces
 * them itself, so the gateway's copy has those links' purpose removed while the
 * directives stay in place for the router to read.
 */
const SECURITY_LINK = /(@link\(url: "https:\/\/specs\.apollo\.dev\/(?:authenticated|requiresScopes)\/v[\d.]+"[^)]*?),?\s*for: SECURITY\)/g;

export function gatewaySupergraph(supergraphSdl: string): string {
  return supergraphSdl.replace(SECURITY_LINK, '$1)');
}
