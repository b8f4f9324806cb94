/**
 * The operations, from their .graphql files (the same files the persisted-query manifest and the
 * schema checks read), with the shapes of their results.
 */
import { gql, type TypedDocumentNode } from '@apollo/client';
import addReview from './operations/add-review.graphql?raw';
import cancelOrder from './operations/cancel-order.graphql?raw';
import logIn from './operations/log-in.graphql?raw';
import me from './operations/me.graphql?raw';
import myOrders from './operations/my-orders.graphql?raw';
import order from './operations/order.graphql?raw';
import placeOrder from './operations/place-order.graphql?raw';
import product from './operations/product.graphql?raw';
import products from './operations/products.graphql?raw';
import signUp from './operations/sign-up.graphql?raw';

export interface Money {
  /** Exact cents as a string of decimal digits (the API's `Cents` scalar). */
  amountCents: string;
  currency: string;
}

export interface ProductCard {
  id: string;
  sku: string;
  name: string;
  price: Money;
  stock: number;
  averageRating: number | null;
  reviewCount: number;
}

export type ProductOrder = 'NEWEST' | 'PRICE_ASC' | 'PRICE_DESC' | 'TOP_RATED';
export type OrderStatus = 'PENDING' | 'CONFIRMED' | 'REJECTED' | 'CANCELLED';

interface Page<T> {
  edges: T[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

export interface Review {
  id: string;
  rating: number;
  body: string;
  createdAt: string;
  verifiedPurchase: boolean;
  /** Null when the users service could not answer. */
  author: { id: string; name: string } | null;
}

export interface Session {
  token: string;
  user: { id: string; name: string };
}

export const PRODUCTS: TypedDocumentNode<
  { products: Page<{ cursor: string; node: ProductCard }> },
  { first: number; after?: string | null; filter?: { search?: string; minRating?: number; inStock?: boolean }; orderBy?: ProductOrder }
> = gql(products);

export const PRODUCT: TypedDocumentNode<
  { product: ProductCard & { description: string; reviews: { edges: { node: Review }[] } | null } },
  { id: string }
> = gql(product);

export const ME: TypedDocumentNode<
  { me: { id: string; name: string; email: string | null; orderCount: number; reviewCount: number; lifetimeSpend: Money } | null },
  Record<string, never>
> = gql(me);

export const MY_ORDERS: TypedDocumentNode<
  { me: { id: string; orders: Page<{ node: { id: string; status: OrderStatus; createdAt: string; total: Money; items: { productName: string; quantity: number }[] } }> } | null },
  { first: number; after?: string | null }
> = gql(myOrders);

export const ORDER: TypedDocumentNode<
  {
    order: {
      id: string;
      status: OrderStatus;
      statusReason: string | null;
      createdAt: string;
      total: Money;
      items: { productName: string; quantity: number; unitPrice: Money; product: { id: string; name: string } | null }[];
    } | null;
  },
  { id: string }
> = gql(order);

export const SIGN_UP: TypedDocumentNode<{ signUp: Session }, { input: { email: string; name: string; password: string } }> = gql(signUp);
export const LOG_IN: TypedDocumentNode<{ logIn: Session }, { email: string; password: string }> = gql(logIn);
export const ADD_REVIEW: TypedDocumentNode<{ addReview: { id: string } }, { input: { productId: string; rating: number; body: string } }> = gql(addReview);
export const PLACE_ORDER: TypedDocumentNode<{ placeOrder: { id: string; status: OrderStatus } }, { input: { items: { productId: string; quantity: number }[] } }> =
  gql(placeOrder);
export const CANCEL_ORDER: TypedDocumentNode<{ cancelOrder: { id: string; status: OrderStatus } }, { id: string }> = gql(cancelOrder);
