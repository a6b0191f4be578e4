/**
 * Objects watched until final on two replicas sharing one Redis (the shared server, under this run's
 * own prefix, deleted afterwards), each with its own watcher, over real HTTP and WebSocket against the
 * sandboxes: a payment created on A and paid with no notification reaches a subscriber on B exactly once
 * (one replica re-read it), and the late notification, delivered to B, is a duplicate; the reverse order
 * (notification first) publishes once and both watchers let the payment go without publishing.
 */
import 'reflect-metadata';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PAYMENT_WATCH } from '../../src/events/watch-kinds.js';
import { startSandboxes, type RunningSandboxes } from '../../src/sandbox/index.js';
import { redisState } from '../../src/state/index.js';
import { deletePrefix, keysUnder, replicaConfig, startReplica, TEST_REDIS_URL, testPrefix, waitFor, type Replica } from '../helpers/redis.js';
import { barrier, createPayment, notify, openStream, payQuietly, rereads, type EventStream } from '../helpers/watch.js';

const prefix = testPrefix('watch');
let sandboxes: RunningSandboxes;
let a: Replica;
let b: Replica;

beforeAll(async () => {
  sandboxes = await startSandboxes({ now: new Date() });
  const config = replicaConfig(sandboxes, { PENDING_POLL_INTERVAL_MS: '100', PENDING_POLL_MAX_INTERVAL_MS: '400', MAX_OPERATION_AMOUNT: '100000' });
  a = await startReplica('A', { config, state: redisState(TEST_REDIS_URL, prefix) });
  b = await startReplica('B', { config, state: redisState(TEST_REDIS_URL, prefix) });
}, 30_000);

afterAll(async () => {
  await a?.close();
  await b?.close();
  await sandboxes?.close();
  await deletePrefix(prefix);
  expect(await keysUnder(prefix)).toEqual([]);
});

const streams: EventStream[] = [];
afterEach(async () => {
  for (const stream of streams.splice(0)) await stream.close();
});

const watched = (localId: string) => b.state.watches.get(PAYMENT_WATCH, 'TALO', localId);
/** The Talo webhook secret both replicas are configured with. */
const secret = () => replicaConfig(sandboxes).providers.talo!.webhookSecret;
const both = async (outcome: string) => (await rereads(a.gateway, outcome)) + (await rereads(b.gateway, outcome));

describe('objects watched until final, two replicas on one Redis', () => {
  it('paid with no notification: a subscriber on B gets one PAYMENT_UPDATED (one replica re-read it); the late notification is a duplicate', async () => {
    const stream = await openStream(b.wsUrl, b.gateway);
    streams.push(stream);
    const publishedBefore = await both('published');
    const payment = await createPayment(a.query);
    expect(await watched(payment.localId)).toBeDefined();
    await payQuietly(sandboxes, payment.localId);

    const updated = await waitFor('a watcher to publish the paid payment', () => stream.about(payment.id).find((e) => e.type === 'PAYMENT_UPDATED'));
    expect(updated.payment).toMatchObject({ status: 'SUCCESS', amountReceived: { amount: '1800.00' } });
    await waitFor('the watch to end', async () => (await watched(payment.localId)) === undefined);
    expect(await both('published')).toBe(publishedBefore + 1);

    const late = await notify(b.url, secret(), payment.localId);
    expect(late.status).toBe(200);
    expect(late.body).toEqual({ received: true, outcome: 'duplicate' });
    // Published on A's bus, after everything either replica published for this payment.
    await barrier(a.gateway, stream);
    expect(stream.about(payment.id).map((e) => [e.type, e.payment?.status])).toEqual([
      ['PAYMENT_CREATED', 'PENDING'],
      ['PAYMENT_UPDATED', 'SUCCESS'],
    ]);
  });

  it('the notification first (to B): published once; both watchers then let the payment go, publishing nothing', async () => {
    const stream = await openStream(a.wsUrl, a.gateway);
    streams.push(stream);
    // Held until the notification is in, so the order is the one this test is about.
    await Promise.all([a.gateway.watcher.stop(), b.gateway.watcher.stop()]);
    const publishedBefore = await both('published');
    const finalBefore = await both('final');
    const payment = await createPayment(b.query);
    await payQuietly(sandboxes, payment.localId);
    const notified = await notify(b.url, secret(), payment.localId);
    expect(notified.body).toEqual({ received: true, outcome: 'published' });

    a.gateway.watcher.start();
    b.gateway.watcher.start();
    await waitFor('the watch to end', async () => (await watched(payment.localId)) === undefined);
    expect(await both('final')).toBe(finalBefore + 1);
    expect(await both('published')).toBe(publishedBefore);
    await barrier(b.gateway, stream);
    expect(stream.about(payment.id).map((e) => [e.type, e.payment?.status])).toEqual([
      ['PAYMENT_CREATED', 'PENDING'],
      ['PAYMENT_UPDATED', 'SUCCESS'],
    ]);
  });
});
