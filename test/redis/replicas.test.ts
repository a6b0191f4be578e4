/**
 * Two gateway replicas in one process, sharing one Redis (the shared server, under this run's own
 * prefix, deleted afterwards) and the same three sandboxes, each on its own port and queried over real
 * HTTP: one token renewal for both, one transfer per referenceId, webhooks received by one replica
 * reaching subscribers on the other, and rate limits that hold across replicas.
 */
import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { ClientRegistry } from '../../src/auth/clients.js';
import type { RedisEventBus } from '../../src/state/redis/event-bus.js';
import { telepagosSignature } from '../../src/providers/telepagos/assumptions.js';
import { SANDBOX_CREDENTIALS } from '../../src/sandbox/credentials.js';
import { startSandboxes, type RunningSandboxes } from '../../src/sandbox/index.js';
import { redisState } from '../../src/state/index.js';
import { TEST_NOW } from '../helpers/gateway.js';
import { call } from '../helpers/http.js';
import { deletePrefix, keysUnder, replicaConfig, startReplica, TEST_REDIS_URL, testPrefix, waitFor, type Replica } from '../helpers/redis.js';

const APP_KEY = 'replicas-test-app-key-0123456789';
const LIMITED_KEY = 'replicas-test-limited-key-0123456789';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const clients = ClientRegistry.fromJson([
  { name: 'app', keySha256: sha256(APP_KEY), scopes: ['read', 'cashin', 'cashout'] },
  { name: 'limited', keySha256: sha256(LIMITED_KEY), scopes: ['read'], rateLimit: { perSecond: 1, burst: 3 } },
]);
const APP = { authorization: `Bearer ${APP_KEY}` };

const CREATE_CASHOUT = `mutation($input: CreateCashoutInput!) { createCashout(input: $input) { cashout { id provider } userErrors { field message code } } }`;
const QR_CHARGE = `mutation($input: CreateQrChargeInput!) { createQrCharge(input: $input) { qrOrderId userErrors { field message code } } }`;
const BALANCE = `{ account(provider: TELEPAGOS) { balance { amount currency } } }`;
const SUBSCRIPTION = `subscription { paymentEvents(provider: TELEPAGOS) { id provider type cashin { id amount { amount } } } }`;

const globalId = (type: string, provider: string, localId: string | number) => Buffer.from(`${type}:${provider}:${localId}`).toString('base64url');

const prefix = testPrefix('replicas');
let sandboxes: RunningSandboxes;
let a: Replica;
let b: Replica;

beforeAll(async () => {
  sandboxes = await startSandboxes({ now: TEST_NOW });
  const config = replicaConfig(sandboxes, { MAX_OPERATION_AMOUNT: '100000' });
  // Two replicas: each its own connections to the same Redis, the same prefix.
  a = await startReplica('A', { config, state: redisState(TEST_REDIS_URL, prefix), clients });
  b = await startReplica('B', { config, state: redisState(TEST_REDIS_URL, prefix), clients });
  for (const replica of [a, b]) {
    const ready = await replica.ready();
    expect(ready.status).toBe(200);
    expect(ready.body.state).toEqual({ kind: 'redis', reachable: true });
  }
}, 30_000);

afterAll(async () => {
  await a?.close();
  await b?.close();
  await sandboxes?.close();
  await deletePrefix(prefix);
  expect(await keysUnder(prefix)).toEqual([]);
});

