/**
 * A Redis that stops answering without going away (SIGSTOP: its port still takes connections and
 * commands). A replica on a private redis-server, frozen for the whole check: every request that touches
 * Redis must answer from the command deadline (REDIS_COMMAND_TIMEOUT_MS) as the outage rules say, never
 * wait for Redis. A request that waited would hang until Redis is thawed — after this test's own timeout
 * — so each answer arriving at all is the real assertion; the time bounds only say "well before that".
 * Thawed, the replica serves the refused transfer once, and events still flow.
 */
import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientRegistry } from '../../src/auth/clients.js';
import { NOTIFICATION_EVENTS, TX_STATUS, telepagosSignature } from '../../src/providers/telepagos/assumptions.js';
import { SANDBOX_CREDENTIALS } from '../../src/sandbox/credentials.js';
import { startSandboxes, type RunningSandboxes } from '../../src/sandbox/index.js';
import { StateUnavailableError } from '../../src/state/errors.js';
import { redisState } from '../../src/state/index.js';
import { TEST_NOW } from '../helpers/gateway.js';
import { call } from '../helpers/http.js';
import { PrivateRedis, replicaConfig, startReplica, testPrefix, waitFor, type Replica } from '../helpers/redis.js';

const KEY = 'frozen-redis-test-key-0123456789';
// Rate-limited, generously: every request below goes through the limiter, none is refused by it.
const clients = ClientRegistry.fromJson([
  {
    name: 'limited',
    keySha256: createHash('sha256').update(KEY).digest('hex'),
    scopes: ['read', 'cashout'],
    rateLimit: { perSecond: 100, burst: 100 },
  },
]);
const AUTH = { authorization: `Bearer ${KEY}` };

const CREATE_CASHOUT = `mutation($input: CreateCashoutInput!) { createCashout(input: $input) { cashout { id provider } userErrors { field message code } } }`;
const BALANCE = `{ account(provider: TELEPAGOS) { balance { amount currency } } }`;
const CONCEPTS = `{ paymentConcepts { id } }`;
const EXPORT_QUERY = 'from=2026-01-10&to=2026-01-15';

/** Talo (the strictest sender) gives up on a notification after 3 s. */
const WEBHOOK_BOUND_MS = 3_000;
/** Far below what waiting for Redis would take (the rest of the test), far above a loaded machine's jitter. */
const ANSWER_BOUND_MS = 5_000;

const prefix = testPrefix('frozen');
let redis: PrivateRedis;
let sandboxes: RunningSandboxes;
let replica: Replica;
let seq = 0;

const cashout = (referenceId = `frozen-${process.pid}-${++seq}`) => ({
  referenceId,
  alias: 'pasarela.demo',
  cuit: '20123456786',
  amount: '10.00',
  concept: 'VAR',
  description: 'Frozen Redis',
});

async function exportCsv(): Promise<{ status: number; contentType: unknown; text: string }> {
  const response = await request(`${replica.url}/exports/activity.csv?${EXPORT_QUERY}`, { headers: AUTH });
  return { status: response.statusCode, contentType: response.headers['content-type'], text: await response.body.text() };
}

/** Runs `step` and gives its answer with how long it took. */
async function timed<T>(step: () => Promise<T>): Promise<{ answer: T; ms: number }> {
  const started = performance.now();
  const answer = await step();
  return { answer, ms: performance.now() - started };
}

beforeAll(async () => {
  redis = await PrivateRedis.start();
  sandboxes = await startSandboxes({ now: TEST_NOW });
  replica = await startReplica('solo', { config: replicaConfig(sandboxes), state: redisState(redis.url, prefix), clients });
}, 30_000);

afterAll(async () => {
  // The private server goes first (thawed, then killed), so nothing still waiting on it can keep the
  // replica from closing, and it never outlives the test.
  redis?.thaw();
  await redis?.stop();
  await replica?.close();
  await sandboxes?.close();
});

