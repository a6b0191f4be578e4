/**
 * Provider notifications → GraphQL subscriptions, end to end over real HTTP and WebSocket: the
 * sandboxes deliver their (signed as assumed) notifications to the gateway's webhook endpoints, the
 * gateway authenticates, confirms with the provider, de-duplicates and publishes, and a real graphql-ws
 * client receives the event. Also: what the pipeline refuses (and that nothing is published then).
 *
 * "Nothing more arrived" is checked without timing: once every sandbox delivery is finished (each
 * 2xx answer means the event, if any, was already published), a barrier event is published on the
 * gateway's bus; events are delivered in publish order, so whatever the stream holds before the
 * barrier is everything the notifications produced.
 */
import 'reflect-metadata';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { SANDBOX_CREDENTIALS } from '../../src/sandbox/credentials.js';
import { telepagosSignature } from '../../src/providers/telepagos/assumptions.js';
import { tupayAuthorizationHeader, tupayDateHeader } from '../../src/providers/tupay/assumptions.js';
import { taloWebhookUrl } from '../../src/providers/talo/webhook-url.js';
import { WEBHOOK_BODY_LIMIT } from '../../src/webhooks/routes.js';
import type { MemoryEventBus } from '../../src/events/bus.js';
import { useTestGateway, type TestGateway } from '../helpers/gateway.js';
import { call, type CallResult } from '../helpers/http.js';
import { waitFor } from '../helpers/wait.js';

const SUBSCRIPTION = `subscription Events($provider: Provider) {
  paymentEvents(provider: $provider) {
    id provider type occurredAt
    payment { id status externalId amount { amount currency } amountReceived { amount currency } }
    cashin { id provider amount { amount currency } }
    cashout { id provider }
  }
}`;
const CREATE_PAYMENT = `mutation($input: CreatePaymentInput!) {
  createPayment(input: $input) { payment { id status externalId } userErrors { field message code } }
}`;
const QR_CHARGE = `mutation($input: CreateQrChargeInput!) { createQrCharge(input: $input) { qrOrderId userErrors { field message code } } }`;
const CREATE_CASHOUT = `mutation($input: CreateCashoutInput!) { createCashout(input: $input) { cashout { id provider } userErrors { field message code } } }`;

const globalId = (type: string, provider: string, localId: string | number) => Buffer.from(`${type}:${provider}:${localId}`).toString('base64url');
const localOf = (id: string) => Buffer.from(id, 'base64url').toString().split(':')[2]!;
const PROVIDERS = ['TALO', 'TELEPAGOS', 'TUPAY'] as const;
type Provider = (typeof PROVIDERS)[number];
type SandboxName = 'talo' | 'telepagos' | 'tupay';

let seq = 0;
const unique = (label: string) => `ev-${label}-${process.pid}-${++seq}`;

interface PaymentEvent {
  id: string;
  provider: Provider;
  type: string;
  occurredAt: string;
  payment: {
    id: string;
    status: string;
    externalId: string | null;
    amount: { amount: string; currency: string };
    amountReceived: { amount: string } | null;
  } | null;
  cashin: { id: string; provider: string; amount: { amount: string; currency: string } } | null;
  cashout: { id: string; provider: string } | null;
}

/** One graphql-ws client with one paymentEvents subscription, collecting what arrives. */
interface EventStream {
  provider?: Provider;
  received: PaymentEvent[];
  errors: unknown[];
  /** Received events minus barrier events. */
  events(): PaymentEvent[];
  close(): Promise<void>;
}

const clients = new Map<Client, TestGateway>();
afterEach(async () => {
  const gateways = new Set(clients.values());
  for (const client of clients.keys()) await client.dispose();
  clients.clear();
  // A closed connection releases its subscription on the gateway (nothing left queueing for it).
  for (const gw of gateways) await waitFor('the gateway to drop closed subscriptions', () => bus(gw).subscriberCount === 0);
});

function bus(gw: TestGateway): MemoryEventBus {
  return gw.gateway.events as MemoryEventBus;
}

