import { DateTimeResolver } from 'graphql-scalars';
import { Query } from './Query.js';
import { Mutation } from './Mutation.js';
import { Order } from './Order.js';
import { OrderItem } from './OrderItem.js';
import { User } from './User.js';

export const resolvers = { DateTime: DateTimeResolver, Query, Mutation, Order, OrderItem, User };
