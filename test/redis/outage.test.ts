/**
 * A Redis outage, survived: a replica on a private redis-server (its own port — the shared server is
 * never stopped). Killed mid-test → /readyz 503 with state.reachable false, createCashout refuses with
 * PROVIDER_UNAVAILABLE and sends nothing to TelePagos, reads that don't need Redis still answer, a read that
 * needs a new credential answers PROVIDER_UNAVAILABLE naming the provider and the cause (STATE_UNAVAILABLE).
 * Started again on the same port → the replica recovers by itself: ready, transfers, events.
 */
import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxes, type RunningSandboxes } from '../../src/sandbox/index.js';
import { redisState } from '../../src/state/index.js';
import { TEST_NOW } from '../helpers/gateway.js';
import { PrivateRedis, replicaConfig, startReplica, testPrefix, waitFor, type Replica } from '../helpers/redis.js';

const CREATE_CASHOUT = `mutation($input: CreateCashoutInput!) { createCashout(input: $input) { cashout { id provider } userErrors { field message code } } }`;
const BALANCE = `{ account(provider: TELEPAGOS) { balance { amount currency } } }`;
const TUPAY_BALANCE = `{ account(provider: TUPAY) { balance { amount currency } } }`;
const ACCOUNTS = `{ accounts { provider balance { amount currency } } }`;
const CREATE_PAYMENT = `mutation { createPayment(input: { price: { amount: "1500", currency: ARS }, externalId: "outage-order",
  redirectUrl: "https://shop.example/done" }) { payment { id } userErrors { field message code } } }`;

const prefix = testPrefix('outage');
let redis: PrivateRedis;
let sandboxes: RunningSandboxes;
let replica: Replica;
let seq = 0;

const cashout = (referenceId = `outage-${process.pid}-${++seq}`) => ({
  referenceId,
  alias: 'pasarela.demo',
  cuit: '20123456786',
  amount: '10.00',
  concept: 'VAR',
  description: 'Outage',
});

beforeAll(async () => {
  redis = await PrivateRedis.start();
  sandboxes = await startSandboxes({ now: TEST_NOW });
  replica = await startReplica('solo', { config: replicaConfig(sandboxes), state: redisState(redis.url, prefix) });
}, 30_000);

afterAll(async () => {
  await replica?.close();
  await sandboxes?.close();
  await redis?.stop(); // always: a private server must not outlive the test
});

