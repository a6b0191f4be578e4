import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { call } from '../helpers/http.js';
import { NOTIFICATION_EVENTS } from '../../src/providers/telepagos/assumptions.js';
import { SANDBOX_CREDENTIALS } from '../../src/sandbox/credentials.js';
import { FIXTURE_ACCOUNTS } from '../../src/sandbox/telepagos/index.js';
import { api, errorMessage, issueToken, startTestSandbox, type Api } from './telepagos-helpers.js';

type Sandbox = Awaited<ReturnType<typeof startTestSandbox>>;
let sandbox: Sandbox;
let client: Api;
const BALANCE_ROUTE = 'GET /v2/account/balance';

const addFault = (spec: Record<string, unknown>) => call(sandbox.url, 'POST', '/_sandbox/faults', { body: spec });

beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(() => sandbox.close());
beforeEach(async () => {
  sandbox.reset();
  client = api(sandbox.url, await issueToken(sandbox.url));
});

describe('fault injection on TelePagos routes', () => {
  it('latency: answers normally after the delay', async () => {
    expect((await addFault({ route: BALANCE_ROUTE, mode: 'latency', latencyMs: 50 })).status).toBe(201);
    const response = await client.get('/v2/account/balance');
    expect(response.body).toEqual({ status: 'ok', amount: expect.any(Number) });
    expect((await call(sandbox.url, 'GET', '/_sandbox/faults')).body.faults[0].hits).toBe(1);
  });

  it('status: HTTP 503 with the TelePagos error body', async () => {
    await addFault({ route: BALANCE_ROUTE, mode: 'status', status: 503 });
    const response = await client.get('/v2/account/balance');
    expect(response.status).toBe(503);
    expect(errorMessage(response)).toMatch(/unavailable/i);
  });

  it('error-body: HTTP 200 with status "error", as TelePagos does', async () => {
    await addFault({ route: 'POST /v2/payment/cashout', mode: 'error-body', message: 'Service error' });
    const response = await client.post('/v2/payment/cashout', {});
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'error', message: 'Service error' });
  });

  it('hang: never answers, so the client must time out', async () => {
    await addFault({ route: BALANCE_ROUTE, mode: 'hang', times: 1 });
    const outcome = await Promise.race([
      client.get('/v2/account/balance').then(
        () => 'answered',
        () => 'failed',
      ),
      sleep(300).then(() => 'timed out'),
    ]);
    expect(outcome).toBe('timed out');
    expect((await client.get('/v2/account/balance')).status).toBe(200);
  });

  it('reset: the connection drops without an answer', async () => {
    await addFault({ route: BALANCE_ROUTE, mode: 'reset', times: 1 });
    await expect(client.get('/v2/account/balance')).rejects.toThrow();
    expect((await client.get('/v2/account/balance')).status).toBe(200);
  });

  it('rate-limit: 429 with Retry-After', async () => {
    await addFault({ route: BALANCE_ROUTE, mode: 'rate-limit', retryAfterSeconds: 7 });
    const response = await client.get('/v2/account/balance');
    expect(response.status).toBe(429);
    expect(response.headers['retry-after']).toBe('7');
    expect(response.body.status).toBe('error');
  });

  it('times: applies to the next N requests only, on the parametrised route key', async () => {
    await addFault({ route: 'GET /v2/payment/cashout/:id', mode: 'status', status: 500, times: 2 });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await client.get('/v2/payment/cashout/100001')).status);
    expect(statuses).toEqual([500, 500, 200]);
    expect((await call(sandbox.url, 'GET', '/_sandbox/faults')).body.faults).toEqual([]);
  });
});

interface Received {
  headers: IncomingMessage['headers'];
  raw: string;
}

