/**
 * Environment parsing shared by every process. Each service declares a zod shape built from these
 * helpers; `loadConfig` validates the whole environment once and, when anything is wrong, prints
 * every bad variable by name and exits 1 (a half-configured service is worse than none).
 */
import { z } from 'zod';

/** Empty strings count as unset, so `FOO= npm start` falls back to the default like an absent variable. */
const unsetIfEmpty = (value: unknown) => (value === '' ? undefined : value);

/** Unset or empty: the fallback, given as the raw string a user would have written. */
const orRaw = (fallback: string) => (value: unknown) => (value === '' || value === undefined ? fallback : value);

export const env = {
  string: (fallback?: string) =>
    z.preprocess(unsetIfEmpty, fallback === undefined ? z.string() : z.string().default(fallback)),
  optionalString: () => z.preprocess(unsetIfEmpty, z.string().optional()),
  matching: (pattern: RegExp, fallback: string, message: string) =>
    z.preprocess(unsetIfEmpty, z.string().regex(pattern, message).default(fallback)),
  int: (fallback: number, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}) =>
    z.preprocess(unsetIfEmpty, z.coerce.number().int().min(min).max(max).default(fallback)),
  /** A fraction from 0 to 1. */
  ratio: (fallback: number) => z.preprocess(unsetIfEmpty, z.coerce.number().min(0).max(1).default(fallback)),
  optionalBool: () =>
    z.preprocess(
      unsetIfEmpty,
      z
        .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'expected true or false' })
        .transform((v) => v === 'true' || v === '1' || v === 'yes')
        .optional(),
    ),
  port: (fallback: number) =>
    z.preprocess(unsetIfEmpty, z.coerce.number().int().min(0).max(65535).default(fallback)),
  bool: (fallback: boolean) =>
    z.preprocess(
      orRaw(String(fallback)),
      z
        .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'expected true or false' })
        .transform((v) => v === 'true' || v === '1' || v === 'yes'),
    ),
  url: (fallback?: string, protocols: string[] = ['http:', 'https:']) =>
    z.preprocess(
      unsetIfEmpty,
      (fallback === undefined ? z.string() : z.string().default(fallback)).refine(
        (value) => {
          try {
            return protocols.includes(new URL(value).protocol);
          } catch {
            return false;
          }
        },
        { message: `expected a URL (${protocols.join(' or ')})` },
      ),
    ),
  postgresUrl: (fallback: string) => env.url(fallback, ['postgres:', 'postgresql:']),
  optionalPostgresUrl: () =>
    z.preprocess(
      unsetIfEmpty,
      z
        .string()
        .refine((value) => /^postgres(ql)?:\/\//.test(value) && URL.canParse(value), { message: 'expected a postgresql:// URL' })
        .optional(),
    ),
  /** Comma-separated list, e.g. `KAFKA_BROKERS=a:9092,b:9092`. */
  list: (fallback: string[]) =>
    z.preprocess(
      orRaw(fallback.join(',')),
      z
        .string()
        .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
        .pipe(z.array(z.string()).min(1, 'expected at least one value')),
    ),
  enum: <const T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) =>
    z.preprocess(unsetIfEmpty, z.enum(values).default(fallback as never)),
  /** One of `values`, or unset (undefined): for a setting whose absence switches a feature off. */
  optionalEnum: <const T extends readonly [string, ...string[]]>(values: T) => z.preprocess(unsetIfEmpty, z.enum(values).optional()),
  logLevel: () =>
    env.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
  nodeEnv: () => env.enum(['development', 'production', 'test'] as const, 'development'),
};

/** Values of these variables never reach a log line, even when they are wrong. */
const SECRET_NAME = /SECRET|PASSWORD|PRIVATE|TOKEN|KEY/i;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** A rule across variables (e.g. no development secret in production), checked after each one parsed. */
export interface ConfigRule<T> {
  variable: string;
  message: string;
  broken: (config: T) => boolean;
}

/** Validates `source` against `shape` and `rules`; throws one ConfigError naming every bad variable. */
export function parseConfig<S extends z.ZodRawShape>(
  shape: S,
  source: NodeJS.ProcessEnv = process.env,
  rules: readonly ConfigRule<z.output<z.ZodObject<S>>>[] = [],
): z.output<z.ZodObject<S>> {
  const result = z.object(shape).safeParse(source);
  if (result.success) {
    const broken = rules.filter((rule) => rule.broken(result.data));
    if (broken.length === 0) return result.data;
    throw new ConfigError(broken.map((rule) => `${rule.variable}: ${rule.message}`));
  }
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.map(String).join('.');
    const given = source[issue.path[0] as string];
    const shown =
      given === undefined ? 'unset' : SECRET_NAME.test(name) ? 'a hidden value' : `"${given}"`;
    return `${name}: ${issue.message} (got ${shown})`;
  });
  throw new ConfigError(problems);
}

/** parseConfig for a process entry point: prints the problems and exits 1 instead of throwing. */
export function loadConfig<S extends z.ZodRawShape>(
  service: string,
  shape: S,
  source: NodeJS.ProcessEnv = process.env,
  rules: readonly ConfigRule<z.output<z.ZodObject<S>>>[] = [],
): z.output<z.ZodObject<S>> {
  try {
    return parseConfig(shape, source, rules);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`[${service}] ${error.message}\n`);
    process.exit(1);
  }
}

/** The parsed type of a config shape. */
export type ConfigOf<S extends z.ZodRawShape> = z.output<z.ZodObject<S>>;
