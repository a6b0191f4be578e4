/**
 * Webhooks to client apps when the replica delivering an endpoint is killed (SIGKILL: no release, no
 * goodbye) while its POST is in flight: two gateway processes on one Redis, as `npm start` runs them;
 * the other replica takes the endpoint over once the dead one's lease lapses (WEBHOOK_LEASE_MS) and
 * delivers the same event — accepted once, never two requests in flight.
 */
import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { killGatewaysAfterAll, spawnGateway } from '../helpers/process.js';
import { deletePrefix, keysUnder, TEST_REDIS_URL, testPrefix } from '../helpers/redis.js';
import { waitFor } from '../helpers/wait.js';
import { startReceiver, TEST_WEBHOOK_SECRET, type Receiver } from '../helpers/webhook-receiver.js';

killGatewaysAfterAll();

const prefix = testPrefix('webhooks-killed');
/** The embedded Talo sandbox's seeded pending payment (README's tour): settling it notifies the gateway. */
const SEEDED_PAYMENT = 'UGF5bWVudDpUQUxPOlZBUi00ZmQ0ZWQwYi1iMmY4LTQ4ZjItOWIyYy1iZDM0ODcxMDZjNDE';
let receiver: Receiver | undefined;
let dir: string | undefined;

afterAll(async () => {
  await receiver?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  await deletePrefix(prefix);
  expect(await keysUnder(prefix)).toEqual([]);
});

const deliveredBy = async (graphqlUrl: string): Promise<number> => {
  const text = await (await fetch(graphqlUrl.replace(/\/graphql$/, '/metrics'))).text();
  return [...text.matchAll(/^pasarela_webhook_deliveries_total\{[^}]*outcome="delivered"[^}]*\} (\d+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
};

it('a replica killed mid-delivery: the other takes the endpoint over when the lease lapses and delivers the event, accepted once', async () => {
  const rx = await startReceiver();
  receiver = rx;
  let accept = false;
  rx.answer = () => (accept ? 200 : 'hang');
  dir = await mkdtemp(join(tmpdir(), 'pasarela-killed-'));
  const clientsFile = join(dir, 'clients.json');
  const keySha256 = createHash('sha256').update('killed-replica-test-key').digest('hex');
  await writeFile(
    clientsFile,
    JSON.stringify([{ name: 'shop', keySha256, scopes: ['read'], webhooks: [{ url: `${rx.url}/hooks`, secret: TEST_WEBHOOK_SECRET }] }]),
  );
  const env = {
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: prefix,
    CLIENTS_FILE: clientsFile,
    WEBHOOK_TIMEOUT_MS: '5000',
    WEBHOOK_LEASE_MS: '6000',
    WEBHOOK_RETRY_BASE_MS: '100',
  };

  const a = spawnGateway(env);
  const atA = await a.ready();
  const settled = await fetch(`${atA.talo}/_sandbox/payments/${SEEDED_PAYMENT}/settle`, { method: 'POST' });
  expect(settled.status).toBe(201);
  await waitFor('replica A to post the event', () => rx.arrived.length >= 1, 20_000).catch((e: Error) => {
    throw new Error(`${e.message}\n${a.stdout()}\n${a.stderr()}`);
  });
  const eventId = rx.arrived[0]!.headers['webhook-id'];
  expect(eventId).toEqual(expect.any(String));

  const b = spawnGateway(env);
  const atB = await b.ready();
  // A holds the endpoint: its POST is in flight (the receiver does not answer); kill it there.
  await waitFor("replica A's attempt in flight", () => rx.inFlight >= 1);
  a.child.kill('SIGKILL');
  await a.exited;
  accept = true;

  const accepted = await waitFor(
    'the event accepted, posted by replica B',
    () => rx.received.find((r) => r.status === 200 && r.headers['webhook-id'] === eventId),
    30_000,
  );
  const verified = new Webhook(TEST_WEBHOOK_SECRET).verify(accepted.body, accepted.headers as Record<string, string>) as { data: { id: string } };
  expect(verified.data.id).toBe(eventId);
  // B counts the delivery once it has read the answer, after the receiver has written it.
  await waitFor('replica B counting the delivery', async () => (await deliveredBy(atB.graphql)) >= 1);
  expect(await deliveredBy(atB.graphql)).toBe(1);
  expect(rx.received.filter((r) => r.status === 200 && r.headers['webhook-id'] === eventId)).toHaveLength(1);
  // Never two requests at once: A's died with it before B's lease began.
  expect(rx.maxInFlight).toBe(1);
  b.child.kill('SIGTERM');
  await b.exited;
}, 90_000);