/** A merchant endpoint on loopback: answers each delivery with the next status of `statuses` (then 200). */
async function startReceiver(statuses: number[] = []) {
  const received: Received[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const server: Server = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk) => (raw += chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, raw });
      response.writeHead(statuses.shift() ?? 200).end();
      for (const waiter of waiters) if (received.length >= waiter.count) waiter.resolve();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/telepagos`,
    received,
    until: (count: number) => new Promise<void>((resolve) => (received.length >= count ? resolve() : waiters.push({ count, resolve }))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('notifications', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
  afterEach(async () => {
    await receiver?.close();
    receiver = undefined;
  });

  const sign = (raw: string) => createHmac('sha256', SANDBOX_CREDENTIALS.telepagos.webhookSecret).update(raw).digest('hex');

  async function payNewQrOrder(): Promise<{ orderId: number; cashInId: number }> {
    const generated = await client.post('/v2/payment/cashin/qr/generate', { amount: '321.00', concept: 'VAR', description: 'Webhook' });
    const paid = await call(sandbox.url, 'POST', `/_sandbox/qr-orders/${generated.body.qr_order_id}/pay`);
    return { orderId: generated.body.qr_order_id, cashInId: paid.body.cashin_id };
  }

  it('POSTs a signed cashin.credited when a QR order is paid', async () => {
    receiver = await startReceiver();
    expect((await call(sandbox.url, 'PUT', '/_sandbox/webhook', { body: { url: receiver.url } })).body).toEqual({ url: receiver.url });
    const { orderId, cashInId } = await payNewQrOrder();
    await receiver.until(1);
    const [delivery] = receiver.received;
    expect(delivery!.headers['x-signature']).toBe(sign(delivery!.raw));
    const body = JSON.parse(delivery!.raw);
    expect(body).toEqual({
      event: NOTIFICATION_EVENTS.cashinCredited,
      id: cashInId,
      transaction_id: expect.any(Number),
      qr_order_id: orderId,
      link_id: null,
      reference_id: null,
      amount: '321.00',
      status: 'Aprobada',
      date: expect.stringMatching(/^2025-06-15 /),
    });
    // What the notification says is what the API confirms.
    const confirmed = await client.get(`/v2/payment/cashin/${body.id}`);
    expect(confirmed.body).toMatchObject({ amount: '321.00', qr_order_id: orderId, transaction_id: body.transaction_id });
  });

  it('retries after a 500 until the receiver accepts', async () => {
    receiver = await startReceiver([500]);
    await call(sandbox.url, 'PUT', '/_sandbox/webhooks/config', { body: { baseDelayMs: 10 } });
    await call(sandbox.url, 'PUT', '/_sandbox/webhook', { body: { url: receiver.url } });
    await payNewQrOrder();
    await receiver.until(2);
    const [first, second] = receiver.received;
    expect(second!.raw).toBe(first!.raw);
    expect(second!.headers['x-signature']).toBe(sign(second!.raw));
    const { deliveries } = (await call(sandbox.url, 'GET', '/_sandbox/webhooks')).body;
    expect(deliveries[0].attempts.map((a: { status: number }) => a.status)).toEqual([500, 200]);
    expect(deliveries[0].state).toBe('delivered');
  });

  it('sends cashout.updated when a transfer is rejected, and uses the webhookUrl/webhookSecret options', async () => {
    receiver = await startReceiver();
    const other = await startTestSandbox({ webhookUrl: receiver.url, webhookSecret: 'other-secret' });
    try {
      const otherClient = api(other.url, await issueToken(other.url));
      const { demo } = FIXTURE_ACCOUNTS;
      const created = await otherClient.post('/v2/payment/cashout', {
        alias: demo.alias,
        cuit: demo.cuit,
        amount: 50,
        reference_id: 'wh-1',
        concept: 'VAR',
        description: 'x',
      });
      await call(other.url, 'POST', `/_sandbox/cashouts/${created.body.id}/reject`);
      await receiver.until(1);
      const [delivery] = receiver.received;
      expect(delivery!.headers['x-signature']).toBe(createHmac('sha256', 'other-secret').update(delivery!.raw).digest('hex'));
      expect(JSON.parse(delivery!.raw)).toMatchObject({
        event: NOTIFICATION_EVENTS.cashoutUpdated,
        id: created.body.id,
        reference_id: 'wh-1',
        amount: '50.00',
        status: 'Rechazada',
      });
    } finally {
      await other.close();
    }
  });

  it('sends nothing without a URL, and refuses a URL that is not http(s)', async () => {
    await payNewQrOrder();
    expect((await call(sandbox.url, 'GET', '/_sandbox/webhooks')).body.deliveries).toEqual([]);
    expect((await call(sandbox.url, 'PUT', '/_sandbox/webhook', { body: { url: 'ftp://x' } })).status).toBe(422);
  });
});
