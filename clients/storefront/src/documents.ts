/**
 * The operations, from their .graphql files (the same files the persisted-query manifest and the
 * schema checks read), with the shapes of their results.
 */
import { gql, type TypedDocumentNode } from '@apollo/client';
import addReview from './operations/add-review.graphql?raw';
import adminOrders from './operations/admin-orders.graphql?raw';
import adminProduct from './operations/admin-product.graphql?raw';
import cancelOrder from './operations/cancel-order.graphql?raw';
import cartLine from './operations/cart-line.graphql?raw';
import createProduct from './operations/create-product.graphql?raw';
import deleteReview from './operations/delete-review.graphql?raw';
import logIn from './operations/log-in.graphql?raw';
import me from './operations/me.graphql?raw';
import myOrders from './operations/my-orders.graphql?raw';
import order from './operations/order.graphql?raw';
import placeOrder from './operations/place-order.graphql?raw';
import product from './operations/product.graphql?raw';
import productReviews from './operations/product-reviews.graphql?raw';
import products from './operations/products.graphql?raw';
import signUp from './operations/sign-up.graphql?raw';
import updateProduct from './operations/update-product.graphql?raw';
import updateProfile from './operations/update-profile.graphql?raw';
import updateReview from './operations/update-review.graphql?raw';
import type { Money } from './money';

export type { Money } from './money';

export interface ProductImage {
  url: string;
  alt: string;
}

export interface ProductCard {
  id: string;
  sku: string;
  name: string;
  price: Money;
  stock: number;
  averageRating: number | null;
  reviewCount: number;
  images: ProductImage[];
}

export type ProductOrder = 'NEWEST' | 'PRICE_ASC' | 'PRICE_DESC' | 'TOP_RATED';
export type OrderStatus = 'PENDING' | 'CONFIRMED' | 'REJECTED' | 'CANCELLED';

export interface Page<T> {
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

/** One step of an order's history: the status it entered and when (ISO-8601). */
export interface StatusChange {
  status: OrderStatus;
  at: string;
}

export interface OrderSummary {
  id: string;
  status: OrderStatus;
  createdAt: string;
  /** Oldest first; the last entry is the current status. */
  statusHistory: StatusChange[];
  total: Money;
  /** `product` is null when the products service could not answer. */
  items: { productName: string; quantity: number; product: { id: string } | null }[];
}

export interface AdminProduct {
  id: string;
  sku: string;
  name: string;
  description: string;
  price: Money;
  stock: number;
  active: boolean;
  images: ProductImage[];
}

export interface ProductInput {
  name?: string;
  description?: string;
  /** The `Cents` wire format: a string of decimal digits, never a number. */
  price?: { amountCents: string };
  stock?: number;
  active?: boolean;
  images?: ProductImage[];
}

export const PRODUCTS: TypedDocumentNode<
  { products: Page<{ cursor: string; node: ProductCard }> },
  { first: number; after?: string | null; filter?: { search?: string; minRating?: number; inStock?: boolean }; orderBy?: ProductOrder }
> = gql(products);

export const PRODUCT: TypedDocumentNode<{ product: ProductCard & { description: string; active: boolean } }, { id: string }> = gql(product);

export const PRODUCT_REVIEWS: TypedDocumentNode<
  /** `reviews` is null when the reviews service could not answer. */
  { product: { id: string; reviews: Page<{ cursor: string; node: Review }> | null } | null },
  { id: string; first: number; after?: string | null }
> = gql(productReviews);

export const CART_LINE: TypedDocumentNode<
  { product: { id: string; name: string; active: boolean; stock: number; price: Money; images: ProductImage[] } },
  { id: string }
> = gql(cartLine);

export const ME: TypedDocumentNode<
  { me: { id: string; name: string; email: string | null; orderCount: number; reviewCount: number; lifetimeSpend: Money } | null },
  Record<string, never>
> = gql(me);

/** `orders` is null when the orders service could not answer. */
export const MY_ORDERS: TypedDocumentNode<{ me: { id: string; orders: Page<{ node: OrderSummary }> | null } | null }, { first: number; after?: string | null }> =
  gql(myOrders);

export const ORDER: TypedDocumentNode<
  {
    order: {
      id: string;
      status: OrderStatus;
      statusReason: string | null;
      createdAt: string;
      statusHistory: StatusChange[];
      total: Money;
      items: {
        productName: string;
        quantity: number;
        unitPrice: Money;
        /** Null when the products service could not answer: show the `productName` snapshot. */
        product: { id: string; sku: string; name: string } | null;
      }[];
    } | null;
  },
  { id: string }
> = gql(order);

export interface AdminOrder {
  id: string;
  status: OrderStatus;
  createdAt: string;
  total: Money;
  items: { productName: string; quantity: number }[];
  /** Null when the users service could not answer. */
  buyer: { id: string; name: string; email: string | null } | null;
}

/** Every order, newest first (admin only); `status` keeps one status. */
export const ADMIN_ORDERS: TypedDocumentNode<{ orders: Page<{ node: AdminOrder }> }, { first: number; after?: string | null; status?: OrderStatus | null }> =
  gql(adminOrders);

export const ADMIN_PRODUCT: TypedDocumentNode<{ product: AdminProduct }, { id: string }> = gql(adminProduct);

export const SIGN_UP: TypedDocumentNode<{ signUp: Session }, { input: { email: string; name: string; password: string } }> = gql(signUp);
export const LOG_IN: TypedDocumentNode<{ logIn: Session }, { email: string; password: string }> = gql(logIn);
export const UPDATE_PROFILE: TypedDocumentNode<{ updateProfile: { id: string; name: string } }, { input: { name: string } }> = gql(updateProfile);
export const ADD_REVIEW: TypedDocumentNode<{ addReview: { id: string } }, { input: { productId: string; rating: number; body: string } }> = gql(addReview);
export const UPDATE_REVIEW: TypedDocumentNode<{ updateReview: { id: string; rating: number; body: string } }, { id: string; input: { rating?: number; body?: string } }> =
  gql(updateReview);
export const DELETE_REVIEW: TypedDocumentNode<{ deleteReview: { id: string } }, { id: string }> = gql(deleteReview);
export const PLACE_ORDER: TypedDocumentNode<{ placeOrder: { id: string; status: OrderStatus } }, { input: { items: { productId: string; quantity: number }[] } }> =
  gql(placeOrder);
export const CANCEL_ORDER: TypedDocumentNode<{ cancelOrder: { id: string; status: OrderStatus; statusHistory: StatusChange[] } }, { id: string }> = gql(cancelOrder);
export const CREATE_PRODUCT: TypedDocumentNode<
  { createProduct: { id: string; sku: string; name: string } },
  { input: ProductInput & { sku: string; name: string; description: string; price: { amountCents: string }; stock: number } }
> = gql(createProduct);
export const UPDATE_PRODUCT: TypedDocumentNode<{ updateProduct: AdminProduct }, { id: string; input: ProductInput }> = gql(updateProduct);
