/**
 * The three benchmarked operations, and for each the "direct" baseline: the same data fetched straight
 * from the subgraphs in the order of the gateway's query plan (printed by @apollo/query-planner for
 * this supergraph), with the entity representations built and the answer merged as a gateway would,
 * over keep-alive connections and signed as the router signs.
 */
import { Pool } from 'undici';
import { signedHeaders } from '@commerce/kit/router-trust';
import type { ServiceName } from '@commerce/kit/service-config';

export type OperationName = 'productList' | 'myOrders' | 'product';

export interface Operation {
  name: OperationName;
  /** What the operation exercises, for the report. */
  title: string;
  query: string;
  variables: Record<string, unknown>;
  authenticated: boolean;
}

export const PRODUCT_LIST = /* GraphQL */ `query BenchProductList($first: Int!) {
  products(first: $first) { edges { node { id sku name price { amountCents currency }
    reviews(first: 3) { edges { node { id rating body author { id name } } } } } } }
}`;

export function operations(sku: string): Operation[] {
  return [
    { name: 'productList', title: 'products → reviews → users (10 products, 3 reviews each, their authors)', query: PRODUCT_LIST, variables: { first: 10 }, authenticated: false },
    {
      name: 'myOrders',
      title: 'me → orders → products (authenticated; 5 orders of 3 items)',
      query: /* GraphQL */ `query BenchMyOrders {
        me { id name orders(first: 5) { edges { node { id status total { amountCents currency }
          items { quantity product { id sku name price { amountCents currency } } } } } } }
      }`,
      variables: {},
      authenticated: true,
    },
    {
      name: 'product',
      title: 'product(sku:) (one fetch to products)',
      query: /* GraphQL */ `query BenchProduct($sku: String!) {
        product(sku: $sku) { id sku name description price { amountCents currency } stock averageRating reviewCount }
      }`,
      variables: { sku },
      authenticated: false,
    },
  ];
}

type Json = Record<string, unknown>;
type Node = Json & { id: string };
type Edges<T> = { edges: { node: T }[] };

/** Runs the plans of the operations straight against the subgraphs. */
export class DirectClient {
  private readonly pools: Record<ServiceName, Pool>;

  constructor(
    subgraphUrls: Record<ServiceName, string>,
    private readonly secret: string,
    /** The encoded claims the router would forward for the authenticated operation. */
    private readonly claims: string,
  ) {
    this.pools = Object.fromEntries(
      Object.entries(subgraphUrls).map(([service, url]) => [service, new Pool(new URL(url).origin, { connections: 256, pipelining: 1 })]),
    ) as Record<ServiceName, Pool>;
  }

  /** One execution of the operation's plan; resolves to the merged `data`. */
  run(operation: Operation): Promise<Json> {
    switch (operation.name) {
      case 'productList':
        return this.productList(operation.variables.first as number);
      case 'myOrders':
        return this.myOrders();
      case 'product':
        return this.fetch('products', PRODUCT_QUERY, operation.variables);
    }
  }

  close(): Promise<void> {
    return Promise.all(Object.values(this.pools).map((pool) => pool.close())).then(() => undefined);
  }

  private async productList(first: number): Promise<Json> {
    const { products } = (await this.fetch('products', LIST_PRODUCTS, { first })) as { products: Edges<Node> };
    const nodes = products.edges.map((edge) => edge.node);
    const { _entities: reviewed } = (await this.fetch('reviews', PRODUCT_REVIEWS, {
      representations: nodes.map((node) => ({ __typename: 'Product', id: node.id })),
    })) as { _entities: { reviews: Edges<Node & { author: Node }> }[] };
    nodes.forEach((node, index) => Object.assign(node, reviewed[index]));
    const reviews = nodes.flatMap((node) => (node.reviews as Edges<Node & { author: Node }>).edges.map((edge) => edge.node));
    const authors = await this.entities('users', USER_NAMES, 'User', reviews.map((review) => review.author.id));
    for (const review of reviews) review.author = { id: review.author.id, ...authors.get(review.author.id) };
    for (const node of nodes) delete node.__typename;
    return { products };
  }

  private async myOrders(): Promise<Json> {
    const { me } = (await this.fetch('users', ME, {}, this.claims)) as { me: Node };
    const { _entities: [ordered] } = (await this.fetch('orders', USER_ORDERS, { representations: [{ __typename: 'User', id: me.id }] }, this.claims)) as {
      _entities: { orders: Edges<Node & { items: { product: Node }[] }> }[];
    };
    const items = ordered!.orders.edges.flatMap((edge) => edge.node.items);
    const products = await this.entities('products', PRODUCT_FIELDS, 'Product', items.map((item) => item.product.id));
    for (const item of items) item.product = { id: item.product.id, ...products.get(item.product.id) };
    delete me.__typename;
    return { me: { ...me, ...ordered } };
  }

  /** One `_entities` fetch for the distinct ids (a gateway deduplicates representations too). */
  private async entities(service: ServiceName, query: string, typename: string, ids: string[]): Promise<Map<string, Json>> {
    const distinct = [...new Set(ids)];
    if (distinct.length === 0) return new Map();
    const { _entities } = (await this.fetch(service, query, { representations: distinct.map((id) => ({ __typename: typename, id })) })) as { _entities: Json[] };
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
const LIST_PRODUCTS = 'query($first: Int!) { products(first: $first) { edges { node { __typename id sku name price { amountCents currency } } } } }';
const PRODUCT_REVIEWS =
  'query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Product { reviews(first: 3) { edges { node { id rating body author { __typename id } } } } } } }';
const USER_NAMES = 'query($representations: [_Any!]!) { _entities(representations: $representations) { ... on User { name } } }';
const ME = '{ me { __typename id name } }';
const USER_ORDERS =
  'query($representations: [_Any!]!) { _entities(representations: $representations) { ... on User { orders(first: 5) { edges { node { id status total { amountCents currency } items { quantity product { __typename id } } } } } } } }';
const PRODUCT_FIELDS = 'query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Product { sku name price { amountCents currency } } } }';
