/**
 * The one convention every `npm run` command follows for its arguments (see the README's "Commands"):
 *
 * - arguments are parsed with `node:util` `parseArgs` in strict mode, BEFORE the command does anything
 *   (no connection, no file written, no config read that could fail first);
 * - `--help` (or `-h`) prints usage, the options with their defaults, the environment variables the
 *   command reads and its exit codes on stdout, then exits 0;
 * - an unknown flag, a missing value or a bad positional prints the error and the usage on stderr and
 *   exits 2 (`USAGE_EXIT`), like most Unix tools; 0 is success, 1 a failure of the work itself, and a
 *   command documents any further code it uses (e.g. `reconcile`'s 3 "drift left").
 */
import { parseArgs, type ParseArgsOptionDescriptor } from 'node:util';

/** Exit code for arguments the command refuses (unknown flag, missing value, wrong positionals). */
export const USAGE_EXIT = 2;

/** A `parseArgs` option plus what `--help` says about it. */
export type CliOption = ParseArgsOptionDescriptor & {
  description: string;
  /** Placeholder shown after a string option in the help, e.g. `<ref>`; default `<value>`. */
  valueName?: string;
};

export interface CommandSpec<O extends Record<string, CliOption>> {
  /** How the user runs it, e.g. `npm run kafka:topics`. */
  command: string;
  /** One or two sentences: what the command does. */
  summary: string;
  /** Positional arguments, e.g. `[<service>]`; omit when the command takes none (then any is refused). */
  positionals?: string;
  /** Further usage lines shown under the first, e.g. for sub-commands. */
  details?: readonly string[];
  options: O;
  /** Environment variables the command reads: [name, what it means and its default]. */
  environment?: ReadonlyArray<readonly [string, string]>;
  /** Exit codes other than 0 and 2 (those two are the same for every command). */
  exitCodes: Readonly<Record<number, string>>;
}

type Parsed<O extends Record<string, CliOption>> = ReturnType<typeof parseArgs<{ options: O; allowPositionals: true; strict: true }>>;

/** Thrown by a command when its positionals are wrong; `runCli` turns it into the usage and exit 2. */
export class UsageError extends Error {}

function optionLine(name: string, option: CliOption): [string, string] {
  const flag = `${option.short ? `-${option.short}, ` : ''}--${name}${option.type === 'string' ? ` ${option.valueName ?? '<value>'}` : ''}`;
  const fallback = option.default === undefined || option.default === false ? '' : ` (default: ${Array.isArray(option.default) ? option.default.join(' ') : String(option.default)})`;
  const repeat = option.multiple ? ' (repeatable)' : '';
  return [flag, `${option.description}${repeat}${fallback}`];
}

const table = (rows: ReadonlyArray<readonly [string, string]>) => {
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`).join('\n');
};

/** The usage line(s) alone, printed with every refusal. */
export function usage<O extends Record<string, CliOption>>(spec: CommandSpec<O>): string {
  const hasOptions = Object.keys(spec.options).length > 0;
  const first = `usage: ${spec.command}${hasOptions || spec.positionals ? ' --' : ''}${spec.positionals ? ` ${spec.positionals}` : ''}${hasOptions ? ' [options]' : ''}`;
  return [first, ...(spec.details ?? []).map((line) => `       ${line}`)].join('\n');
}

/** The full `--help` text: usage, summary, options with defaults, environment, exit codes. */
export function helpText<O extends Record<string, CliOption>>(spec: CommandSpec<O>): string {
  const options = [...Object.entries(spec.options).map(([name, option]) => optionLine(name, option)), ['-h, --help', 'print this help and exit'] as [string, string]];
  const exits: Array<[string, string]> = [
    ['0', 'success'],
    ...Object.entries(spec.exitCodes).map(([code, meaning]) => [code, meaning] as [string, string]),
    [String(USAGE_EXIT), 'bad arguments (the usage is printed)'],
  ];
  exits.sort((a, b) => Number(a[0]) - Number(b[0]));
  return [
    usage(spec),
    '',
    spec.summary,
    '',
    'Options:',
    table(options),
    ...(spec.environment && spec.environment.length > 0 ? ['', 'Environment:', table(spec.environment)] : []),
    '',
    'Exit codes:',
    table(exits),
    '',
  ].join('\n');
}

/** Prints the refusal and the usage on stderr and exits 2. */
export function refuse<O extends Record<string, CliOption>>(spec: CommandSpec<O>, message: string): never {
  process.stderr.write(`${spec.command}: ${message}\n${usage(spec)}\n(--help for the options)\n`);
  process.exit(USAGE_EXIT);
}

/**
 * Parses `argv` (default: the process's arguments) against the spec. `--help` prints the help and exits
 * 0; anything `parseArgs` refuses (unknown option, missing value, positionals where none are taken)
 * exits 2 with the usage. Returns the typed values and positionals otherwise.
 */
export function parseCommand<const O extends Record<string, CliOption>>(spec: CommandSpec<O>, argv: string[] = process.argv.slice(2)): Parsed<O> {
  let parsed: Parsed<O>;
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...spec.options, help: { type: 'boolean', short: 'h' } } as O,
      allowPositionals: spec.positionals !== undefined,
      strict: true,
    }) as Parsed<O>;
  } catch (error) {
    refuse(spec, error instanceof Error ? error.message : String(error));
  }
  if ((parsed.values as { help?: boolean }).help) {
    process.stdout.write(helpText(spec));
    process.exit(0);
  }
  return parsed;
}

/**
 * Runs a command's work after its arguments parsed: the promise's number is the exit code; a
 * `UsageError` prints the usage and exits 2; any other error prints its message and exits 1.
 */
export function runCli<O extends Record<string, CliOption>>(spec: CommandSpec<O>, work: () => Promise<number | void>): void {
  work().then(
    (code) => process.exit(code ?? 0),
    (error: unknown) => {
      if (error instanceof UsageError) refuse(spec, error.message);
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
