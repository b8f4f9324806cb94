import { isAdmin, permissions } from '@commerce/kit/permissions';

export const productPermissions = permissions({
  Mutation: { createProduct: isAdmin, updateProduct: isAdmin },
});
