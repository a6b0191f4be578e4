/**
 * Every provider that notifies, by the declaration its folder makes (src/providers/<p>/webhook.ts):
 * src/webhooks/routes.ts serves a route for each configured one. A provider that notifies adds itself
 * here; `addNotifier` adds a test-only one at run time.
 */
import type { ProviderNotifications } from '../webhooks/pipeline.js';
import { taloNotifications } from './talo/webhook.js';
import { telepagosNotifications } from './telepagos/webhook.js';
import { tupayNotifications } from './tupay/webhook.js';

const NOTIFIERS: ProviderNotifications[] = [telepagosNotifications, taloNotifications, tupayNotifications];

/** The notifying providers, in the contract's order (test-only ones last). */
export function notifiers(): readonly ProviderNotifications[] {
  return NOTIFIERS;
}

/** Adds a test-only provider's notifications (with `addProvider`, before the gateway is built). */
export function addNotifier(notifications: ProviderNotifications): void {
  if (NOTIFIERS.some((known) => known.provider === notifications.provider)) throw new Error(`${notifications.provider} notifies already`);
  NOTIFIERS.push(notifications);
}
