/**
 * Notifications to the merchant's URL (REFERENCE assumption): JSON body, `X-Signature` = hex HMAC-SHA256
 * of the exact raw body with the webhook secret, retried by the shared notifier on non-2xx.
 */
import {
  NOTIFICATION_EVENTS,
  SIGNATURE_HEADER,
  formatArgentinaDateTime,
  telepagosSignature,
  type TelepagosNotification,
} from '../../providers/telepagos/assumptions.js';
import type { WebhookSigner } from '../notifier.js';
import { centsToDecimalString } from '../random.js';
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
    amount: centsToDecimalString(cashIn.amountCents),
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
    amount: centsToDecimalString(cashout.amountCents),
    status: cashout.entry.status,
    date: formatArgentinaDateTime(cashout.entry.atMs),
  };
}

export function telepagosSigner(secret: string): WebhookSigner {
  return (rawBody) => ({
    [SIGNATURE_HEADER]: telepagosSignature(rawBody, secret),
  });
}

/** Sends the notification when a URL is configured; returns the delivery id, or null when none. */
export function notify(runtime: SandboxRuntime<TelepagosState>, notification: TelepagosNotification): number | null {
  const { webhookUrl, webhookSecret } = runtime.state.config;
  if (!webhookUrl) return null;
  return runtime.notifier.send(webhookUrl, notification, telepagosSigner(webhookSecret)).id;
}
