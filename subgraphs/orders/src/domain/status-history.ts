/**
 * An order's status history (`Order.statusHistory`): each status it has been in, oldest first, with
 * the instant it began. PENDING begins when the order is placed; CONFIRMED, REJECTED and CANCELLED
 * at the times the saga wrote (`confirmedAt`, `rejectedAt`, `cancelledAt`).
 *
 * Those columns are nullable (an expand-only migration): an order written before they existed, or by
 * the previous release during a rollout, has its current status without a time. That status is then
 * dated by `updatedAt`, which every status change sets; an earlier status without a time (a legacy
 * order confirmed, then cancelled) cannot be dated and is left out rather than invented.
 */
export type OrderStatus = 'PENDING' | 'CONFIRMED' | 'REJECTED' | 'CANCELLED';

export interface StatusTimes {
  status: OrderStatus | string;
  createdAt: Date;
  updatedAt: Date;
  confirmedAt: Date | null;
  rejectedAt: Date | null;
  cancelledAt: Date | null;
}

export interface StatusChange {
  status: OrderStatus;
  at: Date;
}

export function statusHistory(order: StatusTimes): StatusChange[] {
  const later: [OrderStatus, Date | null][] = [
    ['CONFIRMED', order.confirmedAt],
    ['REJECTED', order.rejectedAt],
    ['CANCELLED', order.cancelledAt],
  ];
  const history: StatusChange[] = [{ status: 'PENDING', at: order.createdAt }];
  for (const [status, at] of later) {
    const when = at ?? (status === order.status ? order.updatedAt : null);
    if (when) history.push({ status, at: when });
  }
  // Stable sort by time; the list above is already in saga order for equal instants.
  return history.sort((a, b) => a.at.getTime() - b.at.getTime());
}
