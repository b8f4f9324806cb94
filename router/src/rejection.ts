/**
 * Answers the router gives itself, before (or instead of) execution, shaped as Apollo's router shapes
 * them: a status code, GraphQL errors with a code, sometimes `data`, sometimes headers.
 */
export interface RouterError {
  message: string;
  path?: (string | number)[];
  locations?: readonly { line: number; column: number }[];
  extensions: { code: string; [key: string]: unknown };
}

export class Rejection extends Error {
  constructor(
    readonly status: number,
    readonly errors: RouterError[],
    readonly options: { data?: unknown; headers?: Record<string, string> } = {},
  ) {
    super(errors.map((error) => error.message).join('; '));
  }

  get code(): string {
    return this.errors[0]?.extensions.code ?? 'UNKNOWN';
  }

  body(): string {
    return JSON.stringify('data' in this.options ? { data: this.options.data, errors: this.errors } : { errors: this.errors });
  }
}

export function reject(status: number, code: string, message: string, extensions: Record<string, unknown> = {}, options: Rejection['options'] = {}): Rejection {
  return new Rejection(status, [{ message, extensions: { code, ...extensions } }], options);
}
