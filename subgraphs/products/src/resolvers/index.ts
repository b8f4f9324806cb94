import { DateTimeResolver } from 'graphql-scalars';
import { CentsScalar } from '@commerce/kit/money';
import { Query } from './Query.js';
import { Mutation } from './Mutation.js';
import { Product } from './Product.js';

export const resolvers = { DateTime: DateTimeResolver, Cents: CentsScalar, Query, Mutation, Product };