/** Subscribes and waits until the gateway holds the subscription, so no event published after it is missed. */
async function subscribe(gw: TestGateway, provider?: Provider): Promise<EventStream> {
  const before = bus(gw).subscriberCount;
  const client = createClient({ url: gw.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
  clients.set(client, gw);
  const stream: EventStream = {
    provider,
    received: [],
    errors: [],
    events: () => stream.received.filter((e) => !e.id.startsWith('barrier-')),
    close: async () => {
      await client.dispose();
      clients.delete(client);
    },
  };
  client.subscribe<{ paymentEvents: PaymentEvent }>(
    { query: SUBSCRIPTION, variables: provider ? { provider } : {} },
    {
      next: (result) => {
        if (result.errors) stream.errors.push(...result.errors);
        else stream.received.push(result.data!.paymentEvents);
      },
      error: (error) => stream.errors.push(error),
      complete: () => undefined,
    },
  );
  await waitFor('the subscription to be registered', () => {
    if (stream.errors.length > 0) throw new Error(`subscription refused: ${JSON.stringify(stream.errors)}`);
    return bus(gw).subscriberCount > before;
  }).catch((error: Error) => {
    throw new Error(`${error.message} (subscribers ${bus(gw).subscriberCount}, before ${before})`);
  });
  return stream;
}

/** Waits for an event matching `match` on the stream and returns it. */
function nextEvent(stream: EventStream, what: string, match: (e: PaymentEvent) => boolean): Promise<PaymentEvent> {
  return waitFor(what, () => {
    if (stream.errors.length > 0) throw new Error(`subscription error: ${JSON.stringify(stream.errors)}`);
    return stream.received.find(match);
  });
}

async function deliveries(
  gw: TestGateway,
  sandbox: SandboxName,
): Promise<{ id: number; url: string; body: any; headers: Record<string, string>; state: string; attempts: { status?: number }[] }[]> {
  return (await call(gw.sandboxes[sandbox].url, 'GET', '_sandbox/webhooks')).body.deliveries;
}

let barrierSeq = 0;
/**
 * Waits until no sandbox delivery is in flight, then publishes one barrier event per provider and waits
 * until every stream has its barrier: after that, a stream holds everything published before.
 */
async function drain(gw: TestGateway, ...streams: EventStream[]): Promise<void> {
  await waitFor('sandbox deliveries to finish', async () => {
    for (const sandbox of ['talo', 'telepagos', 'tupay'] as const) {
      if ((await deliveries(gw, sandbox)).some((d) => d.state === 'pending')) return false;
    }
    return true;
  });
  const n = ++barrierSeq;
  for (const provider of PROVIDERS) {
    await gw.gateway.events.publish({ id: `barrier-${n}-${provider}`, provider, type: 'PAYMENT_UPDATED', occurredAt: new Date().toISOString() });
  }
  for (const stream of streams) {
    const id = `barrier-${n}-${stream.provider ?? 'TUPAY'}`;
    await nextEvent(stream, id, (e) => e.id === id);
  }
}

async function createTaloPayment(gw: TestGateway, amount = '2500.00'): Promise<{ id: string; localId: string; externalId: string }> {
  const externalId = unique('order');
  const { body } = await gw.query(CREATE_PAYMENT, { input: { price: { amount, currency: 'ARS' }, externalId, redirectUrl: 'https://shop.example/thanks' } });
  expect(body.errors).toBeUndefined();
  expect(body.data.createPayment.userErrors).toEqual([]);
  const id = body.data.createPayment.payment.id as string;
  return { id, localId: localOf(id), externalId };
}

async function createQrOrder(gw: TestGateway, amount: string): Promise<string> {
  const { body } = await gw.query(QR_CHARGE, { input: { amount, concept: 'VAR', description: 'Mesa 4' } });
  expect(body.data.createQrCharge.userErrors).toEqual([]);
  return body.data.createQrCharge.qrOrderId;
}

// ── Raw notifications, as a provider (or a forger) would send them ──────────────────────────────

function postTelepagos(gw: TestGateway, body: unknown, signature: string | null = 'valid', raw = JSON.stringify(body)): Promise<CallResult> {
  const headers: Record<string, string> = {};
  if (signature === 'valid') headers['x-signature'] = telepagosSignature(raw, SANDBOX_CREDENTIALS.telepagos.webhookSecret);
  else if (signature !== null) headers['x-signature'] = signature;
  return call(gw.url, 'POST', 'webhooks/telepagos', { raw, headers });
}

function postTupay(
  gw: TestGateway,
  body: unknown,
  options: { date?: Date; login?: string; secret?: string; authorization?: string | null; raw?: string } = {},
): Promise<CallResult> {
  const raw = options.raw ?? JSON.stringify(body);
  const date = tupayDateHeader(options.date ?? new Date());
  const login = options.login ?? SANDBOX_CREDENTIALS.tupay.webhookLogin;
  const headers: Record<string, string> = { 'x-date': date, 'x-login': login };
  const authorization =
    options.authorization === undefined
      ? tupayAuthorizationHeader(date, login, raw, options.secret ?? SANDBOX_CREDENTIALS.tupay.webhookSecret)
      : options.authorization;
  if (authorization !== null) headers.authorization = authorization;
  return call(gw.url, 'POST', 'webhooks/tupay', { raw, headers });
}

function taloUrl(gw: TestGateway): string {
  return taloWebhookUrl(gw.url, gw.config.providers.talo!.webhookSecret);
}

/** POSTs to an absolute URL exactly as given (the test helper's `call` would add a trailing slash to it). */
function postTo(url: string, options: Parameters<typeof call>[3]): Promise<CallResult> {
  const { origin, pathname } = new URL(url);
  return call(origin, 'POST', pathname, options);
}

function postTalo(gw: TestGateway, paymentId: string, url = taloUrl(gw)): Promise<CallResult> {
  return postTo(url, { body: { message: 'Pago Actualizado', paymentId, externalId: 'x' } });
}

describe('provider notifications reach graphql-ws subscribers', () => {
  // The sandboxes run on real time: Tupay's deposits are looked for around the gateway's own clock.
  const gw = useTestGateway({ publicUrlIsGateway: true, sandboxes: { now: new Date() }, env: { MAX_OPERATION_AMOUNT: '100000' } });

  beforeAll(async () => {
    for (const name of ['telepagos', 'tupay'] as const) {
      const put = await call(gw().sandboxes[name].url, 'PUT', '_sandbox/webhook', { body: { url: `${gw().url}/webhooks/${name}` } });
      expect(put.status).toBe(200);
    }
    // Retries like a real provider, only faster.
    for (const name of ['telepagos', 'talo', 'tupay'] as const) {
      const put = await call(gw().sandboxes[name].url, 'PUT', '_sandbox/webhooks/config', { body: { baseDelayMs: 100, factor: 1 } });
      expect(put.status).toBe(200);
    }
  });

  it('Talo: create through the gateway, settle in the sandbox → PAYMENT_CREATED, then exactly one PAYMENT_UPDATED with SUCCESS', async () => {
    const stream = await subscribe(gw());
    const payment = await createTaloPayment(gw(), '2500.00');
    // The payment carries the gateway's own secret webhook URL.
    expect(gw().sandboxes.talo.state.payments.get(payment.localId)?.webhookUrl).toBe(taloUrl(gw()));

    const settled = await call(gw().sandboxes.talo.url, 'POST', `_sandbox/payments/${payment.localId}/settle`);
    expect(settled.status).toBe(201);
    const updated = await nextEvent(stream, 'PAYMENT_UPDATED', (e) => e.type === 'PAYMENT_UPDATED' && e.payment?.id === payment.id);
    expect(updated).toMatchObject({
      provider: 'TALO',
      payment: {
        id: payment.id,
        status: 'SUCCESS',
        externalId: payment.externalId,
        amount: { amount: '2500.00', currency: 'ARS' },
        amountReceived: { amount: '2500.00' },
      },
    });

    await drain(gw(), stream);
    const mine = stream.events().filter((e) => e.payment?.id === payment.id);
    expect(mine.map((e) => [e.type, e.payment?.status])).toEqual([
      ['PAYMENT_CREATED', 'PENDING'],
      ['PAYMENT_UPDATED', 'SUCCESS'],
    ]);
    expect(new Set(mine.map((e) => e.id)).size).toBe(2);
    // The sandbox delivered once, and was answered 200.
    const sent = (await deliveries(gw(), 'talo')).filter((d) => d.body.paymentId === payment.localId);
    expect(sent.map((d) => d.attempts.map((a) => a.status))).toEqual([[200]]);
  });

  it('Talo: a replayed notification of the same state is a duplicate, not a second event', async () => {
    const stream = await subscribe(gw());
    const payment = await createTaloPayment(gw());
    await call(gw().sandboxes.talo.url, 'POST', `_sandbox/payments/${payment.localId}/settle`);
    await nextEvent(stream, 'PAYMENT_UPDATED', (e) => e.type === 'PAYMENT_UPDATED' && e.payment?.id === payment.id);
    await drain(gw(), stream);

    const [delivery] = (await deliveries(gw(), 'talo')).filter((d) => d.body.paymentId === payment.localId);
    for (let i = 0; i < 2; i++) {
      const replay = await postTo(delivery!.url, { body: delivery!.body });
      expect(replay.status).toBe(200);
      expect(replay.body).toEqual({ received: true, outcome: 'duplicate' });
    }
    await drain(gw(), stream);
    expect(stream.events().filter((e) => e.type === 'PAYMENT_UPDATED' && e.payment?.id === payment.id)).toHaveLength(1);
  });

  it('Talo: each change is its own event, delivered in order (UNDERPAID, then SUCCESS)', async () => {
    const stream = await subscribe(gw());
    const payment = await createTaloPayment(gw(), '1500.00');
    expect((await call(gw().sandboxes.talo.url, 'POST', `_sandbox/payments/${payment.localId}/transfers`, { body: { amount: 1000 } })).status).toBe(201);
    await nextEvent(stream, 'UNDERPAID', (e) => e.payment?.id === payment.id && e.payment.status === 'UNDERPAID');
    expect((await call(gw().sandboxes.talo.url, 'POST', `_sandbox/payments/${payment.localId}/settle`)).status).toBe(201);
    await nextEvent(stream, 'SUCCESS', (e) => e.payment?.id === payment.id && e.payment.status === 'SUCCESS');
    await drain(gw(), stream);
    const mine = stream.events().filter((e) => e.payment?.id === payment.id);
    expect(mine.map((e) => [e.type, e.payment?.status, e.payment?.amountReceived?.amount])).toEqual([
      ['PAYMENT_CREATED', 'PENDING', '0.00'],
      ['PAYMENT_UPDATED', 'UNDERPAID', '1000.00'],
      ['PAYMENT_UPDATED', 'SUCCESS', '1500.00'],
    ]);
  });

  it("Talo: the gateway answering 503 once (the payment can't be read) → the sandbox retries and it is published exactly once", async () => {
    const stream = await subscribe(gw());
    const payment = await createTaloPayment(gw());
    // Enough failures to outlast the Talo client's own retries of a GET (2), so the webhook itself answers 503.
    const fault = await call(gw().sandboxes.talo.url, 'POST', '_sandbox/faults', {
      body: { route: 'GET /payments/:id', mode: 'status', status: 503, times: 3 },
    });
    expect(fault.status).toBeLessThan(300);
    await call(gw().sandboxes.talo.url, 'POST', `_sandbox/payments/${payment.localId}/settle`);

    await nextEvent(stream, 'PAYMENT_UPDATED after the retry', (e) => e.type === 'PAYMENT_UPDATED' && e.payment?.id === payment.id);
    await drain(gw(), stream);
    const sent = (await deliveries(gw(), 'talo')).filter((d) => d.body.paymentId === payment.localId);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.attempts.map((a) => a.status)).toEqual([503, 200]);
    expect(sent[0]!.state).toBe('delivered');
    const mine = stream.events().filter((e) => e.type === 'PAYMENT_UPDATED' && e.payment?.id === payment.id);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.payment?.status).toBe('SUCCESS');
  });

  it('TelePagos: a QR order paid in the sandbox → CASHIN_RECEIVED with the exact amount', async () => {
    const stream = await subscribe(gw());
    const qrOrderId = await createQrOrder(gw(), '1234.50');
    const paid = await call(gw().sandboxes.telepagos.url, 'POST', `_sandbox/qr-orders/${qrOrderId}/pay`);
    expect(paid.status).toBe(201);
    expect(paid.body.notification_id).not.toBeNull();
    const cashinId = globalId('Cashin', 'TELEPAGOS', paid.body.cashin_id);

    const event = await nextEvent(stream, 'CASHIN_RECEIVED', (e) => e.type === 'CASHIN_RECEIVED' && e.cashin?.id === cashinId);
    expect(event).toMatchObject({
      provider: 'TELEPAGOS',
      cashin: { id: cashinId, provider: 'TELEPAGOS', amount: { amount: '1234.50', currency: 'ARS' } },
      payment: null,
      cashout: null,
    });
    await drain(gw(), stream);
    expect(stream.events().filter((e) => e.cashin?.id === cashinId)).toHaveLength(1);
  });

  it('TelePagos: replaying the exact same signed notification → 200 duplicate, no second event', async () => {
    const stream = await subscribe(gw());
    const qrOrderId = await createQrOrder(gw(), '99.99');
    const paid = await call(gw().sandboxes.telepagos.url, 'POST', `_sandbox/qr-orders/${qrOrderId}/pay`);
    const cashinId = globalId('Cashin', 'TELEPAGOS', paid.body.cashin_id);
    await nextEvent(stream, 'CASHIN_RECEIVED', (e) => e.cashin?.id === cashinId);
    await drain(gw(), stream);

    const delivery = (await deliveries(gw(), 'telepagos')).find((d) => d.id === paid.body.notification_id)!;
    expect(delivery.headers['X-Signature'] ?? delivery.headers['x-signature']).toBeTruthy();
    const raw = JSON.stringify(delivery.body);
    const replay = await call(gw().url, 'POST', 'webhooks/telepagos', { raw, headers: delivery.headers });
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual({ received: true, outcome: 'duplicate' });
    await drain(gw(), stream);
    expect(stream.events().filter((e) => e.cashin?.id === cashinId)).toHaveLength(1);
  });

  it('TelePagos: a cash-out the bank rejects → CASHOUT_UPDATED for that cash-out', async () => {
    const stream = await subscribe(gw());
    const input = { referenceId: unique('co'), alias: 'pasarela.demo', cuit: '20123456786', amount: '10.00', concept: 'VAR', description: 'Prueba' };
    const created = await gw().query(CREATE_CASHOUT, { input });
    expect(created.body.data.createCashout.userErrors).toEqual([]);
    const cashoutId = created.body.data.createCashout.cashout.id as string;
    const rejected = await call(gw().sandboxes.telepagos.url, 'POST', `_sandbox/cashouts/${localOf(cashoutId)}/reject`);
    expect(rejected.status).toBe(200);

    const event = await nextEvent(stream, 'CASHOUT_UPDATED', (e) => e.type === 'CASHOUT_UPDATED' && e.cashout?.id === cashoutId);
    expect(event).toMatchObject({ provider: 'TELEPAGOS', cashout: { id: cashoutId, provider: 'TELEPAGOS' } });
    await drain(gw(), stream);
    expect(stream.events().filter((e) => e.cashout?.id === cashoutId)).toHaveLength(1);
  });

  it('Tupay: a new PENDING deposit publishes nothing; COMPLETED → CASHIN_RECEIVED', async () => {
    const stream = await subscribe(gw());
    const created = await call(gw().sandboxes.tupay.url, 'POST', '_sandbox/deposits', { body: { amount: '250.00', clientDocument: '44556677' } });
    expect(created.status).toBe(201);
    const depositId = String(created.body.idDeposit);
    const cashinId = globalId('Cashin', 'TUPAY', depositId);
    await drain(gw(), stream);
    const pending = (await deliveries(gw(), 'tupay')).filter((d) => String(d.body.deposit_id) === depositId);
    expect(pending.map((d) => d.attempts.map((a) => a.status))).toEqual([[200]]); // accepted, confirmed, ignored
    expect(stream.events().filter((e) => e.provider === 'TUPAY')).toEqual([]);

    const completed = await call(gw().sandboxes.tupay.url, 'POST', `_sandbox/deposits/${depositId}/status`, { body: { status: 'COMPLETED' } });
    expect(completed.status).toBe(200);
    const event = await nextEvent(stream, 'CASHIN_RECEIVED', (e) => e.type === 'CASHIN_RECEIVED' && e.cashin?.id === cashinId);
    expect(event).toMatchObject({ provider: 'TUPAY', cashin: { id: cashinId, provider: 'TUPAY', amount: { amount: expect.stringMatching(/^250(\.0+)?$/) } } });

    // Tupay may notify the same state again: still one event.
    expect((await call(gw().sandboxes.tupay.url, 'POST', `_sandbox/deposits/${depositId}/notify`)).status).toBe(202);
    await drain(gw(), stream);
    expect(stream.events().filter((e) => e.cashin?.id === cashinId)).toHaveLength(1);
    const all = (await deliveries(gw(), 'tupay')).filter((d) => String(d.body.deposit_id) === depositId);
    expect(all.every((d) => d.state === 'delivered')).toBe(true);
  });

  it('a provider filter: paymentEvents(provider: TELEPAGOS) sees TelePagos events and not Talo ones', async () => {
    const all = await subscribe(gw());
    const telepagosOnly = await subscribe(gw(), 'TELEPAGOS');
    const taloOnly = await subscribe(gw(), 'TALO');
    const payment = await createTaloPayment(gw());
    await call(gw().sandboxes.talo.url, 'POST', `_sandbox/payments/${payment.localId}/settle`);
    const qrOrderId = await createQrOrder(gw(), '10.00');
    const paid = await call(gw().sandboxes.telepagos.url, 'POST', `_sandbox/qr-orders/${qrOrderId}/pay`);
    const cashinId = globalId('Cashin', 'TELEPAGOS', paid.body.cashin_id);
    await nextEvent(all, 'the cash-in', (e) => e.cashin?.id === cashinId);
    await nextEvent(all, 'the payment update', (e) => e.type === 'PAYMENT_UPDATED' && e.payment?.id === payment.id);
    await drain(gw(), all, telepagosOnly, taloOnly);

    expect(telepagosOnly.events().length).toBeGreaterThan(0);
    expect(telepagosOnly.events().every((e) => e.provider === 'TELEPAGOS')).toBe(true);
    expect(telepagosOnly.events().some((e) => e.cashin?.id === cashinId)).toBe(true);
    expect(telepagosOnly.received.some((e) => e.provider === 'TALO')).toBe(false);

    expect(taloOnly.events().every((e) => e.provider === 'TALO')).toBe(true);
    expect(
      taloOnly
        .events()
        .filter((e) => e.payment?.id === payment.id)
        .map((e) => e.type),
    ).toEqual(['PAYMENT_CREATED', 'PAYMENT_UPDATED']);
    expect(all.events().filter((e) => e.payment?.id === payment.id || e.cashin?.id === cashinId)).toHaveLength(3);
  });
});

