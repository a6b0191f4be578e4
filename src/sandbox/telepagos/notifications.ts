/**
 * Notifications to the merchant's URL (REFERENCE assumption): JSON body, `X-Signature` = hex HMAC-SHA256
 * of the exact raw body with the webhook secret, retried by the shared notifier on non-2xx. With the
 * notifier's `shape: 'hint'` (`PUT /_sandbox/webhooks/config`), another body shape, unsigned.
 */
import {
  NOTIFICATION_EVENTS,
  SIGNATURE_HEADER,
  decimalWire,
  formatArgentinaDateTime,
  telepagosSignature,
  type TelepagosNotification,
} from '../../providers/telepagos/assumptions.js';
import type { WebhookSigner } from '../notifier.js';
import type { SandboxRuntime } from '../server.js';
import type { CashIn, Cashout, TelepagosState } from './state.js';

export function cashInNotification(cashIn: CashIn): TelepagosNotification {
  return {
    event: NOTIFICATION_EVENTS.cashinCredited,
    id: cashIn.id,
    transaction_id: cashIn.entry.number,
    qr_order_id: cashIn.qrOrderId,
    link_id: cashIn.linkId,
    reference_id: null,
    amount: decimalWire(cashIn.amountCents),
    status: cashIn.entry.status,
    date: formatArgentinaDateTime(cashIn.entry.atMs),
  };
}

export function cashoutNotification(cashout: Cashout): TelepagosNotification {
  return {
    event: NOTIFICATION_EVENTS.cashoutUpdated,
    id: cashout.id,
    transaction_id: cashout.entry.number,
    qr_order_id: null,
    link_id: null,
    reference_id: cashout.referenceId,
    amount: decimalWire(cashout.amountCents),
    status: cashout.entry.status,
    date: formatArgentinaDateTime(cashout.entry.atMs),
  };
}

export function telepagosSigner(secret: string): WebhookSigner {
  return (rawBody) => ({
    [SIGNATURE_HEADER]: telepagosSignature(rawBody, secret),
  });
}

/**
 * The `hint` shape of a notification (another plausible body, not the assumed one): the object nested
 * under other names, its id as a string (cash-ins) or a number (cash-outs), extra fields, a discriminator
 * that names nothing we know. Sent unsigned.
 */
export function hintNotification(notification: TelepagosNotification): unknown {
  const object =
    notification.event === NOTIFICATION_EVENTS.cashinCredited
      ? { transaction: { id: String(notification.id), amount: Number(notification.amount), state: notification.status.toUpperCase() } }
      : { payout: { id: notification.id, reference: notification.reference_id, state: notification.status.toUpperCase() } };
  return { kind: 'whatever', version: 3, data: { object }, sent_at: new Date().toISOString() };
}

/** Sends the notification when a URL is configured; returns the delivery id, or null when none. */
export function notify(runtime: SandboxRuntime<TelepagosState>, notification: TelepagosNotification): number | null {
  const { webhookUrl, webhookSecret } = runtime.state.config;
  if (!webhookUrl) return null;
  if (runtime.notifier.options.shape === 'hint') return runtime.notifier.send(webhookUrl, hintNotification(notification)).id;
  return runtime.notifier.send(webhookUrl, notification, telepagosSigner(webhookSecret)).id;
}
