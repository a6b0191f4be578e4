/**
 * Webhooks to client apps: an event that keeps failing past WEBHOOK_RETRY_HOURS is given up and the next
 * one delivered (a moved clock stands for the hours); a CLIENTS_FILE reload starts a new endpoint.
 */
import 'reflect-metadata';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { ClientRegistry } from '../../src/auth/clients.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logging.js';
import { createGateway } from '../../src/server.js';
import { DEFAULT_EVENT_LOG } from '../../src/events/log.js';
import { memoryState, type SharedState } from '../../src/state/index.js';
import { WebhookDeliveries, type DeliveriesOptions, type DeliveryOutcome } from '../../src/webhooks/deliveries.js';
import { waitFor } from '../helpers/wait.js';
import { startReceiver, TEST_WEBHOOK_SECRET } from '../helpers/webhook-receiver.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups.length = 0;
});

/** Delivery workers over `state`, retrying every 10 ms for the usual 72 hours; stopped after the test. */
function startDeliveries(state: SharedState, options: Partial<DeliveriesOptions>): WebhookDeliveries {
  const deliveries = new WebhookDeliveries({
    events: state.events,
    positions: state.webhookPositions,
    logger: createLogger({ level: 'silent' }),
    retryBaseMs: 10,
    retryHours: 72,
    timeoutMs: 1_000,
    ...options,
  });
  cleanups.push(() => deliveries.stop());
  return deliveries;
}

const event = (id: string) => ({ id, provider: 'TALO' as const, type: 'PAYMENT_UPDATED' as const, occurredAt: new Date().toISOString() });

it('gives an event up WEBHOOK_RETRY_HOURS after it was logged, counts it failed, and delivers the next', async () => {
  const receiver = await startReceiver();
  cleanups.push(() => receiver.close());
  receiver.answer = ({ body }) => (body.includes('"poison"') ? 500 : 200);
  const state = memoryState();
  cleanups.push(() => state.close());
  let clock = Date.now();
  const outcomes: DeliveryOutcome[] = [];
  const deliveries = startDeliveries(state, { now: () => clock, onOutcome: (_client, _endpoint, outcome) => outcomes.push(outcome) });
  const registry = ClientRegistry.fromJson([
    { name: 'shop', keySha256: 'e'.repeat(64), scopes: ['read'], webhooks: [{ url: `${receiver.url}/h`, secret: TEST_WEBHOOK_SECRET }] },
  ]);
  deliveries.update(registry.webhookApps);
  await state.events.publish(event('poison'));
  await state.events.publish(event('fine'));

  await waitFor('two failed attempts', () => outcomes.filter((o) => o === 'retried').length >= 2);
  // 72 hours after the events were logged (a little after the clock was read).
  clock = Date.now() + 72 * 3_600_000;
  const accepted = await waitFor('the next event delivered', () => receiver.received.find((r) => r.status === 200));
  expect((new Webhook(TEST_WEBHOOK_SECRET).verify(accepted.body, accepted.headers as Record<string, string>) as any).data.id).toBe('fine');
  expect(outcomes.filter((o) => o === 'failed')).toHaveLength(1);
  expect(outcomes.at(-1)).toBe('delivered');
  expect(new Set(receiver.received.filter((r) => r.status === 500).map((r) => r.headers['webhook-id']))).toEqual(new Set(['poison']));
});

