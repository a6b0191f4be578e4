/**
 * Issue 27: every creating mutation takes an optional idempotencyKey, with createCashout's semantics and
 * store, scoped per client app. Over HTTP against the Talo and TelePagos sandboxes, which apply a
 * creation and lose its answer: without a key the error says a retry may create a second object (true:
 * Talo does not de-duplicate); with a key a retry never creates a second one, the same key and data
 * replay the first answer without a provider call, other data is IDEMPOTENCY_KEY_REUSED, concurrent
 * duplicates make one call, and two apps' keys are independent.
 */
import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { ClientRegistry } from '../../src/auth/clients.js';
import { useTestGateway, type TestGateway } from '../helpers/gateway.js';

const sha256 = (key: string) => createHash('sha256').update(key).digest('hex');
const SHOP_KEY = 'pk_test_shop_keys_0123456789';
const OTHER_KEY = 'pk_test_other_keys_0123456789';
const clients = ClientRegistry.fromJson([
  { name: 'shop', keySha256: sha256(SHOP_KEY), scopes: ['read', 'cashin', 'cashout'] },
  { name: 'other', keySha256: sha256(OTHER_KEY), scopes: ['read', 'cashin', 'cashout'] },
]);
const SHOP = { authorization: `Bearer ${SHOP_KEY}` };
const OTHER = { authorization: `Bearer ${OTHER_KEY}` };

const CREATE_PAYMENT = `mutation($input: CreatePaymentInput!) {
  createPayment(input: $input) { payment { id externalId } userErrors { field message code } }
}`;
const QR_CHARGE = `mutation($input: CreateQrChargeInput!) { createQrCharge(input: $input) { qrOrderId qrCode userErrors { field message code } } }`;
const SALE_POINT = `mutation($input: CreateSalePointInput!) { createSalePoint(input: $input) { salePoint { id name } userErrors { field message code } } }`;
const PAYMENT_ROUTE = 'POST /payments/';
const QR_ROUTE = 'POST /v2/payment/cashin/qr/generate';

let seq = 0;
const unique = (label: string) => `ik-${label}-${process.pid}-${++seq}`;
const order = (externalId: string, overrides: Record<string, unknown> = {}) => ({
  price: { amount: '1200.00', currency: 'ARS' },
  externalId,
  redirectUrl: 'https://shop.example/thanks',
  ...overrides,
});

/** The Talo sandbox's payments with this external id (a second creation would be a second record). */
const paymentsWith = (gw: TestGateway, externalId: string) => [...gw.sandboxes.talo.state.payments.values()].filter((p) => p.externalId === externalId);

