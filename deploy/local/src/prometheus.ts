/**
 * Reading a service's Prometheus metrics page, for the tests and the benchmarks. The sample lines are
 * parsed by parse-prometheus-text-format (a port of the Prometheus Python client's parser: label
 * escapes, timestamps, special values), not by pattern matching here.
 *
 * One caveat of that library: it folds a histogram's or summary's series into one unlabelled object
 * (prom2json's shape), losing the labels of every labelled histogram. So the page is handed to it with
 * those families declared `untyped`, and it returns their series as Prometheus stores them
 * (`x_bucket{le=...}`, `x_sum`, `x_count`, `x{quantile=...}`), each with its labels.
 */
import parsePrometheusTextFormat from 'parse-prometheus-text-format';

/** One sample as Prometheus would store it: series name (with _bucket/_sum/_count), labels, value. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
  timestampMs?: number;
}

/** Thrown when the page has no sample of the series asked for (never read as 0). */
export class MissingSeriesError extends Error {}

const FOLDED_TYPES = /^# TYPE (\S+) (histogram|summary)[ \t]*$/gm;
const number = (text: string) => (text === '+Inf' ? Infinity : text === '-Inf' ? -Infinity : Number(text));

/** The families a page declares (HELP/TYPE or samples) and every sample on it. */
export function parseMetrics(text: string): { families: string[]; samples: Sample[] } {
  // The trailing newline matters: the library drops a last sample line that has none.
  const families = parsePrometheusTextFormat(`${text.replace(FOLDED_TYPES, '# TYPE $1 untyped')}\n`);
  return {
    families: families.map((family) => family.name),
    samples: families.flatMap((family) =>
      family.metrics.map((metric) => ({
        name: family.name,
        labels: metric.labels ?? {},
        value: number(metric.value ?? 'NaN'),
        ...(metric.timestamp_ms === undefined ? {} : { timestampMs: Number(metric.timestamp_ms) }),
      })),
    ),
  };
}

const describeSeries = (name: string, labels: Record<string, string>) =>
  `${name}{${Object.entries(labels).map(([key, value]) => `${key}=${JSON.stringify(value)}`).join(',')}}`;

export interface ValueOptions {
  /**
   * A labelled counter has no series until first incremented; a caller that knows this may read such an
   * absent series as 0. The family itself must still be on the page (a misspelt name always throws).
   */
  absentAsZero?: boolean;
}

/**
 * The sum of the samples named `name` whose labels include every pair of `labels` exactly (other labels
 * may differ: `{ service: 'users' }` sums over the series' other labels, and never matches
 * `other_service="users"`). Throws `MissingSeriesError`, naming the series, when no sample matches.
 */
export function sampleValue(text: string, name: string, labels: Record<string, string> = {}, options: ValueOptions = {}): number {
  const { families, samples } = parseMetrics(text);
  const named = samples.filter((sample) => sample.name === name);
  const matching = named.filter((sample) => Object.entries(labels).every(([key, value]) => sample.labels[key] === value));
  if (matching.length === 0) {
    const familyListed = families.some((family) => name === family || name.startsWith(`${family}_`));
    if (options.absentAsZero && familyListed) return 0;
    const seen = named.slice(0, 5).map((sample) => describeSeries(name, sample.labels)).join(', ');
    throw new MissingSeriesError(`no sample of ${describeSeries(name, labels)} on the page${seen ? ` (it has ${seen}${named.length > 5 ? ', ...' : ''})` : familyListed ? ' (the family has no sample yet)' : ' (no such metric)'}`);
  }
  return matching.reduce((sum, sample) => sum + sample.value, 0);
}

/** The text of the metrics page at `metricsUrl` (a service's METRICS_PORT /metrics); a non-2xx answer throws. */
export async function metricsPage(metricsUrl: string): Promise<string> {
  const response = await fetch(metricsUrl);
  if (!response.ok) throw new Error(`GET ${metricsUrl}: ${response.status}`);
  return response.text();
}

/** `sampleValue` of the page at `metricsUrl` (a service's METRICS_PORT /metrics). */
export async function metricValue(metricsUrl: string, name: string, labels: Record<string, string> = {}, options: ValueOptions = {}): Promise<number> {
  return sampleValue(await metricsPage(metricsUrl), name, labels, options);
}