describe('a frozen Redis', () => {
  it('is given up on at the command deadline: reads answer, limits let through, a transfer is refused unsent, a webhook is 503', async () => {
    // Warm: every provider's credential is held in memory and a transfer goes through.
    expect((await replica.ready()).status).toBe(200);
    expect((await replica.query(BALANCE, undefined, AUTH)).body.data.account.balance.currency).toBe('ARS');
    expect((await replica.query(CONCEPTS, undefined, AUTH)).body.data.paymentConcepts.length).toBeGreaterThan(0);
    expect((await exportCsv()).status).toBe(200);
    expect((await replica.query(CREATE_CASHOUT, { input: cashout() }, AUTH)).body.data.createCashout.userErrors).toEqual([]);

    redis.freeze();
    const down = await waitFor('readiness to fail', async () => {
      const answer = await replica.ready();
      return answer.status === 503 ? answer : undefined;
    });
    expect(down.body).toMatchObject({ status: 'unavailable', state: { kind: 'redis', reachable: false } });

    // A rate-limited key's read: the limiter cannot answer, the request goes through with its data.
    const balance = await timed(() => replica.query(BALANCE, undefined, AUTH));
    expect(balance.answer.body.errors).toBeUndefined();
    expect(balance.answer.body.data.account.balance.currency).toBe('ARS');
    expect(balance.ms).toBeLessThan(ANSWER_BOUND_MS);

    // Reference data: loaded from the provider instead of the cache.
    const concepts = await timed(() => replica.query(CONCEPTS, undefined, AUTH));
    expect(concepts.answer.body.errors).toBeUndefined();
    expect(concepts.answer.body.data.paymentConcepts.length).toBeGreaterThan(0);
    expect(concepts.ms).toBeLessThan(ANSWER_BOUND_MS);

    // A transfer is refused without its idempotency record — and nothing is sent.
    sandboxes.telepagos.log.clear();
    const refusedInput = cashout();
    const refused = await timed(() => replica.query(CREATE_CASHOUT, { input: refusedInput }, AUTH));
    expect(refused.answer.body.errors).toBeUndefined();
    expect(refused.answer.body.data.createCashout.cashout).toBeNull();
    expect(refused.answer.body.data.createCashout.userErrors).toEqual([expect.objectContaining({ code: 'PROVIDER_UNAVAILABLE' })]);
    expect(refused.ms).toBeLessThan(ANSWER_BOUND_MS);
    expect(sandboxes.telepagos.log.count('POST /v2/payment/cashout')).toBe(0);
    expect(sandboxes.telepagos.state.cashoutsByReference.has(refusedInput.referenceId)).toBe(false);

    // A signed notification cannot be de-duplicated: 503 (the provider retries), within the sender's patience.
    const cashinId = [...sandboxes.telepagos.state.cashIns.keys()][0]!;
    const raw = JSON.stringify({ event: NOTIFICATION_EVENTS.cashinCredited, id: cashinId, status: TX_STATUS.approved });
    const webhook = await timed(() =>
      call(replica.url, 'POST', 'webhooks/telepagos', {
        raw,
        headers: { 'x-signature': telepagosSignature(raw, SANDBOX_CREDENTIALS.telepagos.webhookSecret) },
      }),
    );
    expect(webhook.answer.status).toBe(503);
    expect(webhook.answer.body).toEqual({ error: 'unavailable' });
    expect(webhook.ms).toBeLessThan(WEBHOOK_BOUND_MS);

    // The CSV export (three providers, the limiter) streams as usual.
    const csv = await timed(exportCsv);
    expect(csv.answer.status).toBe(200);
    expect(csv.answer.contentType).toMatch(/^text\/csv/);
    expect(csv.answer.text.split('\r\n')[0]).toMatch(/^id,provider,/);
    expect(csv.ms).toBeLessThan(ANSWER_BOUND_MS);

    // Thawed, Redis runs what it was sent while frozen — the refused transfer's claim among it — and
    // the replica carries on over the same connections.
    redis.thaw();
    await waitFor('readiness to return', async () => (await replica.ready()).status === 200);

    // The refused transfer's claim ran late (readiness's PING was queued behind it) and was given back at once.
    expect(await replica.state.idempotency.get(`cashout:${refusedInput.referenceId}`)).toMatchObject({ state: 'pending', attempts: 1, leaseUntilMs: 0 });
    // So the transfer, retried, goes through at once — and once.
    const retried = await replica.query(CREATE_CASHOUT, { input: refusedInput }, AUTH);
    expect(retried.body.data.createCashout.userErrors).toEqual([]);
    expect(retried.body.data.createCashout.cashout.provider).toBe('TELEPAGOS');
    expect(sandboxes.telepagos.log.count('POST /v2/payment/cashout')).toBe(1);
    expect(sandboxes.telepagos.state.cashoutsByReference.has(refusedInput.referenceId)).toBe(true);

    // The event subscription lived through the freeze.
    const events = replica.gateway.events.subscribe({});
    const next = events.next();
    await replica.gateway.events.publish({ id: `after-freeze-${++seq}`, provider: 'TELEPAGOS', type: 'PAYMENT_UPDATED', occurredAt: new Date().toISOString() });
    const arrived = await next;
    expect(arrived.done).toBe(false);
    expect(arrived.value?.id).toMatch(/^after-freeze-/);
    await events.return?.();
  }, 40_000);

  it("undoes a webhook state recorded late, so the provider's retry is not taken for a duplicate", async () => {
    const object = `TELEPAGOS:frozen-${process.pid}-${++seq}`;
    redis.freeze();
    try {
      await expect(replica.state.dedupe.record(object, 'credited', false, 60_000)).rejects.toThrow(StateUnavailableError);
    } finally {
      redis.thaw();
    }
    await waitFor('readiness to return', async () => (await replica.ready()).status === 200);
    // Run late, then undone: nothing is remembered, and recording it again is a first time.
    expect(await replica.state.dedupe.lookup(object, 'credited')).toEqual({ recorded: false, final: false });
    expect(await replica.state.dedupe.record(object, 'credited', false, 60_000)).toBe(true);
  });
});
