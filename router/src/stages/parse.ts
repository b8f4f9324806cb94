/**
 * Stage `parse`: reads the GraphQL-over-HTTP request (GET query parameters or a POST JSON object)
 * after the CSRF check, and checks the types of its members. A POST that is not `application/json`
 * passes the CSRF check first (400 `CSRF_ERROR` unless preflighted), then is 415
 * `INVALID_CONTENT_TYPE_HEADER`. The body's size is capped before this
 * (MAX_BODY_BYTES, 413, in the HTTP shell); the document itself is parsed under its caps by the
 * `document` stage, once persisted queries have resolved its text.
 */
import { reject } from '../rejection.js';
import type { RequestState, Stage } from './stage.js';

const SIMPLE_CONTENT_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']);

const CSRF_MESSAGE =
  "This operation has been blocked as a potential Cross-Site Request Forgery (CSRF). Please either specify a 'content-type' header (with a mime-type that is not one of application/x-www-form-urlencoded, multipart/form-data, text/plain) or provide one of the following headers: x-apollo-operation-name, apollo-require-preflight";

/** The media type of the request's Content-Type (`application/json; charset=utf-8` → `application/json`), if any. */
function mediaType(headers: RequestState['request']['headers']): string | undefined {
  return headers['content-type']?.split(';')[0]?.trim().toLowerCase() || undefined;
}

/** Apollo's CSRF prevention: a request a browser could send cross-site without a preflight is refused. */
export function checkCsrf(headers: RequestState['request']['headers']): void {
  const contentType = mediaType(headers);
  if (contentType && !SIMPLE_CONTENT_TYPES.has(contentType)) return;
  if (headers['x-apollo-operation-name'] || headers['apollo-require-preflight']) return;
  throw reject(400, 'CSRF_ERROR', CSRF_MESSAGE);
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Optional JSON-encoded object in a GET parameter; `what` names it in the error. */
function jsonParameter(value: string | undefined, what: string): unknown {
  if (value === undefined || value === '') return undefined;
  try {
    return JSON.parse(value);
  } catch {
    throw reject(400, 'BAD_REQUEST', `\`${what}\` query parameter must be a JSON-encoded object`);
  }
}

/** The request's members, type-checked (GraphQL-over-HTTP: `query` string, `operationName` string, objects otherwise). */
export function readRequest(request: RequestState['request']): RequestState['raw'] {
  let raw: Record<string, unknown>;
  if (request.method === 'GET') {
    const params = (request.query ?? {}) as Record<string, unknown>;
    for (const name of ['query', 'operationName', 'variables', 'extensions']) {
      if (params[name] !== undefined && typeof params[name] !== 'string') throw reject(400, 'BAD_REQUEST', `\`${name}\` query parameter must be given once`);
    }
    raw = {
      query: params.query,
      operationName: params.operationName,
      variables: jsonParameter(params.variables as string | undefined, 'variables'),
      extensions: jsonParameter(params.extensions as string | undefined, 'extensions'),
    };
  } else {
    // GraphQL-over-HTTP: a POST body is `application/json`; any other media type (a form or text post
    // that passed the CSRF check with a preflight header, XML, no Content-Type) is 415. The HTTP shell
    // reads such bodies as text instead of refusing them, so the CSRF check above answers first.
    if (mediaType(request.headers) !== 'application/json') {
      throw reject(415, 'INVALID_CONTENT_TYPE_HEADER', "'content-type' header must be 'application/json' for a POST request");
    }
    if (!isObject(request.body)) throw reject(400, 'BAD_REQUEST', 'POST body must be a JSON object (batched requests are not supported)');
    raw = request.body;
  }
  const present = (value: unknown) => value !== undefined && value !== null;
  if (present(raw.query) && typeof raw.query !== 'string') throw reject(400, 'BAD_REQUEST', '`query` must be a string');
  if (present(raw.operationName) && typeof raw.operationName !== 'string') throw reject(400, 'BAD_REQUEST', '`operationName` must be a string');
  if (present(raw.variables) && !isObject(raw.variables)) throw reject(400, 'BAD_REQUEST', '`variables` must be an object');
  if (present(raw.extensions) && !isObject(raw.extensions)) throw reject(400, 'BAD_REQUEST', '`extensions` must be an object');
  return {
    ...(typeof raw.query === 'string' && raw.query !== '' ? { query: raw.query } : {}),
    // An empty name is no name (GraphQL-over-HTTP: "operationName ... if present, must be a non-empty string" is lenient in practice).
    ...(typeof raw.operationName === 'string' && raw.operationName !== '' ? { operationName: raw.operationName } : {}),
    ...(isObject(raw.variables) ? { variables: raw.variables } : {}),
    ...(isObject(raw.extensions) ? { extensions: raw.extensions } : {}),
  };
}

/**
 * An upper bound on the members (`"key":`) of the objects in a JSON text, without parsing it: every `:`
 * whose previous non-blank character is a `"`. JSON.parse spends ~0.7 µs per distinct key, so a body
 * of 100,000 keys in 1.5 MB holds the event loop ~70 ms; the body parser refuses such bodies first.
 */
export function jsonMembers(text: string): number {
  let members = 0;
  for (let colon = text.indexOf(':'); colon >= 0; colon = text.indexOf(':', colon + 1)) {
    let before = colon - 1;
    while (before >= 0 && (text.charCodeAt(before) === 32 || text.charCodeAt(before) === 10 || text.charCodeAt(before) === 13 || text.charCodeAt(before) === 9)) before -= 1;
    if (text.charCodeAt(before) === 34) members += 1;
  }
  return members;
}

export function parseStage(): Stage {
  return {
    name: 'parse',
    run(state) {
      checkCsrf(state.request.headers);
      state.raw = readRequest(state.request);
    },
  };
}
