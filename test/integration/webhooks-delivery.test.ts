/**
 * Webhooks to client apps, in memory (one replica): a receiver on loopback that fails for a while then
 * accepts gets each event it may read once accepted, in order, verified with the `standardwebhooks`
 * library exactly as a receiver would.
 */
import 'reflect-metadata';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { ClientRegistry } from '../../src/auth/clients.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logging.js';
import { createGateway, type Gateway } from '../../src/server.js';
import { waitFor } from '../helpers/wait.js';
import { startReceiver, TEST_WEBHOOK_SECRET, type Receiver } from '../helpers/webhook-receiver.js';

let gateway: Gateway;
let receiver: Receiver;
const logs: string[] = [];

beforeAll(async () => {
  receiver = await startReceiver();
  const clients = ClientRegistry.fromJson([
    {
      name: 'shop',
      keySha256: 'a'.repeat(64),
      scopes: ['read'],
      webhooks: [{ url: `${receiver.url}/shop`, secret: TEST_WEBHOOK_SECRET, events: ['PAYMENT_UPDATED'] }],
    },
    // May not read events: gets none.
    { name: 'payroll', keySha256: 'b'.repeat(64), scopes: ['cashout'], webhooks: [{ url: `${receiver.url}/payroll`, secret: TEST_WEBHOOK_SECRET }] },
  ]);
  const destination = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  gateway = await createGateway({
    config: loadConfig({ WEBHOOK_RETRY_BASE_MS: '20' }),
    logger: createLogger({ level: 'info', destination }),
    clients,
  });
});

afterAll(async () => {
  await gateway?.close();
  await receiver?.close();
});

const event = (id: string, type: 'PAYMENT_UPDATED' | 'CASHIN_RECEIVED', status: string) => ({
  id,
  provider: 'TALO' as const,
  type,
  occurredAt: new Date().toISOString(),
  payment: { id: 'pay-1', status },
});

it('delivers each event once accepted, in order, retrying the same webhook-id, verified by the standardwebhooks library', async () => {
  // Fails the first 3 attempts (500), then accepts.
  let failures = 0;
  receiver.answer = () => (failures++ < 3 ? 500 : 204);
  await gateway.events.publish(event('ev-1', 'PAYMENT_UPDATED', 'PENDING'));
  await gateway.events.publish(event('ev-2', 'CASHIN_RECEIVED', 'n/a'));
  await gateway.events.publish(event('ev-3', 'PAYMENT_UPDATED', 'SUCCESS'));
  await gateway.events.publish(event('ev-4', 'PAYMENT_UPDATED', 'REFUNDED'));

  const accepted = await waitFor('three accepted deliveries', () => {
    const ok = receiver.received.filter((r) => r.status === 204);
    return ok.length >= 3 && ok;
  });
  const shop = receiver.received.filter((r) => r.path === '/shop');
  // The failed attempts were all of the first event, under the same id.
  expect(shop.filter((r) => r.status === 500).map((r) => r.headers['webhook-id'])).toEqual(['ev-1', 'ev-1', 'ev-1']);
  const verifier = new Webhook(TEST_WEBHOOK_SECRET);
  const bodies = accepted.map((r) => verifier.verify(r.body, r.headers as Record<string, string>) as any);
  expect(bodies.map((b) => b.data.id)).toEqual(['ev-1', 'ev-3', 'ev-4']);
  expect(bodies.map((b) => b.data.payment.status)).toEqual(['PENDING', 'SUCCESS', 'REFUNDED']);
  expect(bodies[0]).toMatchObject({ type: 'PAYMENT_UPDATED', data: { provider: 'TALO', type: 'PAYMENT_UPDATED', observedAt: null, cashin: null } });
  expect(bodies[0].data.cursor).toEqual(expect.any(String));
  // A wrong secret does not verify.
  expect(() =>
    new Webhook(`whsec_${Buffer.from('another-secret-of-24-bytes!!').toString('base64')}`).verify(accepted[0]!.body, accepted[0]!.headers as any),
  ).toThrow();

  // The gateway counts a delivery once it has read the answer, after the receiver has written it.
  const metrics = await waitFor('the third delivery counted', async () => {
    const text = (await gateway.app.inject({ method: 'GET', url: '/metrics' })).body;
    return /pasarela_webhook_backlog\{client="shop",endpoint="[0-9a-f]{12}"\} 0$/m.test(text) && text;
  });
  expect(metrics).toMatch(/pasarela_webhook_deliveries_total\{client="shop",endpoint="[0-9a-f]{12}",outcome="delivered"\} 3/);
  expect(metrics).toMatch(/pasarela_webhook_deliveries_total\{client="shop",endpoint="[0-9a-f]{12}",outcome="retried"\} 3/);
  expect(metrics).toMatch(/pasarela_webhook_backlog\{client="shop",endpoint="[0-9a-f]{12}"\} 0/);
  // The app without `read` got nothing; the logs name the failures but never the secret, URL or body.
  expect(receiver.received.filter((r) => r.path === '/payroll')).toEqual([]);
  const text = logs.join('');
  expect(text).toContain('webhook delivery failed; retrying after a backoff');
  expect(text).not.toContain(TEST_WEBHOOK_SECRET.slice('whsec_'.length));
  expect(text).not.toContain(receiver.url);
  expect(text).not.toContain('PENDING');
});
