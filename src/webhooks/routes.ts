/**
 * POST /webhooks/telepagos[/:token], /webhooks/talo/:token, /webhooks/tupay[/:token] — for the configured
 * providers (docs/subscriptions.md, "Notification URLs").
 */
import type { FastifyInstance } from 'fastify';
import type { ProvidersConfig } from '../config.js';
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
    if (config.telepagos)
      both(
        'TELEPAGOS',
        TELEPAGOS_NOTIFICATION_AUTH,
        webhookRoute(
          telepagosWebhook(config.telepagos, () => providers.telepagos),
          deps,
        ),
      );
    if (config.talo)
      scope.post(
        `${TALO_WEBHOOK_PATH}/:token`,
        webhookRoute(
          taloWebhook(config.talo, () => providers.talo),
          deps,
        ),
      );
    if (config.tupay)
      both(
        'TUPAY',
        TUPAY_NOTIFICATION_AUTH,
        webhookRoute(
          tupayWebhook(config.tupay, () => providers.tupay),
          deps,
        ),
      );
  });
}
