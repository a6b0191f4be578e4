/** Talo sandbox conformance: status transitions through the control surface, and the webhooks they send. */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { call } from '../helpers/http.js';
import { TALO_PAYMENT_STATUSES, taloAmountReceivedCents, taloWebhookBody, type TaloPaymentStatus } from '../../src/providers/talo/assumptions.js';
import type { RunningSandbox } from '../../src/sandbox/server.js';
import type { TaloState } from '../../src/sandbox/talo/index.js';
import { bearer, createPayment, issueToken, startFixture, startReceiver } from './talo-fixture.js';

describe('Talo sandbox: statuses and webhooks', () => {
  let sandbox: RunningSandbox<TaloState>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let token: string;
  /** Every status a payment of this suite has shown through GET /payments/:id. */
  const seen = new Set<TaloPaymentStatus>();
  let created = 0;

  beforeAll(async () => {
    receiver = await startReceiver();
    sandbox = await startFixture({ notifier: { baseDelayMs: 10, factor: 1 } });
    token = await issueToken(sandbox.url);
  });
  afterAll(async () => {
    await sandbox.close();
    await receiver.close();
  });
  beforeEach(() => {
    receiver.received.length = 0;
  });

  const control = (id: string, action: 'transfers' | 'settle' | 'status', body?: unknown) =>
    call(sandbox.url, 'POST', `/_sandbox/payments/${id}/${action}`, { body });
  const read = async (id: string) => {
    const payment = (await call(sandbox.url, 'GET', `/payments/${id}`, { headers: bearer(token) })).body.data;
    seen.add(payment.payment_status);
    return payment;
  };
  const newPayment = async (amount = 1000, webhook = true) => {
    const payment = await createPayment(sandbox.url, token, {
      price: { currency: 'ARS', amount },
      external_id: `EXT-${++created}`,
      ...(webhook ? { webhook_url: receiver.url } : {}),
    });
    seen.add(payment.payment_status);
    return payment;
  };
  const webhooksFor = async (count: number) => {
    await vi.waitFor(() => expect(receiver.received.length).toBeGreaterThanOrEqual(count), { timeout: 5_000, interval: 20 });
    return receiver.received;
  };

  it('derives UNDERPAID then SUCCESS from transfers; received = sum of transactions', async () => {
    const payment = await newPayment(1000.5);
    const partial = await control(payment.id, 'transfers', { amount: 600.25 });
    expect(partial.status).toBe(201);
    expect(partial.body.payment.payment_status).toBe('UNDERPAID');
    expect((await read(payment.id)).payment_status).toBe('UNDERPAID');

    const rest = await control(payment.id, 'transfers', { amount: '400.25' });
    expect(rest.body.payment.payment_status).toBe('SUCCESS');

    const final = await read(payment.id);
    expect(final.payment_status).toBe('SUCCESS');
    expect(final.transactions).toEqual([
      expect.objectContaining({ transaction_id: expect.any(String), amount: '600.25', date: expect.any(String) }),
      expect.objectContaining({ transaction_id: expect.any(String), amount: '400.25' }),
    ]);
    expect(final.transactions[0].transaction_id).not.toBe(final.transactions[1].transaction_id);
    expect(taloAmountReceivedCents(final.transactions)).toBe(100_050);
    expect(Date.parse(final.last_modified_timestamp)).toBeGreaterThan(Date.parse(payment.last_modified_timestamp));
  });

  it('derives OVERPAID when more than the price arrives', async () => {
    const payment = await newPayment(1000);
    expect((await control(payment.id, 'transfers', { amount: 1000.01 })).body.payment.payment_status).toBe('OVERPAID');
    expect((await read(payment.id)).payment_status).toBe('OVERPAID');
  });

  it('settles in one call, and refuses to settle or transfer again', async () => {
    const payment = await newPayment(2500);
    const settled = await control(payment.id, 'settle');
    expect(settled.status).toBe(201);
    expect(settled.body.payment).toMatchObject({ payment_status: 'SUCCESS', transactions: [expect.objectContaining({ amount: '2500' })] });
    expect((await control(payment.id, 'settle')).status).toBe(409);
    expect((await control(payment.id, 'transfers', { amount: 1 })).status).toBe(409);
  });

  it('settles only what is still owed on an UNDERPAID payment', async () => {
    const payment = await newPayment(1000);
    await control(payment.id, 'transfers', { amount: 300 });
    const settled = await control(payment.id, 'settle');
    expect(settled.body.payment.payment_status).toBe('SUCCESS');
    expect(settled.body.payment.transactions.map((t: { amount: string }) => t.amount)).toEqual(['300', '700']);
  });

  it.each(['REJECTED', 'CANCELLED', 'EXPIRED', 'UNDER_REVIEW'] as const)('forces %s from PENDING', async (status) => {
    const payment = await newPayment();
    const forced = await control(payment.id, 'status', { status });
    expect(forced.status).toBe(200);
    expect(forced.body.payment.payment_status).toBe(status);
    expect((await read(payment.id)).payment_status).toBe(status);
  });

  it('refuses to leave a final status, and to force a status already held', async () => {
    const payment = await newPayment();
    await control(payment.id, 'status', { status: 'CANCELLED' });
    for (const status of ['REJECTED', 'UNDER_REVIEW', 'CANCELLED']) {
      expect((await control(payment.id, 'status', { status })).status).toBe(409);
    }
    const review = await newPayment();
    await control(review.id, 'status', { status: 'UNDER_REVIEW' });
    expect((await control(review.id, 'status', { status: 'UNDER_REVIEW' })).status).toBe(409);
    // A payment under review may still receive the money.
    expect((await control(review.id, 'settle')).body.payment.payment_status).toBe('SUCCESS');
  });

  it('answers 400 for statuses that only transfers produce or that do not exist, and 404 for unknown payments', async () => {
    const payment = await newPayment();
    expect((await control(payment.id, 'status', { status: 'SUCCESS' })).status).toBe(400);
    expect((await control(payment.id, 'status', { status: 'PAID' })).status).toBe(400);
    expect((await control(payment.id, 'transfers', { amount: -1 })).status).toBe(400);
    expect((await control(payment.id, 'transfers', { amount: 'mucho' })).status).toBe(400);
    expect((await control('VAR-nope', 'settle')).status).toBe(404);
    expect((await read(payment.id)).payment_status).toBe('PENDING');
  });

  it('expires a PENDING payment once its expiration_timestamp has passed', async () => {
    // The sandbox clock starts at the fixture's `now`: read it from a fresh payment.
    const probe = await newPayment(1000, false);
    const soon = new Date(Date.parse(probe.creation_timestamp) + 500).toISOString();
    const payment = await createPayment(sandbox.url, token, { external_id: 'EXPIRING', expiration_timestamp: soon, webhook_url: receiver.url });
    await sleep(700);
    expect((await read(payment.id)).payment_status).toBe('EXPIRED');
    const [webhook] = await webhooksFor(1);
    expect(webhook?.body).toEqual(taloWebhookBody(payment.id, 'EXPIRING'));
  });

  it('has shown all eight statuses', () => {
    expect([...seen].sort()).toEqual([...TALO_PAYMENT_STATUSES].sort());
  });

  it('POSTs the exact unsigned "Pago Actualizado" body on each change', async () => {
    const payment = await newPayment(1000);
    await control(payment.id, 'transfers', { amount: 400 });
    await control(payment.id, 'transfers', { amount: 600 });
    const received = await webhooksFor(2);
    expect(received.map((r) => r.body)).toEqual([
      { message: 'Pago Actualizado', paymentId: payment.id, externalId: payment.external_id },
      { message: 'Pago Actualizado', paymentId: payment.id, externalId: payment.external_id },
    ]);
    expect(received[0]?.headers['content-type']).toBe('application/json');
    expect(Object.keys(received[0]?.headers ?? {}).filter((h) => /signature|hmac/i.test(h))).toEqual([]);
  });

  it('retries a delivery the receiver answered with 500', async () => {
    const payment = await newPayment();
    receiver.answerNext(500);
    await control(payment.id, 'status', { status: 'REJECTED' });
    const received = await webhooksFor(2);
    expect(received.map((r) => r.answered)).toEqual([500, 200]);
    expect(received[1]?.body).toEqual(received[0]?.body);

    const { deliveries } = (await call(sandbox.url, 'GET', '/_sandbox/webhooks')).body;
    const delivery = deliveries.find((d: { body: { paymentId: string } }) => d.body.paymentId === payment.id);
    expect(delivery).toMatchObject({ url: receiver.url, state: 'delivered', attempts: [{ status: 500 }, { status: 200 }] });
  });

  it('sends nothing for a payment without webhook_url', async () => {
    const payment = await newPayment(1000, false);
    expect((await control(payment.id, 'settle')).body.payment.payment_status).toBe('SUCCESS');
    const { deliveries } = (await call(sandbox.url, 'GET', '/_sandbox/webhooks')).body;
    expect(deliveries.filter((d: { body: { paymentId: string } }) => d.body.paymentId === payment.id)).toEqual([]);
    expect(deliveries.length).toBeGreaterThan(0);
  });

  it('lists payments by status and forgets created ones on reset', async () => {
    const payment = await newPayment();
    await control(payment.id, 'status', { status: 'UNDER_REVIEW' });
    const listed = (await call(sandbox.url, 'GET', '/_sandbox/payments', { query: { status: 'UNDER_REVIEW' } })).body.payments;
    expect(listed.map((p: { id: string }) => p.id)).toContain(payment.id);
    expect(listed.every((p: { payment_status: string }) => p.payment_status === 'UNDER_REVIEW')).toBe(true);
    expect((await call(sandbox.url, 'GET', '/_sandbox/payments', { query: { status: 'PAID' } })).status).toBe(400);

    expect((await call(sandbox.url, 'POST', '/_sandbox/reset')).status).toBe(204);
    expect((await call(sandbox.url, 'GET', `/_sandbox/payments/${payment.id}`)).status).toBe(404);
    expect((await call(sandbox.url, 'GET', '/_sandbox/payments')).body.payments).toHaveLength(5);
    token = await issueToken(sandbox.url);
  });
});
