/**
 * The GraphQL values events carry, built where both the schema modules (queries, mutations) and the
 * webhook handlers can import them: this file sits below both (domain ← providers ← events ←
 * modules/webhooks ← server, checked by `npm run lint`'s import-x/no-restricted-paths zones).
 */
import { createHash } from 'node:crypto';
import type { Cashin, Payment } from '../domain/models.js';
import { toGlobalId } from '../graphql/relay/global-id.js';
import type { ProviderId } from '../providers/provider.js';

/** `providerTransactionId` is the provider's `transactionId` under the name GraphQL serves it by (Cashout.transactionId is a Transaction's global id). */
export type CashinValue = Omit<Cashin, 'id'> & { __typename: 'Cashin'; id: string; localId: string; providerTransactionId?: string };
export type PaymentValue = Omit<Payment, 'id'> & { __typename: 'Payment'; id: string; localId: string };
/**
 * What Pasarela knows of a transfer's existence (GraphQL CashoutStatus): `CREATED` — the provider has it
 * (it answered its id, notified it, or it is in the account's listing); `UNKNOWN` — an answer was lost
 * and Pasarela is finding out. Its bank state (approved, rejected) arrives as CASHOUT_UPDATED events.
 */
export type CashoutStatus = 'CREATED' | 'UNKNOWN';

export interface CashoutValue {
  __typename: 'Cashout';
  id: string;
  localId: string;
  provider: ProviderId;
  status: CashoutStatus;
  /** The referenceId it was sent with, when Pasarela sent it. */
  referenceId?: string | null;
  /** The global id of its row in the account's transactions, when that is how Pasarela learnt of it. */
  transactionId?: string | null;
}

export function cashinValue(cashin: Cashin): CashinValue {
  return {
    ...cashin,
    __typename: 'Cashin',
    id: toGlobalId('Cashin', cashin.provider, cashin.id),
    localId: cashin.id,
    ...(cashin.transactionId !== undefined && { providerTransactionId: cashin.transactionId }),
  };
}

export function paymentValue(payment: Payment): PaymentValue {
  return { ...payment, __typename: 'Payment', id: toGlobalId('Payment', payment.provider, payment.id), localId: payment.id };
}

export function cashoutValue(
  provider: ProviderId,
  localId: string,
  known: Partial<Pick<CashoutValue, 'status' | 'referenceId' | 'transactionId'>> = {},
): CashoutValue {
  return { __typename: 'Cashout', id: toGlobalId('Cashout', provider, localId), localId, provider, status: 'CREATED', ...known };
}

/**
 * The local id of a transfer Pasarela learnt of only from the account's listing (its id was never
 * answered): derived from its referenceId, so it is the same on every replica and every retry. No
 * provider id has this shape (`CashoutSource.isId` is false): it has no voucher.
 */
export function listedCashoutLocalId(referenceId: string): string {
  return `ref:${referenceId}`;
}

/** An opaque event id derived from what identifies the event (for a notification: `<object>:<state>`). */
export function eventId(provider: ProviderId, key: string): string {
  return `evt_${createHash('sha256').update(`${provider}:${key}`).digest('hex').slice(0, 32)}`;
}
