/**
 * The GraphQL values events carry, built where both the schema modules (queries, mutations) and the
 * webhook handlers can import them: this file sits below both (domain ← providers ← events ←
 * modules/webhooks ← server, checked by `npm run lint`'s import-x/no-restricted-paths zones).
 */
import { createHash } from 'node:crypto';
import type { Cashin, Payment } from '../domain/models.js';
import { toGlobalId } from '../graphql/relay/global-id.js';
import type { ProviderId } from '../providers/provider.js';

export type CashinValue = Omit<Cashin, 'id'> & { __typename: 'Cashin'; id: string; localId: string };
export type PaymentValue = Omit<Payment, 'id'> & { __typename: 'Payment'; id: string; localId: string };
export interface CashoutValue {
  __typename: 'Cashout';
  id: string;
  localId: string;
  provider: ProviderId;
}

export function cashinValue(cashin: Cashin): CashinValue {
  return { ...cashin, __typename: 'Cashin', id: toGlobalId('Cashin', cashin.provider, cashin.id), localId: cashin.id };
}

export function paymentValue(payment: Payment): PaymentValue {
  return { ...payment, __typename: 'Payment', id: toGlobalId('Payment', payment.provider, payment.id), localId: payment.id };
}

export function cashoutValue(provider: ProviderId, localId: string): CashoutValue {
  return { __typename: 'Cashout', id: toGlobalId('Cashout', provider, localId), localId, provider };
}

/** An opaque event id derived from what identifies the event (for a notification: `<object>:<state>`). */
export function eventId(provider: ProviderId, key: string): string {
  return `evt_${createHash('sha256').update(`${provider}:${key}`).digest('hex').slice(0, 32)}`;
}
