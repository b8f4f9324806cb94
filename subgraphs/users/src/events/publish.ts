/** The events the users service writes to its outbox. */
import { newEvent } from '@commerce/kit/events/outbox';
import type { UserRow } from '../db.js';

export const userRegistered = (user: UserRow) =>
  newEvent('UserRegistered', user.id, { userId: user.id, name: user.name });

export const userProfileUpdated = (user: UserRow) =>
  newEvent('UserProfileUpdated', user.id, { userId: user.id, name: user.name });
