import { isAdmin, isAuthenticated, isOwnerOrAdmin, permissions } from '@commerce/kit/permissions';
import type { UserRow } from './db.js';

export const userPermissions = permissions({
  Query: { me: isAuthenticated, users: isAdmin },
  Mutation: { updateProfile: isAuthenticated },
  User: { email: isOwnerOrAdmin((user: UserRow) => user.id, 'Only the user themself or an admin may read this e-mail address') },
});
