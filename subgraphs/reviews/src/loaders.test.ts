import { describe, expect, it } from 'vitest';
import { selectedFields } from '@commerce/kit/prisma';
import { REVIEW_FIELDS } from './db.js';
import { REVIEW_COLUMNS } from './loaders.js';

describe('the Review entity and page loaders', () => {
  it('read every column of reviews, as the Prisma field names', () => {
    expect(selectedFields(REVIEW_COLUMNS)).toEqual([...REVIEW_FIELDS].sort());
  });
});