describe('the webhook endpoints refuse what they cannot trust, and publish nothing then', () => {
  const gw = useTestGateway({ publicUrlIsGateway: true, sandboxes: { now: new Date() }, env: { MAX_OPERATION_AMOUNT: '100000' } });
  // Here notifications are sent by hand: the sandboxes keep theirs to themselves.

  /** A TelePagos cash-in that exists but was never notified. */
  async function quietCashin(amount = '321.00'): Promise<number> {
    const qrOrderId = await createQrOrder(gw(), amount);
    const paid = await call(gw().sandboxes.telepagos.url, 'POST', `_sandbox/qr-orders/${qrOrderId}/pay`);
    expect(paid.body.notification_id).toBeNull();
    return paid.body.cashin_id;
  }
  const cashinNotice = (id: number, amount = '321.00') => ({
    event: 'cashin.credited',
    id,
    transaction_id: null,
    qr_order_id: null,
    link_id: null,
    reference_id: null,
    amount,
    status: 'Aprobada',
    date: '2026-01-15 09:00:00',
  });

  it('TelePagos: forged or missing X-Signature → 401 and nothing published; the genuine one then publishes', async () => {
    const stream = await subscribe(gw());
    const id = await quietCashin();
    const body = cashinNotice(id);
    const raw = JSON.stringify(body);

    const forged = await postTelepagos(gw(), body, telepagosSignature(raw, 'not-the-secret'));
    expect(forged.status).toBe(401);
    expect(forged.body).toEqual({ error: 'unauthenticated' });
    expect((await postTelepagos(gw(), body, null)).status).toBe(401);
    expect((await postTelepagos(gw(), body, 'zz')).status).toBe(401);
    // Signed for other bytes: the signature covers the exact body.
    const tampered = await call(gw().url, 'POST', 'webhooks/telepagos', {
      raw: JSON.stringify({ ...body, amount: '999999.00' }),
      headers: { 'x-signature': telepagosSignature(raw, SANDBOX_CREDENTIALS.telepagos.webhookSecret) },
    });
    expect(tampered.status).toBe(401);
    await drain(gw(), stream);
    expect(stream.events()).toEqual([]);

    const genuine = await postTelepagos(gw(), body);
    expect(genuine.status).toBe(200);
    expect(genuine.body).toEqual({ received: true, outcome: 'published' });
    await drain(gw(), stream);
    expect(stream.events().map((e) => [e.type, e.cashin?.id, e.cashin?.amount.amount])).toEqual([
      ['CASHIN_RECEIVED', globalId('Cashin', 'TELEPAGOS', id), '321.00'],
    ]);
  });

  it("TelePagos: the notification's amount is only a hint; the confirmed amount is what is published", async () => {
    const stream = await subscribe(gw());
    const id = await quietCashin('45.60');
    const lying = await postTelepagos(gw(), cashinNotice(id, '999999.00'));
    expect(lying.status).toBe(200);
    const event = await nextEvent(stream, 'the cash-in', (e) => e.cashin?.id === globalId('Cashin', 'TELEPAGOS', id));
    expect(event.cashin?.amount.amount).toBe('45.60');
  });

  it('Talo: a wrong token path → 401 and nothing published; the right path then publishes', async () => {
    const stream = await subscribe(gw());
    const payment = await createTaloPayment(gw());
    await nextEvent(stream, 'PAYMENT_CREATED', (e) => e.type === 'PAYMENT_CREATED' && e.payment?.id === payment.id);
    const good = taloUrl(gw());
    const token = good.split('/').at(-1)!;
    const wrong = [
      `${gw().url}/webhooks/talo/${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`,
      `${gw().url}/webhooks/talo/${token}x`,
      `${gw().url}/webhooks/talo/demo`,
    ];
    for (const url of wrong) {
      const refused = await postTalo(gw(), payment.localId, url);
      expect(refused.status, url).toBe(401);
    }
    expect((await postTalo(gw(), payment.localId, `${gw().url}/webhooks/talo`)).status).toBe(404);
    await drain(gw(), stream);
    expect(stream.events().filter((e) => e.type === 'PAYMENT_UPDATED')).toEqual([]);

    // A change Talo does not notify (the pending state itself was published at creation, as PAYMENT_CREATED).
    const stored = gw().sandboxes.talo.state.payments.get(payment.localId)!;
    const webhookUrl = stored.webhookUrl;
    stored.webhookUrl = undefined;
    expect((await call(gw().sandboxes.talo.url, 'POST', `_sandbox/payments/${payment.localId}/status`, { body: { status: 'UNDER_REVIEW' } })).status).toBe(200);
    stored.webhookUrl = webhookUrl;
    const accepted = await postTalo(gw(), payment.localId, good);
    expect(accepted.status).toBe(200);
    expect(accepted.body.outcome).toBe('published');
    await drain(gw(), stream);
    expect(
      stream
        .events()
        .filter((e) => e.type === 'PAYMENT_UPDATED')
        .map((e) => [e.payment?.id, e.payment?.status]),
    ).toEqual([[payment.id, 'UNDER_REVIEW']]);
  });

  it('Tupay: stale or future X-Date, wrong X-Login, wrong secret, missing Authorization → 401; the genuine one then publishes', async () => {
    const stream = await subscribe(gw());
    // A COMPLETED deposit that was never notified.
    const created = await call(gw().sandboxes.tupay.url, 'POST', '_sandbox/deposits', { body: { amount: '77.00' } });
    const depositId = created.body.idDeposit;
    expect((await call(gw().sandboxes.tupay.url, 'POST', `_sandbox/deposits/${depositId}/status`, { body: { status: 'COMPLETED' } })).status).toBe(200);
    const body = { deposit_id: depositId };

    const refusals = [
      await postTupay(gw(), body, { date: new Date(Date.now() - 10 * 60_000) }),
      await postTupay(gw(), body, { date: new Date(Date.now() + 10 * 60_000) }),
      await postTupay(gw(), body, { login: 'someone-else' }),
      await postTupay(gw(), body, { secret: 'not-the-secret' }),
      await postTupay(gw(), body, { authorization: null }),
      await postTupay(gw(), body, { authorization: 'TUPAY 00' }),
    ];
    expect(refusals.map((r) => r.status)).toEqual([401, 401, 401, 401, 401, 401]);
    await drain(gw(), stream);
    expect(stream.events()).toEqual([]);

    const genuine = await postTupay(gw(), body);
    expect(genuine.status).toBe(200);
    expect(genuine.body.outcome).toBe('published');
    // Signed again later (a new X-Date, so a new signature) but the same state: a duplicate.
    const again = await postTupay(gw(), body);
    expect(again.body).toEqual({ received: true, outcome: 'duplicate' });
    await drain(gw(), stream);
    expect(stream.events().map((e) => [e.type, e.cashin?.id])).toEqual([['CASHIN_RECEIVED', globalId('Cashin', 'TUPAY', depositId)]]);
  });

  it('oversized bodies → 413, malformed → 400, unknown resources → 422; nothing published', async () => {
    const stream = await subscribe(gw());
    const big = JSON.stringify({ event: 'cashin.credited', id: 1, pad: 'x'.repeat(WEBHOOK_BODY_LIMIT) });
    expect(big.length).toBeGreaterThan(64 * 1024);
    expect((await postTelepagos(gw(), undefined, 'valid', big)).status).toBe(413);
    expect((await postTo(taloUrl(gw()), { raw: big })).status).toBe(413);
    expect((await postTupay(gw(), undefined, { raw: big })).status).toBe(413);

    // Authentic (signed) but not JSON, or not the provider's shape.
    const notJson = await postTelepagos(gw(), undefined, 'valid', '{"event": "cashin.credited", ');
    expect(notJson.status).toBe(400);
    expect(notJson.body).toEqual({ error: 'malformed' });
    expect((await postTelepagos(gw(), { event: 'something.else', id: 1 })).status).toBe(400);
    expect((await postTelepagos(gw(), { event: 'cashin.credited', id: '../1' })).status).toBe(400);
    expect((await postTo(taloUrl(gw()), { raw: 'not json' })).status).toBe(400);
    expect((await postTo(taloUrl(gw()), { body: { message: 'Pago Actualizado' } })).status).toBe(400);
    expect((await postTupay(gw(), undefined, { raw: '[1,2' })).status).toBe(400);
    expect((await postTupay(gw(), { deposit_id: 'abc' })).status).toBe(400);

    // Authentic and well-formed, but the provider does not know it.
    const unknownCashin = await postTelepagos(gw(), cashinNotice(987654321));
    expect(unknownCashin.status).toBe(422);
    expect(unknownCashin.body).toEqual({ error: 'not_found' });
    expect((await postTalo(gw(), 'VAR-00000000-0000-0000-0000-000000000000')).status).toBe(422);
    expect((await postTupay(gw(), { deposit_id: 999999999999 })).status).toBe(422);

    await drain(gw(), stream);
    expect(stream.events()).toEqual([]);
  });

  it('a confirmation that fails → 503 (so the provider retries) and nothing published; the retry publishes once', async () => {
    const stream = await subscribe(gw());
    const id = await quietCashin('12.34');
    const fault = await call(gw().sandboxes.telepagos.url, 'POST', '_sandbox/faults', {
      body: { route: 'GET /v2/payment/cashin/:id', mode: 'status', status: 503, times: 3 },
    });
    expect(fault.status).toBeLessThan(300);
    const body = cashinNotice(id, '12.34');
    const first = await postTelepagos(gw(), body);
    expect(first.status).toBe(503);
    expect(first.body).toEqual({ error: 'unconfirmed' });
    await drain(gw(), stream);
    expect(stream.events()).toEqual([]);

    // Not remembered as seen: the retry is confirmed and published.
    const retry = await postTelepagos(gw(), body);
    expect(retry.status).toBe(200);
    expect(retry.body.outcome).toBe('published');
    const again = await postTelepagos(gw(), body);
    expect(again.body.outcome).toBe('duplicate');
    await drain(gw(), stream);
    expect(stream.events().map((e) => e.cashin?.id)).toEqual([globalId('Cashin', 'TELEPAGOS', id)]);
  });
});