it('a CLIENTS_FILE reload starts delivering to an endpoint added to the file', async () => {
  const receiver = await startReceiver();
  cleanups.push(() => receiver.close());
  const dir = await mkdtemp(join(tmpdir(), 'pasarela-webhooks-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'clients.json');
  const entry = { name: 'shop', keySha256: 'f'.repeat(64), scopes: ['read'] };
  await writeFile(file, JSON.stringify([entry]));
  const gateway = await createGateway({
    config: loadConfig({ WEBHOOK_RETRY_BASE_MS: '20' }),
    logger: createLogger({ level: 'silent' }),
    clients: await ClientRegistry.fromFile(file),
    clientsFile: file,
  });
  cleanups.push(() => gateway.close());
  await gateway.events.publish(event('before-reload'));

  await writeFile(file, JSON.stringify([{ ...entry, webhooks: [{ url: `${receiver.url}/h`, secret: TEST_WEBHOOK_SECRET }] }]));
  expect(await gateway.reloadClients()).toMatchObject({ applied: true });
  await gateway.events.publish(event('after-reload'));
  await waitFor('both events delivered', () => receiver.received.length >= 2);
  // A new endpoint starts at the oldest event kept.
  expect(receiver.received.map((r) => r.headers['webhook-id'])).toEqual(['before-reload', 'after-reload']);

  // A refused file (a metadata URL) keeps the endpoint in force.
  await writeFile(file, JSON.stringify([{ ...entry, webhooks: [{ url: 'http://169.254.169.254/latest', secret: TEST_WEBHOOK_SECRET }] }]));
  const refused = await gateway.reloadClients();
  expect(refused).toMatchObject({ applied: false });
  expect(refused.applied ? [] : refused.problems).toEqual([expect.stringMatching(/webhooks\[0\]\.url must not be a link-local address/)]);
  await gateway.events.publish(event('after-refusal'));
  await waitFor('the third event delivered', () => receiver.received.length >= 3);
  expect(receiver.received.map((r) => r.headers['webhook-id'])).toEqual(['before-reload', 'after-reload', 'after-refusal']);
});

it('a receiver down while the log passes its length cap gets every event afterwards, once each, in order: the endpoint holds the log', async () => {
  const receiver = await startReceiver();
  cleanups.push(() => receiver.close());
  let down = true;
  receiver.answer = () => (down ? 503 : 200);
  const state = memoryState({ ...DEFAULT_EVENT_LOG, maxLength: 5 });
  cleanups.push(() => state.close());
  const outcomes: DeliveryOutcome[] = [];
  const deliveries = startDeliveries(state, { onOutcome: (_client, _endpoint, outcome) => outcomes.push(outcome) });
  const registry = ClientRegistry.fromJson([
    { name: 'shop', keySha256: 'e'.repeat(64), scopes: ['read'], webhooks: [{ url: `${receiver.url}/h`, secret: TEST_WEBHOOK_SECRET }] },
  ]);
  deliveries.update(registry.webhookApps);
  const published = [];
  for (let i = 0; i < 20; i++) published.push((await state.events.publish(event(`held-${i}`))).id);
  await waitFor('the receiver to refuse a few attempts', () => outcomes.filter((o) => o === 'retried').length >= 3);
  // Four times the cap, all kept: the endpoint has not had them.
  expect((await state.events.read({}, undefined, 50)).events.map((e) => e.id)).toEqual(published);

  down = false;
  await waitFor('every event accepted', () => receiver.received.filter((r) => r.status === 200).length >= published.length);
  const accepted = receiver.received.filter((r) => r.status === 200);
  const verifier = new Webhook(TEST_WEBHOOK_SECRET);
  expect(accepted.map((r) => (verifier.verify(r.body, r.headers as Record<string, string>) as { data: { id: string } }).data.id)).toEqual(published);
  expect(outcomes.filter((o) => o === 'failed')).toEqual([]);
});

it('a host name that resolves to a link-local (metadata) address is refused at connect time, before anything is sent; the same lookup lets a loopback name through', async () => {
  const receiver = await startReceiver();
  cleanups.push(() => receiver.close());
  const port = new URL(receiver.url).port;
  const state = memoryState();
  cleanups.push(() => state.close());
  const outcomes: { endpoint: string; outcome: DeliveryOutcome }[] = [];
  const resolved: string[] = [];
  // A resolver standing in for DNS: one name points at the metadata address, the other at the receiver.
  const resolve = ((hostname: string, _options: unknown, callback: (error: Error | null, addresses: { address: string; family: number }[]) => void) => {
    resolved.push(hostname);
    callback(null, [{ address: hostname === 'hooks.metadata.test' ? '169.254.169.254' : '127.0.0.1', family: 4 }]);
  }) as unknown as typeof import('node:dns').lookup;
  const deliveries = startDeliveries(state, { resolve, onOutcome: (_client, endpoint, outcome) => outcomes.push({ endpoint, outcome }) });
  const registry = ClientRegistry.fromJson([
    {
      name: 'shop',
      keySha256: 'e'.repeat(64),
      scopes: ['read'],
      webhooks: [
        { url: `http://hooks.local.test:${port}/fine`, secret: TEST_WEBHOOK_SECRET },
        { url: `http://hooks.metadata.test:${port}/metadata`, secret: TEST_WEBHOOK_SECRET },
      ],
    },
  ]);
  const [fine, metadata] = registry.webhookApps[0]!.endpoints.map((e) => e.id);
  deliveries.update(registry.webhookApps);
  await state.events.publish(event('resolved'));

  await waitFor('the loopback name delivered', () => outcomes.some((o) => o.endpoint === fine && o.outcome === 'delivered'));
  await waitFor('the metadata name refused twice', () => outcomes.filter((o) => o.endpoint === metadata && o.outcome === 'retried').length >= 2);
  expect(resolved).toEqual(expect.arrayContaining(['hooks.local.test', 'hooks.metadata.test']));
  // Nothing was sent for it: every request the receiver got was the loopback endpoint's.
  expect(receiver.arrived.map((r) => r.headers.host)).toEqual([`hooks.local.test:${port}`]);
  expect(outcomes.filter((o) => o.endpoint === metadata && o.outcome === 'delivered')).toEqual([]);
});
