/**
 * A secret notification URL, for providers whose notifications carry no signature we can check:
 * PUBLIC_URL/webhooks/<provider>/<token>, the token derived from that provider's webhook secret, so
 * only a holder of the secret can produce it. The webhook endpoint compares it in constant time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Secret } from '../secret.js';
import { providerSlug, type ProviderId } from './provider.js';

/** Where a provider's notifications are received (the token, when used, is the next path segment). */
export function webhookPath(provider: ProviderId): string {
  return `/webhooks/${providerSlug(provider)}`;
}

/** 32 url-safe characters that only a holder of the secret can produce (HMAC-SHA256, base64url). */
export function webhookToken(provider: ProviderId, secret: Secret): string {
  return createHmac('sha256', secret.reveal())
    .update(`pasarela:${providerSlug(provider)}-webhook:v1`)
    .digest('base64url')
    .slice(0, 32);
}

/** The full notification URL an operator gives the provider (or the gateway gives Talo per payment). */
export function webhookUrl(publicUrl: string, provider: ProviderId, secret: Secret): string {
  return `${publicUrl.replace(/\/$/, '')}${webhookPath(provider)}/${webhookToken(provider, secret)}`;
}

/** Constant-time comparison of a presented token with the expected one. */
export function sameWebhookToken(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The `:token` path parameter of a webhook request, or undefined on the bare path. */
export function tokenParam(params: unknown): string | undefined {
  const token = (params as { token?: unknown } | undefined)?.token;
  return typeof token === 'string' ? token : undefined;
}

/**
 * The secret notification URLs of the configured providers that take one, for the operator to paste
 * into each provider's panel (`npm run webhook-urls`). Each URL is a credential: keep it like a secret.
 */
export function notificationUrls(config: {
  publicUrl: string;
  providers: Partial<Record<'telepagos' | 'talo' | 'tupay', { webhookSecret: Secret }>>;
}): Partial<Record<ProviderId, string>> {
  const urls: Partial<Record<ProviderId, string>> = {};
  for (const provider of ['TELEPAGOS', 'TUPAY'] as const) {
    const secret = config.providers[providerSlug(provider) as 'telepagos' | 'tupay']?.webhookSecret;
    if (secret) urls[provider] = webhookUrl(config.publicUrl, provider, secret);
  }
  return urls;
}
