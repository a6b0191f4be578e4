/**
 * For the watcher's end-to-end tests (memory and Redis): a graphql-ws `paymentEvents` stream, payments
 * created through the gateway, paid in the Talo sandbox with no notification reaching the gateway, and
 * that notification delivered late by hand, as Talo would send it.
 */
import { expect } from 'vitest';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { Gateway } from '../../src/server.js';
import { taloWebhookBody } from '../../src/providers/talo/assumptions.js';
import { taloWebhookUrl } from '../../src/providers/talo/webhook-url.js';
import type { RunningSandboxes } from '../../src/sandbox/index.js';
import type { Secret } from '../../src/secret.js';
import type { GraphQLResponse } from './gateway.js';
import { call, type CallResult } from './http.js';
import { waitFor } from './wait.js';

const SUBSCRIPTION = `subscription { paymentEvents(provider: TALO) { id provider type payment { id status amountReceived { amount } } } }`;
const CREATE_PAYMENT = `mutation($input: CreatePaymentInput!) { createPayment(input: $input) { payment { id status } userErrors { message } } }`;

export interface WatchedEvent {
  id: string;
  provider: string;
  type: string;
  payment: { id: string; status: string; amountReceived: { amount: string } } | null;
}

export interface EventStream {
  received: WatchedEvent[];
  /** Received events about one payment (global id). */
  about(paymentId: string): WatchedEvent[];
  close(): Promise<void>;
}

type Bus = { subscriberCount: number };

/** Subscribes to `gateway`'s paymentEvents over graphql-ws and waits until the gateway holds the subscription. */
export async function openStream(wsUrl: string, gateway: Gateway): Promise<EventStream> {
  const bus = gateway.events as unknown as Bus;
  const before = bus.subscriberCount;
  const client = createClient({ url: wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
  const errors: unknown[] = [];
  const stream: EventStream = {
    received: [],
    about: (paymentId) => stream.received.filter((e) => e.payment?.id === paymentId),
    close: async () => {
      await client.dispose();
      await waitFor('the subscription to be released', () => bus.subscriberCount === before);
    },
  };
  client.subscribe<{ paymentEvents: WatchedEvent }>(
    { query: SUBSCRIPTION },
    {
      next: (result) => (result.errors ? errors.push(...result.errors) : stream.received.push(result.data!.paymentEvents)),
      error: (error) => errors.push(error),
      complete: () => undefined,
    },
  );
  await waitFor('the subscription to be registered', () => {
    if (errors.length > 0) throw new Error(`subscription refused: ${JSON.stringify(errors)}`);
    return bus.subscriberCount > before;
  });
  return stream;
}

let barriers = 0;
/** Publishes a barrier on `gateway`'s bus and waits for it: the stream then holds everything published before. */
export async function barrier(gateway: Gateway, stream: EventStream): Promise<void> {
  const id = `barrier-watch-${process.pid}-${++barriers}`;
  await gateway.events.publish({ id, provider: 'TALO', type: 'PAYMENT_UPDATED', occurredAt: new Date().toISOString() });
  await waitFor(`barrier ${id}`, () => stream.received.some((e) => e.id === id));
}

let orders = 0;
/** A Talo payment created through the gateway's mutation: its global id and Talo's id. */
export async function createPayment(query: (q: string, v: Record<string, unknown>) => Promise<GraphQLResponse>): Promise<{ id: string; localId: string }> {
  const externalId = `watch-${process.pid}-${++orders}`;
  const { body } = await query(CREATE_PAYMENT, {
    input: { price: { amount: '1800.00', currency: 'ARS' }, externalId, redirectUrl: 'https://shop.example/thanks' },
  });
  expect(body.errors).toBeUndefined();
  expect(body.data.createPayment.userErrors).toEqual([]);
  const id = body.data.createPayment.payment.id as string;
  return { id, localId: Buffer.from(id, 'base64url').toString().split(':')[2]! };
}

/** Pays the whole price in the Talo sandbox while the payment has no webhook URL: no notification is sent. */
export async function payQuietly(sandboxes: RunningSandboxes, localId: string): Promise<void> {
  const stored = sandboxes.talo.state.payments.get(localId)!;
  const webhookUrl = stored.webhookUrl;
  stored.webhookUrl = undefined;
  try {
    expect((await call(sandboxes.talo.url, 'POST', `_sandbox/payments/${localId}/settle`)).status).toBe(201);
  } finally {
    stored.webhookUrl = webhookUrl;
  }
  expect((await call(sandboxes.talo.url, 'GET', '_sandbox/webhooks')).body.deliveries.filter((d: any) => d.body.paymentId === localId)).toEqual([]);
}

/** The notification Talo would have sent, delivered now to `gatewayUrl`. */
export function notify(gatewayUrl: string, secret: Secret, localId: string): Promise<CallResult> {
  const { origin, pathname } = new URL(taloWebhookUrl(gatewayUrl, secret));
  return call(origin, 'POST', pathname, { body: taloWebhookBody(localId, 'late') });
}

/** The watcher's re-reads of `gateway` with `outcome` so far. */
export async function rereads(gateway: Gateway, outcome: string): Promise<number> {
  const { values } = await gateway.metrics.watchRereads.get();
  return values.filter((v) => v.labels.outcome === outcome).reduce((sum, v) => sum + v.value, 0);
}
