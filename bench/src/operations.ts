/**
 * The "direct" baseline: the data of a scenario's request fetched straight from the subgraphs in the
 * order of the gateway's query plan (printed by @apollo/query-planner for this supergraph), with the
 * entity representations built and the answer merged as a gateway would, over keep-alive connections
 * and signed as the router signs, forwarding the requesting user's claims as the router would.
 */
import { Pool } from 'undici';
import { signedHeaders } from '@commerce/kit/router-trust';
import type { ServiceName } from '@commerce/kit/service-config';
import type { RequestSpec, Scenario } from './scenarios.js';

type Json = Record<string, unknown>;
type Node = Json & { id: string };
type Edges<T> = { edges: { node: T }[] };

/** Runs the plans of the operations straight against the subgraphs. */
export class DirectClient {
  private readonly pools: Record<ServiceName, Pool>;

  constructor(
    subgraphUrls: Record<ServiceName, string>,
    private readonly secret: string,
    /** The encoded claims the router would forward for a request, from its spec (undefined: anonymous). */
    private readonly claimsOf: (spec: RequestSpec) => string | undefined,
  ) {
    this.pools = Object.fromEntries(
      Object.entries(subgraphUrls).map(([service, url]) => [service, new Pool(new URL(url).origin, { connections: 256, pipelining: 1 })]),
    ) as Record<ServiceName, Pool>;
  }

  /** One execution of the plan of a scenario's request; resolves to the merged `data`. Throws for a scenario without a direct plan. */
  run(scenario: Scenario, spec: RequestSpec): Promise<Json> {
    const claims = this.claimsOf(spec);
    switch (scenario.name) {
      case 'dedup':
      case 'productList':
      case 'pages':
      case 'largeList':
        return this.productList(spec.variables, claims);
      case 'myOrders':
        return this.myOrders(claims);
      case 'product':
        return this.fetch('products', PRODUCT_QUERY, spec.variables, claims);
      default:
        throw new Error(`no direct plan for ${scenario.name}`);
    }
  }

  close(): Promise<void> {
    return Promise.all(Object.values(this.pools).map((pool) => pool.close())).then(() => undefined);
  }

  private async productList(variables: Json, claims: string | undefined): Promise<Json> {
    const { reviews: reviewCount, ...listVariables } = variables;
    const { products } = (await this.fetch('products', LIST_PRODUCTS, listVariables, claims)) as { products: Edges<Node> };
    const nodes = products.edges.map((edge) => edge.node);
    const { _entities: reviewed } = (await this.fetch('reviews', PRODUCT_REVIEWS, {
      representations: nodes.map((node) => ({ __typename: 'Product', id: node.id })),
      reviews: reviewCount,
    }, claims)) as { _entities: { reviews: Edges<Node & { author: Node }> }[] };
    nodes.forEach((node, index) => Object.assign(node, reviewed[index]));
    const reviews = nodes.flatMap((node) => (node.reviews as Edges<Node & { author: Node }>).edges.map((edge) => edge.node));
    const authors = await this.entities('users', USER_NAMES, 'User', reviews.map((review) => review.author.id), claims);
    for (const review of reviews) review.author = { id: review.author.id, ...authors.get(review.author.id) };
    for (const node of nodes) delete node.__typename;
    return { products };
  }

  private async myOrders(claims: string | undefined): Promise<Json> {
    const { me } = (await this.fetch('users', ME, {}, claims)) as { me: Node };
    const { _entities: [ordered] } = (await this.fetch('orders', USER_ORDERS, { representations: [{ __typename: 'User', id: me.id }] }, claims)) as {
      _entities: { orders: Edges<Node & { items: { product: Node }[] }> }[];
    };
    const items = ordered!.orders.edges.flatMap((edge) => edge.node.items);
    const products = await this.entities('products', PRODUCT_FIELDS, 'Product', items.map((item) => item.product.id), claims);
    for (const item of items) item.product = { id: item.product.id, ...products.get(item.product.id) };
    delete me.__typename;
    return { me: { ...me, ...ordered } };
  }

  /** One `_entities` fetch for the distinct ids (a gateway deduplicates representations too). */
  private async entities(service: ServiceName, query: string, typename: string, ids: string[], claims: string | undefined): Promise<Map<string, Json>> {
    const distinct = [...new Set(ids)];
    if (distinct.length === 0) return new Map();
    const { _entities } = (await this.fetch(service, query, { representations: distinct.map((id) => ({ __typename: typename, id })) }, claims)) as { _entities: Json[] };
    return new Map(distinct.map((id, index) => [id, _entities[index]!]));
  }

  private async fetch(service: ServiceName, query: string, variables: Json, claims?: string): Promise<Json> {
    const body = JSON.stringify({ query, variables });
    const response = await this.pools[service].request({
      method: 'POST',
      path: '/graphql',
      headers: {
        'content-type': 'application/json',
        ...signedHeaders(this.secret, claims, body),
      },
      body,
    });
    const result = (await response.body.json()) as { data?: Json; errors?: unknown[] };
    if (response.statusCode !== 200 || result.errors || !result.data) throw new Error(`${service} answered ${response.statusCode}: ${JSON.stringify(result.errors)}`);
    return result.data;
  }
}

// The plans' fetches, as @apollo/query-planner prints them for the operations above.
const PRODUCT_QUERY = 'query($sku: String!) { product(sku: $sku) { id sku name description price { amountCents currency } stock averageRating reviewCount } }';
const LIST_PRODUCTS =
  'query($first: Int!, $after: String, $orderBy: ProductOrder) { products(first: $first, after: $after, orderBy: $orderBy) { edges { node { __typename id sku name price { amountCents currency } } } } }';
const PRODUCT_REVIEWS =
  'query($representations: [_Any!]!, $reviews: Int!) { _entities(representations: $representations) { ... on Product { reviews(first: $reviews) { edges { node { id rating body author { __typename id } } } } } } }';
const USER_NAMES = 'query($representations: [_Any!]!) { _entities(representations: $representations) { ... on User { name } } }';
const ME = '{ me { __typename id name } }';
const USER_ORDERS =
  'query($representations: [_Any!]!) { _entities(representations: $representations) { ... on User { orders(first: 5) { edges { node { id status total { amountCents currency } items { quantity product { __typename id } } } } } } } }';
const PRODUCT_FIELDS = 'query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Product { sku name price { amountCents currency } } } }';