describe('a Redis outage', () => {
  it('degrades clearly while Redis is down and recovers by itself when it returns', async () => {
    // Healthy: ready, and a transfer goes through (which also gives the replica a TelePagos token).
    const healthy = await replica.ready();
    expect(healthy.status).toBe(200);
    expect(healthy.body).toMatchObject({ status: 'ready', state: { kind: 'redis', reachable: true } });
    const first = await replica.query(CREATE_CASHOUT, { input: cashout() });
    expect(first.body.data.createCashout.userErrors).toEqual([]);
    expect(first.body.data.createCashout.cashout.provider).toBe('TELEPAGOS');

    // Redis goes away.
    await redis.stop();
    const down = await waitFor('readiness to fail', async () => {
      const answer = await replica.ready();
      return answer.status === 503 ? answer : undefined;
    });
    expect(down.body).toMatchObject({ status: 'unavailable', state: { kind: 'redis', reachable: false } });

    // A transfer is refused rather than risked without its idempotency record — and nothing is sent.
    sandboxes.telepagos.log.clear();
    const refusedInput = cashout();
    const refused = await replica.query(CREATE_CASHOUT, { input: refusedInput });
    expect(refused.status).toBe(200);
    expect(refused.body.errors).toBeUndefined();
    expect(refused.body.data.createCashout.cashout).toBeNull();
    expect(refused.body.data.createCashout.userErrors).toEqual([expect.objectContaining({ code: 'PROVIDER_UNAVAILABLE' })]);
    expect(sandboxes.telepagos.log.count('POST /v2/payment/cashout')).toBe(0);
    expect(sandboxes.telepagos.state.cashoutsByReference.has(refusedInput.referenceId)).toBe(false);

    // Reads that need no Redis still answer (the token this replica holds is still good).
    const read = await replica.query(BALANCE);
    expect(read.body.errors).toBeUndefined();
    expect(read.body.data.account.balance.currency).toBe('ARS');
    expect(sandboxes.telepagos.log.list().filter((r) => r.method === 'GET').length).toBeGreaterThan(0);

    // A provider this replica holds no credential for cannot be called (its session would have to be
    // obtained through Redis): the error names the provider and the cause, and nothing reaches it.
    sandboxes.tupay.log.clear();
    const noCredential = await replica.query(TUPAY_BALANCE);
    expect(noCredential.status).toBe(200);
    expect(noCredential.body.errors).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/^TUPAY cannot be called: .*shared state \(Redis\) is unavailable; nothing was sent/),
        extensions: expect.objectContaining({ code: 'PROVIDER_UNAVAILABLE', provider: 'TUPAY', reason: 'STATE_UNAVAILABLE' }),
      }),
    ]);
    // Next to the accounts that can be read, the same error at ["accounts"].
    const accounts = await replica.query(ACCOUNTS);
    expect(accounts.body.data.accounts.map((a: { provider: string }) => a.provider)).toContain('TELEPAGOS');
    expect(accounts.body.errors).toEqual([
      expect.objectContaining({
        path: ['accounts'],
        extensions: expect.objectContaining({ code: 'PROVIDER_UNAVAILABLE', provider: 'TUPAY', reason: 'STATE_UNAVAILABLE' }),
      }),
    ]);
    expect(sandboxes.tupay.log.count()).toBe(0);
    // A mutation that would need one answers it as a user error, nothing sent.
    sandboxes.talo.log.clear();
    const payment = await replica.query(CREATE_PAYMENT);
    expect(payment.body.errors).toBeUndefined();
    expect(payment.body.data.createPayment).toEqual({
      payment: null,
      userErrors: [
        { field: null, code: 'PROVIDER_UNAVAILABLE', message: expect.stringMatching(/^TALO cannot be called: .*\(Redis\) is unavailable; nothing was sent/) },
      ],
    });
    expect(sandboxes.talo.log.count()).toBe(0);

    // Redis returns on the same port (empty: no persistence): the replica reconnects by itself.
    await redis.start();
    const back = await waitFor(
      'readiness to return',
      async () => {
        const answer = await replica.ready();
        return answer.status === 200 ? answer : undefined;
      },
      15_000,
    );
    expect(back.body).toMatchObject({ status: 'ready', state: { kind: 'redis', reachable: true } });
    // The credential is obtained again through Redis: the same read answers.
    const tupay = await replica.query(TUPAY_BALANCE);
    expect(tupay.body.errors).toBeUndefined();
    expect(tupay.body.data.account.balance.currency).toBe('PEN');

    // The same transfer, retried, now goes through — once.
    const retried = await waitFor(
      'createCashout to work again',
      async () => {
        const answer = await replica.query(CREATE_CASHOUT, { input: refusedInput });
        return answer.body.data?.createCashout?.userErrors?.length === 0 ? answer : undefined;
      },
      10_000,
      200,
    );
    expect(retried.body.data.createCashout.cashout.provider).toBe('TELEPAGOS');
    expect(sandboxes.telepagos.state.cashoutsByReference.has(refusedInput.referenceId)).toBe(true);
    expect(sandboxes.telepagos.log.count('POST /v2/payment/cashout')).toBe(1);

    // The event bus resubscribed: an event published now reaches this replica's subscribers.
    const events = replica.gateway.events.subscribe({});
    let arrived: { id: string } | undefined;
    void events.next().then((next) => (arrived = next.done ? undefined : next.value));
    await waitFor('an event after the outage', async () => {
      await replica.gateway.events
        .publish({ id: `after-outage-${++seq}`, provider: 'TELEPAGOS', type: 'PAYMENT_UPDATED', occurredAt: new Date().toISOString() })
        .catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 100));
      return arrived;
    });
    expect(arrived!.id).toMatch(/^after-outage-/);
    await events.return?.();
  }, 45_000);
});
