/**
 * Talo does not sign its webhooks, so the gateway makes the URL itself the credential: each payment's
 * webhook_url is PUBLIC_URL/webhooks/talo/<token>, the token derived from TALO_WEBHOOK_SECRET
 * (../webhook-url.ts). The webhook endpoint refuses any other path, and still confirms every event by
 * reading the payment.
 */
import type { Secret } from '../../secret.js';
import { webhookPath, webhookToken, webhookUrl } from '../webhook-url.js';

export const TALO_WEBHOOK_PATH = webhookPath('TALO');

/** 32 url-safe characters that only a holder of the secret can produce. */
export function taloWebhookToken(secret: Secret): string {
  return webhookToken('TALO', secret);
}

export function taloWebhookUrl(publicUrl: string, secret: Secret): string {
  return webhookUrl(publicUrl, 'TALO', secret);
}
