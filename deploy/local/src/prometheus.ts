/** Reading a service's Prometheus metrics page, for the tests and the benchmarks. */

/** The value of one Prometheus sample (summed over label sets matching `labels`) from a /metrics page. */
export async function metricValue(metricsUrl: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const labelText = match[2] ?? '';
    if (Object.entries(labels).every(([key, value]) => labelText.includes(`${key}="${value}"`))) total += Number(match[3]);
  }
  return total;
}

/** `http://host:port/metrics` of a service, from its GraphQL URL. */
export const metricsUrlOf = (graphqlUrl: string) => new URL('/metrics', graphqlUrl).toString();
