/** Talo as the gateway's capabilities see it: it only collects (payments), so no balance and no listing. */
import type { ProvidersConfig } from '../../config.js';
import type { SharedClientOptions } from '../adapter.js';
import type { NewPayment, PaymentSink, PaymentSource, ProviderAdapter } from '../capabilities.js';
import type { Secret } from '../../secret.js';
import { TaloClient } from './client.js';
import type { CreatePaymentRequest } from './mappers.js';
import { taloWebhookUrl } from './webhook-url.js';

/** The gateway's neutral payment as Talo's client takes it, with where Talo notifies its changes. */
function paymentRequest(input: NewPayment, webhookUrl: string): CreatePaymentRequest {
  const { amount, currency, externalId, redirectUrl, motive, items, expiresAt } = input;
  return {
    amount,
    currency,
    externalId,
    redirectUrl,
    webhookUrl,
    ...(motive !== undefined && { motive }),
    ...(items !== undefined && { items }),
    ...(expiresAt !== undefined && { expiresAt }),
  };
}

export class TaloAdapter implements ProviderAdapter {
  readonly id = 'TALO' as const;
  readonly payments: PaymentSource;
  readonly paymentSink: PaymentSink;

  /** `webhookSecret` makes each payment's notification URL (talo/webhook-url.ts). */
  constructor(
    readonly client: TaloClient,
    webhookSecret: Secret,
  ) {
    const provider = this.id;
    this.payments = { provider, payment: (id, call) => client.getPayment(id, call) };
    this.paymentSink = {
      provider,
      // The webhook URL is the gateway's own, never a client's: it carries the secret-derived token.
      createPayment: (input, publicUrl, call) => client.createPayment(paymentRequest(input, taloWebhookUrl(publicUrl, webhookSecret)), call),
    };
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
  const { url, userId, clientId, clientSecret, webhookSecret } = config.talo;
  return new TaloAdapter(new TaloClient({ ...shared, baseUrl: url, userId, clientId, clientSecret }), webhookSecret);
}
