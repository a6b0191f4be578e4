/**
 * POST /webhooks/telepagos[/:token], /webhooks/talo/:token, /webhooks/tupay[/:token] — for the configured
 * providers (docs/subscriptions.md, "Notification URLs").
 */
import type { FastifyInstance } from 'fastify';
import type { ProvidersConfig } from '../config.js';
import type { Capabilities, CapabilityName } from '../providers/capabilities.js';
import type { ProviderRegistry } from '../providers/registry.js';
import { TALO_WEBHOOK_PATH } from '../providers/talo/webhook-url.js';
import { webhookPath } from '../providers/webhook-url.js';
import type { ProviderId } from '../providers/provider.js';
import { TELEPAGOS_NOTIFICATION_AUTH } from '../providers/telepagos/assumptions.js';
import { TUPAY_NOTIFICATION_AUTH } from '../providers/tupay/assumptions.js';
import { webhookRoute, type PipelineDeps } from './pipeline.js';
import { taloWebhook } from './talo.js';
import { telepagosWebhook } from './telepagos.js';
import { tupayWebhook } from './tupay.js';

type NotificationAuth = 'signature' | 'url-token';

/** Provider notifications are small; anything bigger is refused with 413 before it is read. */
export const WEBHOOK_BODY_LIMIT = 64 * 1024;

export async function registerWebhooks(app: FastifyInstance, config: ProvidersConfig, providers: ProviderRegistry, deps: PipelineDeps): Promise<void> {
  await app.register(async (scope) => {
    // Signatures cover the exact bytes: keep the raw body, whatever content type the provider sends.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT }, (_request, body, done) => done(null, body));
    // TelePagos and Tupay: signed on the bare path, unsigned on the secret token path (one handler each).
    const both = (provider: ProviderId, auth: readonly NotificationAuth[], route: ReturnType<typeof webhookRoute>) => {
      if (auth.includes('signature')) scope.post(webhookPath(provider), route);
      if (auth.includes('url-token')) scope.post(`${webhookPath(provider)}/:token`, route);
    };
    // Each handler confirms through the provider's capabilities, asked when a notice arrives.
    const capability =
      <K extends CapabilityName>(provider: ProviderId, name: K) =>
      (): Capabilities[K] => {
        const source = providers.capable(provider, name);
        if (!source) throw new Error(`${provider} offers no ${name}`);
        return source;
      };
    if (config.telepagos) {
      const readers = () => ({ cashins: capability('TELEPAGOS', 'cashins')(), cashouts: capability('TELEPAGOS', 'cashouts')() });
      both('TELEPAGOS', TELEPAGOS_NOTIFICATION_AUTH, webhookRoute(telepagosWebhook(config.telepagos, readers), deps));
    }
    if (config.talo) scope.post(`${TALO_WEBHOOK_PATH}/:token`, webhookRoute(taloWebhook(config.talo, capability('TALO', 'payments')), deps));
    if (config.tupay) both('TUPAY', TUPAY_NOTIFICATION_AUTH, webhookRoute(tupayWebhook(config.tupay, capability('TUPAY', 'depositFinder')), deps));
  });
}
