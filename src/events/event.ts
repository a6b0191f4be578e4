/** A payment event as the bus and its log carry it: plain JSON, so it can cross a process boundary. */
import type { ProviderId } from '../providers/provider.js';

export type PaymentEventType = 'PAYMENT_CREATED' | 'PAYMENT_UPDATED' | 'CASHIN_RECEIVED' | 'CASHOUT_UPDATED';

/** A normalized provider event; `payment`/`cashin`/`cashout` are GraphQL values (plain objects). */
export interface PaymentEventValue {
  /** Unique per provider event. */
  id: string;
  provider: ProviderId;
  type: PaymentEventType;
  occurredAt: string;
  /** When Pasarela observed the change (set where that differs from, or replaces, the provider's time). */
  observedAt?: string;
  payment?: unknown;
  cashin?: unknown;
  cashout?: unknown;
}
