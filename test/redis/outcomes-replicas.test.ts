/**
 * Issue 27 on two gateway replicas sharing one Redis (the shared server, under this run's own prefix,
 * deleted afterwards) and the same sandboxes, over real HTTP: an unknown outcome recorded by one
 * replica is found out by a retry on the other (never a second transfer, never a refusal), concurrent
 * retries on both make one provider call, CASHOUT_UPDATED is published once, and idempotencyKeys hold
 * across replicas, per app.
 */
import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ClientRegistry } from '../../src/auth/clients.js';
import type { PaymentEventValue } from '../../src/events/bus.js';
import { cashoutKey } from '../../src/modules/cashouts/cashout.send.js';
import { startSandboxes, type RunningSandboxes } from '../../src/sandbox/index.js';
import { redisState } from '../../src/state/index.js';
import { call } from '../helpers/http.js';
import { deletePrefix, keysUnder, replicaConfig, startReplica, TEST_REDIS_URL, testPrefix, waitFor, type Replica } from '../helpers/redis.js';

const APP_KEY = 'outcomes-replicas-app-key-0123456789';
const OTHER_KEY = 'outcomes-replicas-other-key-0123456789';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const clients = ClientRegistry.fromJson([
  { name: 'app', keySha256: sha256(APP_KEY), scopes: ['read', 'cashin', 'cashout'] },
  { name: 'other', keySha256: sha256(OTHER_KEY), scopes: ['read', 'cashin', 'cashout'] },
]);
const APP = { authorization: `Bearer ${APP_KEY}` };
const OTHER = { authorization: `Bearer ${OTHER_KEY}` };

const CREATE_CASHOUT = `mutation($input: CreateCashoutInput!) {
  createCashout(input: $input) { cashout { id status referenceId } userErrors { field message code } }
}`;
const CREATE_PAYMENT = `mutation($input: CreatePaymentInput!) { createPayment(input: $input) { payment { id } userErrors { field message code } } }`;
const CASHOUT_ROUTE = 'POST /v2/payment/cashout';
const PAYMENT_ROUTE = 'POST /payments/';

const prefix = testPrefix('outcomes');
let sandboxes: RunningSandboxes;
let a: Replica;
let b: Replica;
const seen: PaymentEventValue[] = [];
let stopListening: (() => void) | undefined;

beforeAll(async () => {
  // Today's clock in the TelePagos sandbox: the listing is searched by the first attempt's time.
  sandboxes = await startSandboxes({ now: new Date() });
  const config = replicaConfig(sandboxes, { MAX_OPERATION_AMOUNT: '100000', BREAKER_MIN_CALLS: '100000', PUBLIC_URL: 'https://pasarela.example.com' });
  a = await startReplica('A', { config, state: redisState(TEST_REDIS_URL, prefix), clients });
  b = await startReplica('B', { config, state: redisState(TEST_REDIS_URL, prefix), clients });
  for (const replica of [a, b]) expect((await replica.ready()).body.state).toEqual({ kind: 'redis', reachable: true });
  // Every event either replica publishes, as one subscriber (on A) sees them through Redis.
  const subscription = a.gateway.events.subscribe({});
  stopListening = () => void subscription.return?.();
  void (async () => {
    for await (const event of subscription) seen.push(event);
  })();
  // The subscription is live once a warm-up event published on B arrives.
  await waitFor('the bus to be live', async () => {
    await b.gateway.events.publish({ id: `warm-${prefix}`, provider: 'TELEPAGOS', type: 'CASHIN_RECEIVED', occurredAt: new Date().toISOString() });
    return seen.some((e) => e.id === `warm-${prefix}`);
  });
}, 30_000);

afterAll(async () => {
  stopListening?.();
  await a?.close();
  await b?.close();
  await sandboxes?.close();
  await deletePrefix(prefix);
  expect(await keysUnder(prefix)).toEqual([]);
});

beforeEach(async () => {
  for (const sandbox of [sandboxes.telepagos, sandboxes.talo]) {
    sandbox.log.clear();
    sandbox.faults.clear();
  }
  await call(sandboxes.telepagos.url, 'PUT', '_sandbox/cashout-replays', { body: { answer: 'result' } });
});

let seq = 0;
const unique = (label: string) => `or-${label}-${process.pid}-${++seq}`;
const transfer = (referenceId: string, amount: string) => ({
  referenceId,
  cbu: '0000071000000000543213',
  cuit: '20123456786',
  amount,
  concept: 'VAR',
  description: 'Replicas',
});
const transfersWith = (referenceId: string) => [...sandboxes.telepagos.state.cashouts.values()].filter((c) => c.referenceId === referenceId);

/** Both replicas' events up to a sentinel each publishes now: what they published before it has arrived. */
async function settledEvents(): Promise<PaymentEventValue[]> {
  const ids = [`sentinel-a-${++seq}`, `sentinel-b-${seq}`];
  await a.gateway.events.publish({ id: ids[0]!, provider: 'TELEPAGOS', type: 'CASHIN_RECEIVED', occurredAt: new Date().toISOString() });
  await b.gateway.events.publish({ id: ids[1]!, provider: 'TELEPAGOS', type: 'CASHIN_RECEIVED', occurredAt: new Date().toISOString() });
  await waitFor('both sentinels', () => ids.every((id) => seen.some((e) => e.id === id)));
  return [...seen];
}

