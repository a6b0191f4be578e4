/**
 * The test-only fourth provider's notifications, declared in its own folder as a real provider's are
 * (src/providers/<p>/webhook.ts): Cuarta signs each notice's raw body with HMAC-SHA256 in
 * `x-cuarta-signature`, and names a movement by `ref`; the gateway confirms it by reading the cash-in
 * through Cuarta's `cashins` capability before anything is published.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { cashinValue } from '../../src/events/values.js';
import type { ProviderNotifications, WebhookHandler } from '../../src/webhooks/pipeline.js';
import type { CashinSource } from '../../src/providers/capabilities.js';
import { CUARTA } from './adapter.js';

export const CUARTA_SIGNATURE_HEADER = 'x-cuarta-signature';
export const CUARTA_WEBHOOK_SECRET = 'cuarta-webhook-secret';

export function cuartaSignature(raw: Buffer | string): string {
  return createHmac('sha256', CUARTA_WEBHOOK_SECRET).update(raw).digest('hex');
}

interface CuartaNotice {
  ref: string;
}

function cuartaWebhook(cashins: () => CashinSource): WebhookHandler<CuartaNotice> {
  return {
    provider: CUARTA,
    authenticate(request, raw) {
      const given = request.headers[CUARTA_SIGNATURE_HEADER];
      if (typeof given !== 'string') return `missing ${CUARTA_SIGNATURE_HEADER}`;
      const expected = Buffer.from(cuartaSignature(raw));
      const actual = Buffer.from(given);
      return actual.length === expected.length && timingSafeEqual(actual, expected) ? null : 'bad signature';
    },
    parse(json) {
      const ref = (json as { ref?: unknown } | null)?.ref;
      return typeof ref === 'string' && /^[a-z0-9-]{1,32}$/.test(ref) ? { ref } : null;
    },
    notice: ({ ref }) => ({ object: `movement:${ref}` }),
    async confirm({ ref }, call) {
      const cashin = await cashins().cashin(ref, call);
      return {
        state: cashin.providerStatus ?? 'received',
        final: true,
        event: { type: 'CASHIN_RECEIVED', occurredAt: new Date().toISOString(), cashin: cashinValue(cashin) },
      };
    },
  };
}

/** Signed notices on POST /webhooks/cuarta; the handler exists whatever the gateway's config (Cuarta's lives here). */
export const cuartaNotifications: ProviderNotifications = {
  provider: CUARTA,
  auth: ['signature'],
  handler: (_config, capability) => cuartaWebhook(capability('cashins')),
};
