import { describe, expect, it } from 'vitest';
import { statusHistory, type StatusTimes } from './status-history.js';

const at = (second: number) => new Date(Date.UTC(2026, 10, 30, 12, 0, second));
const order = (fields: Partial<StatusTimes>): StatusTimes => ({
  status: 'PENDING',
  createdAt: at(0),
  updatedAt: at(0),
  confirmedAt: null,
  rejectedAt: null,
  cancelledAt: null,
  ...fields,
});

describe('statusHistory', () => {
  it('lists each status the order has been in, oldest first, with the recorded times', () => {
    expect(statusHistory(order({}))).toEqual([{ status: 'PENDING', at: at(0) }]);
    expect(statusHistory(order({ status: 'REJECTED', rejectedAt: at(2), updatedAt: at(2) }))).toEqual([
      { status: 'PENDING', at: at(0) },
      { status: 'REJECTED', at: at(2) },
    ]);
    expect(statusHistory(order({ status: 'CANCELLED', confirmedAt: at(1), cancelledAt: at(5), updatedAt: at(5) }))).toEqual([
      { status: 'PENDING', at: at(0) },
      { status: 'CONFIRMED', at: at(1) },
      { status: 'CANCELLED', at: at(5) },
    ]);
    // Cancelled while pending: no confirmation in between.
    expect(statusHistory(order({ status: 'CANCELLED', cancelledAt: at(3), updatedAt: at(3) })).map((change) => change.status)).toEqual(['PENDING', 'CANCELLED']);
  });

  it('dates a current status written without its time (a legacy row, or the previous release) by updatedAt', () => {
    expect(statusHistory(order({ status: 'CONFIRMED', updatedAt: at(4) }))).toEqual([
      { status: 'PENDING', at: at(0) },
      { status: 'CONFIRMED', at: at(4) },
    ]);
    // An earlier status without a time cannot be dated: it is left out, not invented.
    expect(statusHistory(order({ status: 'CANCELLED', updatedAt: at(9) })).map((change) => change.status)).toEqual(['PENDING', 'CANCELLED']);
  });

  it('keeps the saga order for equal instants', () => {
    expect(statusHistory(order({ status: 'CONFIRMED', confirmedAt: at(0), updatedAt: at(0) })).map((change) => change.status)).toEqual(['PENDING', 'CONFIRMED']);
  });
});
