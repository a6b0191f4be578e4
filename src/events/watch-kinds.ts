/**
 * The kinds of objects the watcher (./watcher.ts) re-reads, each read through a provider capability.
 * A new kind is one more `WatchKind` here (or anywhere above the events layer) and one
 * `watcher.register(...)` in src/server.ts.
 */
import type { Payment } from '../domain/models.js';
import type { ProviderRegistry } from '../providers/registry.js';
import { paymentReading } from './readings.js';
import type { WatchKind } from './watcher.js';

/** Checkout payments created by createPayment (Talo's): read with the `payments` capability. */
export const PAYMENT_WATCH = 'payment';

export function paymentWatch(providers: ProviderRegistry): WatchKind<Payment> {
  return {
    kind: PAYMENT_WATCH,
    read(provider, id, call) {
      const source = providers.capable(provider, 'payments');
      if (!source) throw new Error(`${provider} offers no payments`);
      return source.payment(id, call);
    },
    // The webhook handler's own reading (src/providers/talo/webhook.ts), and its object name (the payment id).
    judge: paymentReading,
  };
}
