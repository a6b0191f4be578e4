/**
 * The embedded default's wiring (src/main.ts): the provider sandboxes notify this gateway, as the real
 * providers do once told our webhook URLs. Each notifying provider's folder declares the URL its sandbox
 * is told (`sandboxTarget` in src/providers/<p>/webhook.ts, listed by src/providers/notifiers.ts).
 */
import type { Config } from './config.js';
import { notifiers } from './providers/notifiers.js';
import { providerSlug } from './providers/provider.js';

/** The running sandboxes' base URLs, by provider slug (a provider without a sandbox is told nothing). */
export type SandboxUrls = { readonly [slug in ReturnType<typeof providerSlug>]?: { url: string } };

export async function pointSandboxNotificationsAt(config: Pick<Config, 'publicUrl' | 'providers'>, sandboxes: SandboxUrls): Promise<void> {
  const targets: [string, string][] = [];
  for (const notifier of notifiers()) {
    const sandbox = sandboxes[providerSlug(notifier.provider)];
    const url = sandbox && notifier.sandboxTarget?.(config.providers, config.publicUrl);
    if (sandbox && url) targets.push([sandbox.url, url]);
  }
  await Promise.all(
    targets.map(async ([sandbox, url]) => {
      const response = await fetch(`${sandbox}/_sandbox/webhook`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ url }),
      });
      if (!response.ok) throw new Error(`sandbox ${sandbox} refused its webhook URL (HTTP ${response.status})`);
    }),
  );
}
