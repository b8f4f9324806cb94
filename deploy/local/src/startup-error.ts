/** A failure to start that a person can act on: what went wrong, and one line saying what to do. */
export class StartupError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'StartupError';
  }
}

/** The one line to end a failed start with. */
export function hintFor(error: unknown): string {
  if (error instanceof StartupError) return error.hint;
  return 'See the message above and the logs in .data/logs/; `npm run doctor` checks the prerequisites.';
}
