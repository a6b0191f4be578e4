/**
 * What happens to a Talo payment: creation, transfers received, forced statuses, lazy expiry, and the
 * wire shape Talo answers with. Every change moves `last_modified_timestamp` and, when the payment has a
 * `webhook_url`, POSTs Talo's unsigned `{ message: "Pago Actualizado", paymentId, externalId }`.
 */
import type { SandboxRuntime } from '../server.js';
import {
  TALO_AMOUNT_WIRE_TYPES,
  TALO_DEFAULT_EXPIRATION_SECONDS,
  isTaloFinalStatus,
  taloCentsToAmount,
  taloStatusForReceived,
  taloWebhookBody,
  type TaloPaymentStatus,
} from '../../providers/talo/assumptions.js';
import { newPaymentId, newTransactionId, newTransferAddress, type TaloPayment, type TaloState, type TaloTransaction } from './state.js';
import type { CreatePaymentInput } from './validation.js';

/** Which quote field carries the CVU: public answers show `cvu`, some `address`. */
export type QuoteCvuField = 'cvu' | 'address' | 'both';

/** Statuses the control surface may force; SUCCESS/OVERPAID/UNDERPAID come only from transfers. */
export const FORCEABLE_STATUSES: readonly TaloPaymentStatus[] = ['REJECTED', 'CANCELLED', 'EXPIRED', 'UNDER_REVIEW'];

export type ChangeResult = { ok: true; payment: TaloPayment } | { ok: false; status: 400 | 409; message: string };

type Runtime = SandboxRuntime<TaloState>;

export function createPayment(state: TaloState, input: CreatePaymentInput): TaloPayment {
  const now = state.clock();
  const payment: TaloPayment = {
    id: newPaymentId(state),
    userId: input.userId,
    externalId: input.externalId,
    status: 'PENDING',
    priceCents: input.priceCents,
    currency: 'ARS',
    paymentOptions: input.paymentOptions,
    ...newTransferAddress(state),
    redirectUrl: input.redirectUrl,
    webhookUrl: input.webhookUrl,
    motive: input.motive,
    items: input.items,
    clientData: input.clientData,
    createdAt: now,
    lastModifiedAt: now,
    expiresAt: input.expiresAt ?? now + TALO_DEFAULT_EXPIRATION_SECONDS * 1000,
    transactions: [],
  };
  state.payments.set(payment.id, payment);
  return payment;
}

/** Records a change: new timestamp, new status, and Talo's webhook when the payment asked for one. */
function touch(runtime: Runtime, payment: TaloPayment, status: TaloPaymentStatus): void {
  payment.status = status;
  payment.lastModifiedAt = runtime.state.clock();
  if (payment.webhookUrl) runtime.notifier.send(payment.webhookUrl, taloWebhookBody(payment.id, payment.externalId));
}

/** A PENDING payment past its expiration turns EXPIRED when next looked at (Talo does it on its own). */
export function refresh(runtime: Runtime, payment: TaloPayment): TaloPayment {
  if (payment.status === 'PENDING' && runtime.state.clock() >= payment.expiresAt) touch(runtime, payment, 'EXPIRED');
  return payment;
}

export const receivedCents = (payment: TaloPayment): number => payment.transactions.reduce((sum, t) => sum + t.amountCents, 0);

/** A transfer to the payment's CVU: recorded, and the status derived from the total received. */
export function receiveTransfer(runtime: Runtime, payment: TaloPayment, amountCents: number): ChangeResult {
  refresh(runtime, payment);
  if (isTaloFinalStatus(payment.status)) {
    return { ok: false, status: 409, message: `payment is ${payment.status}: it accepts no more transfers` };
  }
  const transaction: TaloTransaction = { transaction_id: newTransactionId(runtime.state), amountCents, at: runtime.state.clock() };
  payment.transactions.push(transaction);
  touch(runtime, payment, taloStatusForReceived(receivedCents(payment), payment.priceCents));
  return { ok: true, payment };
}

export function forceStatus(runtime: Runtime, payment: TaloPayment, status: TaloPaymentStatus): ChangeResult {
  if (!FORCEABLE_STATUSES.includes(status)) {
    return { ok: false, status: 400, message: `status must be one of ${FORCEABLE_STATUSES.join(', ')} (others come from transfers)` };
  }
  refresh(runtime, payment);
  if (isTaloFinalStatus(payment.status) || payment.status === status) {
    return { ok: false, status: 409, message: `payment is already ${payment.status}: cannot become ${status}` };
  }
  touch(runtime, payment, status);
  return { ok: true, payment };
}

const iso = (ms: number): string => new Date(ms).toISOString();
/** An amount in the form Talo writes it at that place (TALO_AMOUNT_WIRE_TYPES): a number or a decimal string. */
const wireAmount = (cents: number, form: 'number' | 'string'): number | string =>
  form === 'number' ? taloCentsToAmount(cents) : String(taloCentsToAmount(cents));

function quote(payment: TaloPayment, cvuField: QuoteCvuField): Record<string, unknown> {
  const where = cvuField === 'both' ? { cvu: payment.cvu, address: payment.cvu } : { [cvuField]: payment.cvu };
  return { ...where, alias: payment.alias, amount: wireAmount(payment.priceCents, TALO_AMOUNT_WIRE_TYPES.quote), currency: payment.currency };
}

/** The payment as Talo prints it; `origin` is the sandbox's own base URL (for `payment_url`). */
export function toWire(payment: TaloPayment, origin: string, cvuField: QuoteCvuField): Record<string, unknown> {
  return {
    id: payment.id,
    payment_status: payment.status,
    user_id: payment.userId,
    external_id: payment.externalId,
    price: { amount: wireAmount(payment.priceCents, TALO_AMOUNT_WIRE_TYPES.price), currency: payment.currency },
    payment_options: payment.paymentOptions,
    quotes: [quote(payment, cvuField)],
    payment_url: `${origin}/_sandbox/checkout/${payment.id}`,
    webhook_url: payment.webhookUrl ?? null,
    redirect_url: payment.redirectUrl,
    motive: payment.motive ?? null,
    items: payment.items ?? [],
    client_data: payment.clientData ?? null,
    creation_timestamp: iso(payment.createdAt),
    last_modified_timestamp: iso(payment.lastModifiedAt),
    expiration_timestamp: iso(payment.expiresAt),
    transactions: payment.transactions.map((t) => ({
      transaction_id: t.transaction_id,
      amount: wireAmount(t.amountCents, TALO_AMOUNT_WIRE_TYPES.transaction),
      currency: payment.currency,
      transaction_status: 'PROCESSED',
      date: iso(t.at),
    })),
  };
}
