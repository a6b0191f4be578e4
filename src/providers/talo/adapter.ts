/** Talo as the gateway's capabilities see it: it only collects (payments), so no balance and no listing. */
import type { ProvidersConfig } from '../../config.js';
import type { SharedClientOptions } from '../adapter.js';
import type { PaymentSink, PaymentSource, ProviderAdapter } from '../capabilities.js';
import { TaloClient } from './client.js';

export class TaloAdapter implements ProviderAdapter {
  readonly id = 'TALO' as const;
  readonly payments: PaymentSource;
  readonly paymentSink: PaymentSink;

  constructor(readonly client: TaloClient) {
    const provider = this.id;
    this.payments = { provider, payment: (id, call) => client.getPayment(id, call) };
    this.paymentSink = { provider, createPayment: (input, call) => client.createPayment(input, call) };
  }

  get breakerState() {
    return this.client.transport.breakerState;
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

export function taloAdapter(config: ProvidersConfig, shared: SharedClientOptions): TaloAdapter | undefined {
  if (!config.talo) return undefined;
  const { url, userId, clientId, clientSecret } = config.talo;
  return new TaloAdapter(new TaloClient({ ...shared, baseUrl: url, userId, clientId, clientSecret }));
}
