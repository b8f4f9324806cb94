/**
 * The router's subgraph clients across supergraph reloads, one per subgraph name AND URL: a client's
 * connection pool, circuit breaker, retry budget and in-flight deduplication belong to one target, so
 * nothing learnt about the old address (an open breaker, an answer being shared) reaches the new one.
 *
 * Each loaded supergraph is a generation. `adopt` makes a supergraph's subgraphs current: clients of
 * subgraphs that were removed or moved are retired, and closed once no execution that started on an
 * earlier generation is still running (`begin` counts executions per generation), so requests in
 * flight finish on the targets their plan was made for while new requests use the new ones.
 */
import type { Logger } from '@commerce/kit/logger';
import type { RouterMetrics } from './metrics.js';

export interface SubgraphTarget {
  name: string;
  url: string;
}

/** What this registry needs from a client (SubgraphClient in the router). */
export interface ManagedClient {
  /** Throws unless the subgraph answers a health-check query. */
  probe(): Promise<void>;
  /** Stops reporting shared per-subgraph state (the breaker gauge): a newer client of the name owns it. */
  retire(): void;
  close(): Promise<void>;
}

export interface SubgraphClientsOptions<C extends ManagedClient> {
  /** Subgraph name → URL used instead of the supergraph's (SUBGRAPH_URL_OVERRIDES). */
  overrides: Record<string, string>;
  create: (name: string, url: string) => C;
  log: Logger;
  metrics: Pick<RouterMetrics, 'breakerState'>;
}

const keyOf = ({ name, url }: SubgraphTarget) => `${name}\n${url}`;

export class SubgraphClients<C extends ManagedClient = ManagedClient> {
  private readonly clients = new Map<string, { target: SubgraphTarget; client: C }>();
  private current: SubgraphTarget[] = [];
  private generation = 0;
  /** Executions running, by the generation they started on. */
  private readonly running = new Map<number, number>();
  /** Clients no longer current, closed once no execution of their last generation or earlier runs. */
  private retiring: { key: string; target: SubgraphTarget; client: C; lastGeneration: number }[] = [];
  private closed = false;

  constructor(private readonly options: SubgraphClientsOptions<C>) {}

  /** Where `name` is called: its override if one is configured, else the supergraph's URL. */
  urlOf(name: string, supergraphUrl: string): string {
    return this.options.overrides[name] ?? supergraphUrl;
  }

  /** The client for a subgraph as the supergraph names it (override applied). */
  client(name: string, supergraphUrl: string): C {
    const target = { name, url: this.urlOf(name, supergraphUrl) };
    const key = keyOf(target);
    const live = this.clients.get(key)?.client ?? this.retiring.find((entry) => entry.key === key)?.client;
    if (live) return live;
    // Only an execution of an older generation can ask for a target that is neither current nor
    // draining; serve it, and close the client with that generation's others.
    const client = this.options.create(target.name, target.url);
    client.retire();
    this.retiring.push({ key, target, client, lastGeneration: this.generation - 1 });
    return client;
  }

  /** Makes a loaded supergraph's subgraphs current; retires clients of removed and moved subgraphs. */
  adopt(subgraphs: SubgraphTarget[]): void {
    const next = subgraphs.map(({ name, url }) => ({ name, url: this.urlOf(name, url) }));
    const keys = new Set(next.map(keyOf));
    for (const [key, entry] of this.clients) {
      if (keys.has(key)) continue;
      this.clients.delete(key);
      entry.client.retire();
      this.retiring.push({ key, target: entry.target, client: entry.client, lastGeneration: this.generation });
    }
    for (const target of next) {
      const key = keyOf(target);
      if (!this.clients.has(key)) this.clients.set(key, { target, client: this.options.create(target.name, target.url) });
    }
    const unknown = Object.keys(this.options.overrides).filter((name) => !subgraphs.some((subgraph) => subgraph.name === name));
    // Most likely a typo: the subgraph it meant is being called at the supergraph's URL.
    if (unknown.length > 0) this.options.log.warn({ overrides: unknown }, 'SUBGRAPH_URL_OVERRIDES names subgraphs this supergraph does not have');
    this.current = next;
    this.generation += 1;
    void this.sweep();
  }

  /** Counts an execution on the current generation; call the returned function when it ends. */
  begin(): () => void {
    const generation = this.generation;
    this.running.set(generation, (this.running.get(generation) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.running.get(generation) ?? 1) - 1;
      if (left === 0) this.running.delete(generation);
      else this.running.set(generation, left);
      void this.sweep();
    };
  }

  targets(): SubgraphTarget[] {
    return this.current.map((target) => ({ ...target }));
  }

  /** Sends the gateway's health-check query to every current subgraph; throws naming those that failed. */
  async check(): Promise<void> {
    const failures = (
      await Promise.all(
        [...this.clients.values()].map(({ target, client }) =>
          client.probe().then(
            () => null,
            (error: unknown) => `${target.name} (${target.url}): ${(error as { code?: string }).code ?? (error as Error).message}`,
          ),
        ),
      )
    ).filter((failure): failure is string => failure !== null);
    if (failures.length > 0) throw new Error(failures.join('; '));
  }

  /** Closes retired clients no running execution can still call. */
  private async sweep(): Promise<void> {
    const oldest = Math.min(...this.running.keys());
    const done = this.retiring.filter((entry) => entry.lastGeneration < oldest);
    if (done.length === 0) return;
    this.retiring = this.retiring.filter((entry) => !done.includes(entry));
    await Promise.all(done.map((entry) => this.closeClient(entry.target, entry.client)));
  }

  private async closeClient(target: SubgraphTarget, client: C): Promise<void> {
    try {
      await client.close();
    } catch (error) {
      this.options.log.warn({ err: error, subgraph: target.name, url: target.url }, 'closing a subgraph client failed');
    }
    if (this.closed) return;
    this.options.log.info({ subgraph: target.name, url: target.url }, 'subgraph client closed (no longer in the supergraph)');
    // A subgraph gone from the supergraph leaves no breaker series behind.
    if (!this.current.some((current) => current.name === target.name)) this.options.metrics.breakerState.remove({ subgraph: target.name });
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.clients.values(), ...this.retiring];
    this.clients.clear();
    this.retiring = [];
    await Promise.all(all.map((entry) => this.closeClient(entry.target, entry.client)));
  }
}
