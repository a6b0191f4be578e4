/**
 * Webhooks to client apps with two gateways (replicas) on one Redis: each event reaches the endpoint
 * once, in log order, never two deliveries at once — whichever replica published it.
 */
import 'reflect-metadata';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { ClientRegistry } from '../../src/auth/clients.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logging.js';
import { createGateway, type Gateway } from '../../src/server.js';
import { redisState, type SharedState } from '../../src/state/index.js';
import { deletePrefix, keysUnder, TEST_REDIS_URL, testPrefix, waitFor } from '../helpers/redis.js';
import { startReceiver, TEST_WEBHOOK_SECRET, type Receiver } from '../helpers/webhook-receiver.js';

const prefix = testPrefix('webhooks');
let receiver: Receiver;
const replicas: { gateway: Gateway; state: SharedState; closed?: boolean }[] = [];

async function close(replica: (typeof replicas)[number]): Promise<void> {
  replica.closed = true;
  await replica.gateway.close();
  await replica.state.close();
}

beforeAll(async () => {
  // Each answer takes a while: two replicas delivering at once would show as two requests in flight.
  receiver = await startReceiver({ holdMs: 30 });
  const clients = () =>
    ClientRegistry.fromJson([
      { name: 'shop', keySha256: 'd'.repeat(64), scopes: ['read'], webhooks: [{ url: `${receiver.url}/hooks`, secret: TEST_WEBHOOK_SECRET }] },
    ]);
  for (let i = 0; i < 2; i++) {
    const state = redisState(TEST_REDIS_URL, prefix);
    const gateway = await createGateway({
      config: loadConfig({ WEBHOOK_RETRY_BASE_MS: '20' }),
      logger: createLogger({ level: 'silent' }),
      state,
      clients: clients(),
    });
    replicas.push({ gateway, state });
  }
});

afterAll(async () => {
  for (const replica of replicas) if (!replica.closed) await close(replica);
  await receiver?.close();
  await deletePrefix(prefix);
  expect(await keysUnder(prefix)).toEqual([]);
});

it('delivers each event to the endpoint once, in log order, one at a time, from either replica', async () => {
  // The first two attempts fail: the retry is the same replica's, not a second delivery.
  let failures = 0;
  receiver.answer = () => (failures++ < 2 ? 503 : 200);
  const ids = Array.from({ length: 8 }, (_, i) => `ev-${i}-${prefix.slice(-12, -1)}`);
  for (const [i, id] of ids.entries()) {
    await replicas[i % 2]!.gateway.events.publish({
      id,
      provider: 'TUPAY',
      type: 'CASHIN_RECEIVED',
      occurredAt: new Date().toISOString(),
      cashin: { id: `ci-${i}` },
    });
  }
  // A last event: delivered after everything before it, so any duplicate would have arrived by then.
  const last = `last-${prefix.slice(-12, -1)}`;
  await replicas[1]!.gateway.events.publish({ id: last, provider: 'TUPAY', type: 'CASHIN_RECEIVED', occurredAt: new Date().toISOString() });
  await waitFor('the last event delivered', () => receiver.received.some((r) => r.status === 200 && r.headers['webhook-id'] === last));

  const verifier = new Webhook(TEST_WEBHOOK_SECRET);
  const delivered = receiver.received.filter((r) => r.status === 200).map((r) => (verifier.verify(r.body, r.headers as Record<string, string>) as any).data.id);
  const logOrder = (await replicas[0]!.gateway.events.read({}, undefined, 100)).events.map((e) => e.id);
  expect(delivered).toEqual(logOrder);
  expect(delivered).toEqual([...ids, last]);
  expect(receiver.received.filter((r) => r.status === 503).map((r) => r.headers['webhook-id'])).toEqual([ids[0], ids[0]]);
  expect(receiver.maxInFlight).toBe(1);
});

it('when the replica delivering an endpoint stops mid-retry, the other one goes on with the same event, once accepted', async () => {
  let accept = false;
  receiver.answer = () => (accept ? 200 : 500);
  const id = `takeover-${prefix.slice(-12, -1)}`;
  const counted = async (replica: (typeof replicas)[number], outcome: string) =>
    Number(
      new RegExp(`outcome="${outcome}"\\} (\\d+)`).exec(
        await replica.gateway.metrics.registry.getSingleMetricAsString('pasarela_webhook_deliveries_total'),
      )?.[1] ?? 0,
    );
  // The counts so far (the test before this one retried too, on whichever replica held the lease then).
  const retriedBefore = await Promise.all(replicas.map((replica) => counted(replica, 'retried')));
  await replicas[0]!.gateway.events.publish({ id, provider: 'TALO', type: 'PAYMENT_UPDATED', occurredAt: new Date().toISOString() });
  // The replica that is retrying is the lease holder: stop it. It counts the retry once it has read the
  // failed answer, after the receiver has written it.
  const holderAt = await waitFor('a replica counting a retry of the event', async () => {
    const now = await Promise.all(replicas.map((replica) => counted(replica, 'retried')));
    const at = now.findIndex((n, i) => n > retriedBefore[i]!);
    return at >= 0 ? at : undefined;
  });
  expect(receiver.received.some((r) => r.status === 500 && r.headers['webhook-id'] === id)).toBe(true);
  const holder = replicas[holderAt]!;
  const other = replicas[1 - holderAt]!;
  const delivered = (replica: (typeof replicas)[number]) => counted(replica, 'delivered');
  const before = await delivered(other);
  await close(holder);
  accept = true;
  await waitFor('the event delivered by the other replica', () => receiver.received.some((r) => r.status === 200 && r.headers['webhook-id'] === id));
  // The replica counts the delivery once it has read the answer, after the receiver has written it.
  await waitFor('the other replica counting the delivery', async () => (await delivered(other)) > before);
  expect(await delivered(other)).toBe(before + 1);
  expect(receiver.received.filter((r) => r.status === 200 && r.headers['webhook-id'] === id)).toHaveLength(1);
});
