/**
 * Talo does not sign its webhooks, so the gateway makes the URL itself the credential: each payment's
 * webhook_url is PUBLIC_URL/webhooks/talo/<token>, the token derived from TALO_WEBHOOK_SECRET. The
 * webhook endpoint refuses any other path, and still confirms every event by reading the payment.
 */
import { createHmac } from 'node:crypto';
import type { Secret } from '../../secret.js';

export const TALO_WEBHOOK_PATH = '/webhooks/talo';

/** 32 url-safe characters that only a holder of the secret can produce. */
export function taloWebhookToken(secret: Secret): string {
  return createHmac('sha256', secret.reveal()).update('pasarela:talo-webhook:v1').digest('base64url').slice(0, 32);
}

export function taloWebhookUrl(publicUrl: string, secret: Secret): string {
  return `${publicUrl.replace(/\/$/, '')}${TALO_WEBHOOK_PATH}/${taloWebhookToken(secret)}`;
}
