/** A minimal GraphQL-over-HTTP client for the seed script and the tests (fetch, JSON, bearer token). */

export interface GraphQLErrorShape {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; [key: string]: unknown };
}

export interface GraphQLResult<T> {
  status: number;
  headers: Headers;
  data?: T | null;
  errors?: GraphQLErrorShape[];
}

export class GraphQLRequestError extends Error {
  constructor(readonly result: GraphQLResult<unknown>) {
    super(`GraphQL request failed (HTTP ${result.status}): ${result.errors?.map((e) => `${e.extensions?.code ?? ''} ${e.message}`).join('; ')}`);
  }
}

export class GraphQLClient {
  constructor(
    readonly url: string,
    private readonly headers: Record<string, string> = {},
  ) {}

  /** The same endpoint with a bearer token (or other headers) added. */
  with(headers: Record<string, string>): GraphQLClient {
    return new GraphQLClient(this.url, { ...this.headers, ...headers });
  }

  withToken(token: string): GraphQLClient {
    return this.with({ authorization: `Bearer ${token}` });
  }

  async request<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    extra: { headers?: Record<string, string>; extensions?: Record<string, unknown> } = {},
  ): Promise<GraphQLResult<T>> {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...this.headers, ...extra.headers },
      body: JSON.stringify({ query, variables, ...(extra.extensions ? { extensions: extra.extensions } : {}) }),
    });
    const text = await response.text();
    let body: { data?: T | null; errors?: GraphQLErrorShape[] } = {};
    try {
      body = JSON.parse(text);
    } catch {
      body = { errors: [{ message: `non-JSON response: ${text.slice(0, 200)}` }] };
    }
    return { status: response.status, headers: response.headers, ...body };
  }

  /** The data of a request that must succeed without errors. */
  async data<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<T> {
    const result = await this.request<T>(query, variables);
    if (result.status !== 200 || result.errors?.length || !result.data) throw new GraphQLRequestError(result);
    return result.data;
  }
}
