/**
 * Talo notifications: unsigned, so the URL is the credential (a token derived from
 * TALO_WEBHOOK_SECRET, compared in constant time) and the body is only a hint: the payment is read
 * from Talo and its confirmed state is what gets published.
 */
import type { TaloConfig } from './config.js';
import { TALO_HINT_PATTERNS } from './assumptions.js';
import type { PaymentSource } from '../capabilities.js';
import { taloWebhookToken, taloWebhookUrl } from './webhook-url.js';
import { sameWebhookToken, tokenParam } from '../webhook-url.js';
import { paymentReading } from '../../events/readings.js';
import { findHints } from '../../webhooks/hints.js';
import type { ProviderNotifications, WebhookHandler } from '../../webhooks/pipeline.js';

interface TaloNotice {
  paymentId: string;
}

export function taloWebhook(config: TaloConfig, payments: () => PaymentSource): WebhookHandler<TaloNotice> {
  const token = taloWebhookToken(config.webhookSecret);
  return {
    provider: 'TALO',
    authenticate(request) {
      return sameWebhookToken(tokenParam(request.params) ?? '', token) ? null : 'unknown webhook path';
    },
    // Any body: the public `{ message, paymentId, externalId }` or another shape naming the payment.
    parse(json) {
      const [hint] = findHints(json, TALO_HINT_PATTERNS);
      return hint ? { paymentId: hint.id } : null;
    },
    // The body claims no state: only a payment already final is known without asking Talo.
    notice: (notice) => ({ object: notice.paymentId }),
    async confirm(notice, call) {
      // The same reading the watcher makes of the payment (src/events/readings.ts): one event per change.
      return paymentReading(await payments().payment(notice.paymentId, call));
    },
  };
}

/** Talo signs nothing: each payment's notification URL carries the secret token (webhook-url.ts); a notice reads the payment. */
export const taloNotifications: ProviderNotifications = {
  provider: 'TALO',
  auth: ['url-token'],
  handler: (config, capability) => config.talo && taloWebhook(config.talo, capability('payments')),
  // Talo gets its URL with each payment: the seeded demo payments get the one createPayment would use.
  sandboxTarget: (config, publicUrl) => config.talo && taloWebhookUrl(publicUrl, config.talo.webhookSecret),
};
