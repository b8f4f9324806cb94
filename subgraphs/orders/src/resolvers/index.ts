import { DateTimeResolver } from 'graphql-scalars';
import { CentsScalar } from '@commerce/kit/money';
import { Query } from './Query.js';
import { Mutation } from './Mutation.js';
import { Order } from './Order.js';
import { OrderItem } from './OrderItem.js';
import { User } from './User.js';

export const resolvers = { DateTime: DateTimeResolver, Cents: CentsScalar, Query, Mutation, Order, OrderItem, User };
