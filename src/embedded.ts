/**
 * The embedded default's wiring (src/main.ts): the provider sandboxes notify this gateway, as the real
 * providers do once told our webhook URLs. TelePagos and Tupay get the URL of their panel; Talo gets it
 * with each payment, so its seeded demo payments are given the URL `createPayment` would have used.
 */
import type { Config } from './config.js';
import { taloWebhookUrl } from './providers/talo/webhook-url.js';

export interface SandboxUrls {
  telepagos: { url: string };
  talo: { url: string };
  tupay: { url: string };
}

export async function pointSandboxNotificationsAt(config: Pick<Config, 'publicUrl' | 'providers'>, sandboxes: SandboxUrls): Promise<void> {
  const targets: [string, string][] = [
    [sandboxes.telepagos.url, `${config.publicUrl}/webhooks/telepagos`],
    [sandboxes.tupay.url, `${config.publicUrl}/webhooks/tupay`],
  ];
  if (config.providers.talo) targets.push([sandboxes.talo.url, taloWebhookUrl(config.publicUrl, config.providers.talo.webhookSecret)]);
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
