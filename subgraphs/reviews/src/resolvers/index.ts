import { DateTimeResolver } from 'graphql-scalars';
import { Query } from './Query.js';
import { Mutation } from './Mutation.js';
import { Review } from './Review.js';
import { User } from './User.js';
import { Product } from './Product.js';

export const resolvers = { DateTime: DateTimeResolver, Query, Mutation, Review, User, Product };