describe('idempotencyKey on creating mutations', () => {
  const gw = useTestGateway({ clients, env: { PUBLIC_URL: 'https://pasarela.example.com', BREAKER_MIN_CALLS: '100000' } });
  beforeEach(() => gw().clearLogs());

  it('createPayment without a key, answer lost: PROVIDER_UNAVAILABLE saying to check before retrying — and a retry does create a second payment', async () => {
    const externalId = unique('nokey');
    gw().sandboxes.talo.faults.add({ route: PAYMENT_ROUTE, mode: 'lose-answer', times: 1 });
    const lost = await gw().query(CREATE_PAYMENT, { input: order(externalId) }, SHOP);
    expect(lost.body.data.createPayment.payment).toBeNull();
    expect(lost.body.data.createPayment.userErrors).toEqual([
      expect.objectContaining({ code: 'PROVIDER_UNAVAILABLE', message: expect.stringMatching(/check before retrying, as a retry may create a second one/) }),
    ]);
    expect(paymentsWith(gw(), externalId)).toHaveLength(1);
    // The advice was true: the retry makes a second payment.
    const retried = await gw().query(CREATE_PAYMENT, { input: order(externalId) }, SHOP);
    expect(retried.body.data.createPayment.userErrors).toEqual([]);
    expect(paymentsWith(gw(), externalId)).toHaveLength(2);
  });

  it('createPayment with a key, answer lost: OUTCOME_UNKNOWN; retries answer OUTCOME_UNKNOWN without calling Talo; Talo holds exactly one payment', async () => {
    const externalId = unique('lost');
    const idempotencyKey = unique('key');
    gw().sandboxes.talo.faults.add({ route: PAYMENT_ROUTE, mode: 'lose-answer', times: 1 });
    const lost = await gw().query(CREATE_PAYMENT, { input: order(externalId, { idempotencyKey }) }, SHOP);
    expect(lost.body.data.createPayment).toEqual({
      payment: null,
      userErrors: [{ field: ['input', 'idempotencyKey'], code: 'OUTCOME_UNKNOWN', message: expect.stringMatching(/same idempotencyKey and data is safe/) }],
    });
    gw().clearLogs();
    for (let i = 0; i < 2; i++) {
      const retried = await gw().query(CREATE_PAYMENT, { input: order(externalId, { idempotencyKey }) }, SHOP);
      expect(retried.body.data.createPayment.userErrors).toEqual([expect.objectContaining({ code: 'OUTCOME_UNKNOWN' })]);
    }
    expect(gw().sandboxes.talo.log.count(PAYMENT_ROUTE)).toBe(0);
    expect(paymentsWith(gw(), externalId)).toHaveLength(1);
  });

  it('createPayment with a key: the same key and data replay the payment without a call; other data is IDEMPOTENCY_KEY_REUSED; another app with the same key is independent', async () => {
    const idempotencyKey = unique('key');
    const externalId = unique('replay');
    const first = await gw().query(CREATE_PAYMENT, { input: order(externalId, { idempotencyKey }) }, SHOP);
    expect(first.body.data.createPayment.userErrors).toEqual([]);
    gw().clearLogs();
    const replay = await gw().query(CREATE_PAYMENT, { input: order(externalId, { idempotencyKey }) }, SHOP);
    expect(replay.body.data.createPayment).toEqual(first.body.data.createPayment);
    expect(gw().sandboxes.talo.log.count(PAYMENT_ROUTE)).toBe(0);

    const other = await gw().query(CREATE_PAYMENT, { input: order(externalId, { idempotencyKey, price: { amount: '1300.00', currency: 'ARS' } }) }, SHOP);
    expect(other.body.data.createPayment).toEqual({
      payment: null,
      userErrors: [expect.objectContaining({ field: ['input', 'idempotencyKey'], code: 'IDEMPOTENCY_KEY_REUSED' })],
    });
    expect(gw().sandboxes.talo.log.count(PAYMENT_ROUTE)).toBe(0);

    // Another app, the same key and data: its own payment.
    const theirs = await gw().query(CREATE_PAYMENT, { input: order(externalId, { idempotencyKey }) }, OTHER);
    expect(theirs.body.data.createPayment.userErrors).toEqual([]);
    expect(theirs.body.data.createPayment.payment.id).not.toBe(first.body.data.createPayment.payment.id);
    expect(paymentsWith(gw(), externalId)).toHaveLength(2);
  });

  it('10 concurrent createPayment with one key → one Talo call, one payment, the same answer for all', async () => {
    const idempotencyKey = unique('key');
    const externalId = unique('parallel');
    const results = await Promise.all(Array.from({ length: 10 }, () => gw().query(CREATE_PAYMENT, { input: order(externalId, { idempotencyKey }) }, SHOP)));
    for (const { body } of results) expect(body.data.createPayment.userErrors).toEqual([]);
    expect(new Set(results.map((r) => r.body.data.createPayment.payment.id)).size).toBe(1);
    expect(gw().sandboxes.talo.log.count(PAYMENT_ROUTE)).toBe(1);
    expect(paymentsWith(gw(), externalId)).toHaveLength(1);
  });

  it('a malformed idempotencyKey (spaces, over 64 characters) is INVALID_INPUT, nothing sent', async () => {
    const bad = await gw().query(CREATE_PAYMENT, { input: order(unique('bad'), { idempotencyKey: 'has spaces' }) }, SHOP);
    expect(bad.body.data.createPayment.userErrors).toEqual([expect.objectContaining({ field: ['input', 'idempotencyKey'], code: 'INVALID_INPUT' })]);
    const long = await gw().query(CREATE_PAYMENT, { input: order(unique('bad'), { idempotencyKey: 'k'.repeat(65) }) }, SHOP);
    expect(long.body.data.createPayment.userErrors).toEqual([expect.objectContaining({ field: ['input', 'idempotencyKey'], code: 'INVALID_INPUT' })]);
    expect(gw().sandboxes.talo.log.count(PAYMENT_ROUTE)).toBe(0);
  });

  it('createQrCharge with a key: a lost answer is OUTCOME_UNKNOWN and a retry makes no second QR; a fresh key replays', async () => {
    const idempotencyKey = unique('qr');
    const input = { amount: '77.00', concept: 'VAR', description: 'QR', idempotencyKey };
    const before = gw().sandboxes.telepagos.state.qrOrders.size;
    gw().sandboxes.telepagos.faults.add({ route: QR_ROUTE, mode: 'lose-answer', times: 1 });
    const lost = await gw().query(QR_CHARGE, { input }, SHOP);
    expect(lost.body.data.createQrCharge.userErrors).toEqual([expect.objectContaining({ code: 'OUTCOME_UNKNOWN' })]);
    const retried = await gw().query(QR_CHARGE, { input }, SHOP);
    expect(retried.body.data.createQrCharge.userErrors).toEqual([expect.objectContaining({ code: 'OUTCOME_UNKNOWN' })]);
    expect(gw().sandboxes.telepagos.state.qrOrders.size).toBe(before + 1);

    const fresh = { ...input, idempotencyKey: unique('qr') };
    const made = await gw().query(QR_CHARGE, { input: fresh }, SHOP);
    expect(made.body.data.createQrCharge.userErrors).toEqual([]);
    const again = await gw().query(QR_CHARGE, { input: fresh }, SHOP);
    expect(again.body.data.createQrCharge).toEqual(made.body.data.createQrCharge);
    expect(gw().sandboxes.telepagos.state.qrOrders.size).toBe(before + 2);
  });

  it('createSalePoint with a key replays the sale point; without a key the behaviour is unchanged', async () => {
    const idempotencyKey = unique('sp');
    const name = `Caja ${seq}`;
    const first = await gw().query(SALE_POINT, { input: { name, idempotencyKey } }, SHOP);
    expect(first.body.data.createSalePoint.userErrors).toEqual([]);
    const replay = await gw().query(SALE_POINT, { input: { name, idempotencyKey } }, SHOP);
    expect(replay.body.data.createSalePoint).toEqual(first.body.data.createSalePoint);
    // TelePagos refuses a second sale point of the same name: the key's replay is not a refusal.
    const unkeyed = await gw().query(SALE_POINT, { input: { name: `${name} bis` } }, SHOP);
    expect(unkeyed.body.data.createSalePoint.userErrors).toEqual([]);
    expect(unkeyed.body.data.createSalePoint.salePoint.id).not.toBe(first.body.data.createSalePoint.salePoint.id);
  });
});
