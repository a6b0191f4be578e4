/**
 * What reading an object back from its provider tells the gateway: its state (the same change read
 * twice is one state), whether it can change no more, and the event that state is published as. The
 * webhook handlers (src/webhooks/) and the watcher (./watcher.ts) both turn what they read into a
 * Reading with the functions here, so a change is one event however it was found, and one
 * de-duplication (./publish-once.ts) decides whether it was published already.
 */
import type { Payment } from '../domain/models.js';
import { TALO_FINAL_STATUSES } from '../providers/talo/assumptions.js';
import type { PaymentEventValue } from './bus.js';
import { paymentValue } from './values.js';

export interface Reading {
  /** The object read, when it is not the one asked about (a hint body's second candidate id, say). */
  object?: string;
  /** The object's state (the same change read twice has the same state). */
  state: string;
  /** No later change of the object is possible: further notifications about it are duplicates. */
  final: boolean;
  /** Null when it is authentic but not worth publishing. */
  event: Omit<PaymentEventValue, 'id' | 'provider'> | null;
}

/**
 * A checkout payment as read from its provider: any change of status, amount received or modification
 * time is a new state; final once its status can change no more (Talo's final statuses: Talo is the
 * one provider with checkout payments).
 */
export function paymentReading(payment: Payment): Reading {
  const state = `${payment.providerStatus}:${payment.amountReceived.amount}:${payment.updatedAt ?? ''}`;
  const final = (TALO_FINAL_STATUSES as readonly string[]).includes(payment.providerStatus);
  return { state, final, event: { type: 'PAYMENT_UPDATED', occurredAt: payment.updatedAt ?? new Date().toISOString(), payment: paymentValue(payment) } };
}