describe('cash-out outcomes across replicas', () => {
  it('a lost answer on A is OUTCOME_UNKNOWN; the retry on B answers CREATED with the transfer made once', async () => {
    const input = transfer(unique('lost'), '41.01');
    sandboxes.telepagos.faults.add({ route: CASHOUT_ROUTE, mode: 'lose-answer', times: 3 });
    const lost = await a.query(CREATE_CASHOUT, { input }, APP);
    expect(lost.body.data.createCashout.userErrors).toEqual([expect.objectContaining({ code: 'OUTCOME_UNKNOWN' })]);
    expect(await b.state.idempotency.get(cashoutKey(input.referenceId))).toMatchObject({
      state: 'pending',
      unknown: { subject: { referenceId: input.referenceId } },
    });

    const retried = await b.query(CREATE_CASHOUT, { input }, APP);
    const made = transfersWith(input.referenceId);
    expect(made).toHaveLength(1);
    expect(retried.body.data.createCashout).toEqual({
      cashout: { id: Buffer.from(`Cashout:TELEPAGOS:${made[0]!.id}`).toString('base64url'), status: 'CREATED', referenceId: input.referenceId },
      userErrors: [],
    });
    expect((await a.query(CREATE_CASHOUT, { input }, APP)).body.data.createCashout).toEqual(retried.body.data.createCashout);
  });

  it('lost answer + 409 on the replay: 12 concurrent retries on both replicas all answer the one transfer found in the transactions; CASHOUT_UPDATED once', async () => {
    const input = transfer(unique('race'), '41.02');
    await call(sandboxes.telepagos.url, 'PUT', '_sandbox/cashout-replays', { body: { answer: 'conflict' } });
    sandboxes.telepagos.faults.add({ route: CASHOUT_ROUTE, mode: 'lose-answer', times: 1 });
    const lost = await a.query(CREATE_CASHOUT, { input }, APP);
    expect(lost.body.data.createCashout.userErrors).toEqual([expect.objectContaining({ code: 'OUTCOME_UNKNOWN' })]);
    sandboxes.telepagos.log.clear();

    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).query(CREATE_CASHOUT, { input }, APP)));
    for (const { body } of results) {
      expect(body.data.createCashout.userErrors).toEqual([]);
      expect(body.data.createCashout.cashout).toMatchObject({ status: 'CREATED', referenceId: input.referenceId });
    }
    expect(new Set(results.map((r) => r.body.data.createCashout.cashout.id)).size).toBe(1);
    // One replica found it out (one replay); the others waited and replayed the kept outcome.
    expect(sandboxes.telepagos.log.count(CASHOUT_ROUTE)).toBe(1);
    expect(transfersWith(input.referenceId)).toHaveLength(1);
    const events = await settledEvents();
    expect(events.filter((e) => e.type === 'CASHOUT_UPDATED' && (e.cashout as { referenceId?: string }).referenceId === input.referenceId)).toHaveLength(1);
  });
});

describe('idempotencyKey across replicas', () => {
  const order = (externalId: string, idempotencyKey: string) => ({
    price: { amount: '1500.00', currency: 'ARS' },
    externalId,
    redirectUrl: 'https://shop.example/thanks',
    idempotencyKey,
  });
  const paymentsWith = (externalId: string) => [...sandboxes.talo.state.payments.values()].filter((p) => p.externalId === externalId);

  it('10 concurrent createPayment with one key on both replicas → one Talo call and one payment; another app with the same key gets its own', async () => {
    const externalId = unique('pay');
    const key = unique('key');
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).query(CREATE_PAYMENT, { input: order(externalId, key) }, APP)));
    for (const { body } of results) expect(body.data.createPayment.userErrors).toEqual([]);
    expect(new Set(results.map((r) => r.body.data.createPayment.payment.id)).size).toBe(1);
    expect(sandboxes.talo.log.count(PAYMENT_ROUTE)).toBe(1);
    const theirs = await b.query(CREATE_PAYMENT, { input: order(externalId, key) }, OTHER);
    expect(theirs.body.data.createPayment.userErrors).toEqual([]);
    expect(paymentsWith(externalId)).toHaveLength(2);
  });

  it('a lost createPayment answer on A under a key: the retry on B is OUTCOME_UNKNOWN and Talo holds exactly one payment', async () => {
    const externalId = unique('lost-pay');
    const key = unique('key');
    sandboxes.talo.faults.add({ route: PAYMENT_ROUTE, mode: 'lose-answer', times: 1 });
    const lost = await a.query(CREATE_PAYMENT, { input: order(externalId, key) }, APP);
    expect(lost.body.data.createPayment.userErrors).toEqual([expect.objectContaining({ code: 'OUTCOME_UNKNOWN' })]);
    const retried = await b.query(CREATE_PAYMENT, { input: order(externalId, key) }, APP);
    expect(retried.body.data.createPayment.userErrors).toEqual([expect.objectContaining({ code: 'OUTCOME_UNKNOWN', field: ['input', 'idempotencyKey'] })]);
    expect(paymentsWith(externalId)).toHaveLength(1);
  });
});