describe('two replicas sharing one Redis', () => {
  it('share one TelePagos token: 50 concurrent distinct queries over both replicas at token expiry cause exactly one token request', async () => {
    const tokenRequests = () => sandboxes.telepagos.log.count('POST /v2/auth/token');
    // Both replicas hold the token — and it is one token: the second replica found it in Redis.
    for (const replica of [a, b]) {
      const { body } = await replica.query(BALANCE, undefined, APP);
      expect(body.errors).toBeUndefined();
      expect(body.data.account.balance.currency).toBe('ARS');
    }
    expect(tokenRequests()).toBe(1);

    // TelePagos now refuses that token, as if it had expired early.
    const expired = await call(sandboxes.telepagos.url, 'POST', '_sandbox/tokens/expire');
    expect(expired.body.expired).toBeGreaterThanOrEqual(1);
    sandboxes.telepagos.log.clear();

    const ids = [...sandboxes.telepagos.state.cashIns.keys()].slice(0, 50);
    expect(ids).toHaveLength(50);
    const answers = await Promise.all(ids.map((id, i) => (i % 2 === 0 ? a : b).query(`{ cashin(id: "${id}") { id amount { amount } } }`, undefined, APP)));
    answers.forEach(({ body }, i) => {
      expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
      expect(body.data.cashin.id).toBe(globalId('Cashin', 'TELEPAGOS', ids[i]!));
    });
    // Every lookup reached TelePagos (nothing was served without it), and one renewal served them all.
    expect(sandboxes.telepagos.log.list().filter((r) => r.route !== 'POST /v2/auth/token').length).toBeGreaterThanOrEqual(50);
    expect(tokenRequests()).toBe(1);
  });

  it('the same createCashout sent to both replicas at once makes exactly one transfer; both answer with its id', async () => {
    const summary = async () => (await call(sandboxes.telepagos.url, 'GET', '_sandbox/state/summary')).body as { balance_cents: number; cashouts: number };
    const before = await summary();
    sandboxes.telepagos.log.clear();
    const input = {
      referenceId: `replicas-${prefix.split(':')[1]}`,
      alias: 'pasarela.demo',
      cuit: '20123456786',
      amount: '1234.56',
      concept: 'VAR',
      description: 'Replicas',
    };
    const answers = await Promise.all([a, b, a, b].map((replica) => replica.query(CREATE_CASHOUT, { input }, APP)));
    const transfer = sandboxes.telepagos.state.cashoutsByReference.get(input.referenceId);
    expect(transfer).toBeDefined();
    for (const { body } of answers) {
      expect(body.errors).toBeUndefined();
      expect(body.data.createCashout.userErrors).toEqual([]);
      expect(body.data.createCashout.cashout).toEqual({ id: globalId('Cashout', 'TELEPAGOS', transfer!.id), provider: 'TELEPAGOS' });
    }
    expect(sandboxes.telepagos.log.count('POST /v2/payment/cashout')).toBe(1);
    const after = await summary();
    expect(after.cashouts).toBe(before.cashouts + 1);
    expect(after.balance_cents).toBe(before.balance_cents - 123456);
  });

  it('a webhook received by replica A reaches a subscriber on replica B exactly once (and a redelivery to B is a duplicate)', async () => {
    // The sandbox notifies replica A.
    const put = await call(sandboxes.telepagos.url, 'PUT', '_sandbox/webhook', { body: { url: `${a.url}/webhooks/telepagos` } });
    expect(put.status).toBe(200);

    const received: any[] = [];
    const errors: unknown[] = [];
    const busB = b.gateway.events as RedisEventBus;
    const before = busB.subscriberCount;
    const client: Client = createClient({
      url: b.wsUrl,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: true,
      connectionParams: { authorization: `Bearer ${APP_KEY}` },
    });
    try {
      client.subscribe<{ paymentEvents: any }>(
        { query: SUBSCRIPTION },
        { next: (r) => (r.errors ? errors.push(...r.errors) : received.push(r.data!.paymentEvents)), error: (e) => errors.push(e), complete: () => undefined },
      );
      await waitFor('the subscription on B', () => busB.subscriberCount > before);

      const { body } = await a.query(QR_CHARGE, { input: { amount: '321.00', concept: 'VAR', description: 'Mesa 7' } }, APP);
      expect(body.data.createQrCharge.userErrors).toEqual([]);
      const paid = await call(sandboxes.telepagos.url, 'POST', `_sandbox/qr-orders/${body.data.createQrCharge.qrOrderId}/pay`);
      expect(paid.status).toBe(201);
      const cashinId = globalId('Cashin', 'TELEPAGOS', paid.body.cashin_id);

      const event = await waitFor('the event on B', () => {
        if (errors.length > 0) throw new Error(`subscription error: ${JSON.stringify(errors)}`);
        return received.find((e) => e.cashin?.id === cashinId);
      });
      expect(event).toMatchObject({ provider: 'TELEPAGOS', type: 'CASHIN_RECEIVED', cashin: { id: cashinId, amount: { amount: '321.00' } } });

      // The sandbox's delivery went to A and was answered 200.
      const deliveries = await waitFor('the delivery to finish', async () => {
        const list = (await call(sandboxes.telepagos.url, 'GET', '_sandbox/webhooks')).body.deliveries as {
          url: string;
          body: any;
          state: string;
          attempts: { status?: number }[];
        }[];
        const mine = list.filter((d) => String(d.body.id) === String(paid.body.cashin_id));
        return mine.length > 0 && mine.every((d) => d.state !== 'pending') ? mine : undefined;
      });
      expect(deliveries.map((d) => [d.url, d.attempts.map((x) => x.status)])).toEqual([[`${a.url}/webhooks/telepagos`, [200]]]);

      // The same notification redelivered to B: B knows it through the shared de-duplication.
      const raw = JSON.stringify(deliveries[0]!.body);
      const replay = await call(b.url, 'POST', 'webhooks/telepagos', {
        raw,
        headers: { 'x-signature': telepagosSignature(raw, SANDBOX_CREDENTIALS.telepagos.webhookSecret) },
      });
      expect(replay.status).toBe(200);
      expect(replay.body).toEqual({ received: true, outcome: 'duplicate' });

      // A barrier published on A after all that: whatever B's subscriber holds before it is everything.
      await a.gateway.events.publish({ id: 'barrier-replicas', provider: 'TELEPAGOS', type: 'PAYMENT_UPDATED', occurredAt: new Date().toISOString() });
      await waitFor('the barrier on B', () => received.some((e) => e.id === 'barrier-replicas'));
      expect(received.filter((e) => e.cashin?.id === cashinId)).toHaveLength(1);
      expect(errors).toEqual([]);
    } finally {
      await client.dispose();
      await call(sandboxes.telepagos.url, 'PUT', '_sandbox/webhook', { body: { url: null } });
    }
  });

  it('a rate limit holds across replicas: burst 3 → 3 of 6 alternating requests allowed, the rest RATE_LIMITED with 429 and Retry-After', async () => {
    const limited = { authorization: `Bearer ${LIMITED_KEY}` };
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await (i % 2 === 0 ? a : b).query('{ __typename }', undefined, limited));
    const allowed = answers.filter((r) => r.status === 200);
    const refused = answers.filter((r) => r.status === 429);
    expect(allowed).toHaveLength(3);
    expect(refused).toHaveLength(3);
    // Both replicas let some through and refused some: the bucket is one, not one per replica.
    expect(answers.slice(0, 3).map((r) => r.status)).toEqual([200, 200, 200]);
    for (const r of allowed) expect(r.body.data).toEqual({ __typename: 'Query' });
    for (const r of refused) {
      expect(r.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
      expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }
    // Another client is not affected.
    expect((await b.query('{ __typename }', undefined, APP)).status).toBe(200);
  });
});
