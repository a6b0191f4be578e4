/**
 * Objects watched until final, over real HTTP and WebSocket against the sandboxes, in memory: a Talo
 * payment paid with no notification reaches a subscriber once (the watcher found it), and the late
 * notification is a duplicate; the reverse order (notification first) publishes once too, and the
 * watcher drops the payment without publishing. Short poll intervals (PENDING_POLL_INTERVAL_MS); every
 * wait is for what is checked. test/redis/watch-replicas.test.ts runs the same on two replicas.
 */
import 'reflect-metadata';
import { afterEach, describe, expect, it } from 'vitest';
import { PAYMENT_WATCH } from '../../src/events/watch-kinds.js';
import { useTestGateway } from '../helpers/gateway.js';
import { call } from '../helpers/http.js';
import { waitFor } from '../helpers/wait.js';
import { barrier, createPayment, notify, openStream, payQuietly, rereads, type EventStream } from '../helpers/watch.js';

const streams: EventStream[] = [];
afterEach(async () => {
  for (const stream of streams.splice(0)) await stream.close();
});

describe('objects watched until final (memory)', () => {
  const gw = useTestGateway({
    publicUrlIsGateway: true,
    sandboxes: { now: new Date() },
    env: { PENDING_POLL_INTERVAL_MS: '100', PENDING_POLL_MAX_INTERVAL_MS: '400', MAX_OPERATION_AMOUNT: '100000' },
  });
  const watched = (localId: string) => gw().gateway.state.watches.get(PAYMENT_WATCH, 'TALO', localId);
  const secret = () => gw().config.providers.talo!.webhookSecret;

  it('a payment paid with no notification reaches the subscriber once; the late notification is a duplicate', async () => {
    const stream = await openStream(gw().wsUrl, gw().gateway);
    streams.push(stream);
    const payment = await createPayment(gw().query);
    expect(await watched(payment.localId)).toBeDefined();
    await payQuietly(gw().sandboxes, payment.localId);

    const updated = await waitFor('the watcher to publish the paid payment', () => stream.about(payment.id).find((e) => e.type === 'PAYMENT_UPDATED'));
    expect(updated.payment).toMatchObject({ status: 'SUCCESS', amountReceived: { amount: '1800.00' } });
    // Final: no longer watched.
    await waitFor('the watch to end', async () => (await watched(payment.localId)) === undefined);

    const late = await notify(gw().url, secret(), payment.localId);
    expect(late.status).toBe(200);
    expect(late.body).toEqual({ received: true, outcome: 'duplicate' });
    await barrier(gw().gateway, stream);
    expect(stream.about(payment.id).map((e) => [e.type, e.payment?.status])).toEqual([
      ['PAYMENT_CREATED', 'PENDING'],
      ['PAYMENT_UPDATED', 'SUCCESS'],
    ]);
  });

  it('the notification first: published once by the webhook; the watcher then finds it final and publishes nothing', async () => {
    const stream = await openStream(gw().wsUrl, gw().gateway);
    streams.push(stream);
    // Held until the notification is in, so the order is the one this test is about.
    await gw().gateway.watcher.stop();
    const finalBefore = await rereads(gw().gateway, 'final');
    const publishedBefore = await rereads(gw().gateway, 'published');
    const payment = await createPayment(gw().query);
    expect((await call(gw().sandboxes.talo.url, 'POST', `_sandbox/payments/${payment.localId}/settle`)).status).toBe(201);
    const delivered = await waitFor('the sandbox notification to be answered', async () => {
      const { deliveries } = (await call(gw().sandboxes.talo.url, 'GET', '_sandbox/webhooks')).body;
      return deliveries.find((d: any) => d.body.paymentId === payment.localId && d.state !== 'pending');
    });
    expect(delivered.attempts.map((a: any) => a.status)).toEqual([200]);
    await waitFor('the webhook to publish', () => stream.about(payment.id).some((e) => e.type === 'PAYMENT_UPDATED'));

    gw().gateway.watcher.start();
    await waitFor('the watch to end', async () => (await watched(payment.localId)) === undefined);
    expect(await rereads(gw().gateway, 'final')).toBe(finalBefore + 1);
    expect(await rereads(gw().gateway, 'published')).toBe(publishedBefore);
    await barrier(gw().gateway, stream);
    expect(stream.about(payment.id).map((e) => [e.type, e.payment?.status])).toEqual([
      ['PAYMENT_CREATED', 'PENDING'],
      ['PAYMENT_UPDATED', 'SUCCESS'],
    ]);
  });

  it('a payment nobody pays is re-read again and again and publishes nothing', async () => {
    const stream = await openStream(gw().wsUrl, gw().gateway);
    streams.push(stream);
    const payment = await createPayment(gw().query);
    // 100, 200 and 400 ms after one another (the waits themselves: test/unit/watcher.test.ts).
    await waitFor('three re-reads', async () => ((await watched(payment.localId))?.entry.attempt ?? 0) >= 3);
    await barrier(gw().gateway, stream);
    expect(stream.about(payment.id).map((e) => e.type)).toEqual(['PAYMENT_CREATED']);
  });
});
