/**
 * POST /webhooks/<provider>[/:token] for each configured provider that notifies, as its folder declares
 * it (src/providers/notifiers.ts; docs/subscriptions.md, "Notification URLs").
 */
import type { FastifyInstance } from 'fastify';
import type { ProvidersConfig } from '../config.js';
import type { Capabilities, CapabilityName } from '../providers/capabilities.js';
import { notifiers } from '../providers/notifiers.js';
import type { ProviderRegistry } from '../providers/registry.js';
import { webhookPath } from '../providers/webhook-url.js';
import type { ProviderId } from '../providers/provider.js';
import { webhookRoute, type PipelineDeps } from './pipeline.js';

/** Provider notifications are small; anything bigger is refused with 413 before it is read. */
export const WEBHOOK_BODY_LIMIT = 64 * 1024;

export async function registerWebhooks(app: FastifyInstance, config: ProvidersConfig, providers: ProviderRegistry, deps: PipelineDeps): Promise<void> {
  await app.register(async (scope) => {
    // Signatures cover the exact bytes: keep the raw body, whatever content type the provider sends.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT }, (_request, body, done) => done(null, body));
    // Each handler confirms through the provider's capabilities, asked when a notice arrives.
    const asker =
      (provider: ProviderId) =>
      <K extends CapabilityName>(name: K) =>
      (): Capabilities[K] => {
        const source = providers.capable(provider, name);
        if (!source) throw new Error(`${provider} offers no ${name}`);
        return source;
      };
    for (const { provider, auth, handler } of notifiers()) {
      const made = handler(config, asker(provider));
      if (!made) continue;
      // Signed on the bare path, unsigned on the secret token path: one handler for both.
      const route = webhookRoute(made, deps);
      if (auth.includes('signature')) scope.post(webhookPath(provider), route);
      if (auth.includes('url-token')) scope.post(`${webhookPath(provider)}/:token`, route);
    }
  });
}
