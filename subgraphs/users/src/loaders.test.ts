import { describe, expect, it } from 'vitest';
import { selectedFields } from '@commerce/kit/prisma';
import { USER_FIELDS } from './db.js';
import { USER_COLUMNS } from './loaders.js';

describe('the User entity loader', () => {
  it('reads every column of users, as the Prisma field names', () => {
    expect(selectedFields(USER_COLUMNS)).toEqual([...USER_FIELDS].sort());
  });
});
