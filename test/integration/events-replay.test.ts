/**
 * Replayed provider notifications, over real HTTP against the sandboxes: a published state is never
 * published again, however late the replay (the de-duplication memory's clock is injected and moved
 * past a day, a month, and its retention); a flood of replays costs no provider call after the first
 * confirmation (counted in the sandboxes' request logs); a genuinely new state is still published once;
 * the per-provider confirmation bucket refuses beyond its burst with 429 + Retry-After and no provider
 * call; Tupay's X-Date is held to 5 minutes either way. The last block runs the same rules with the
 * Redis store.
 */
import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import type { PaymentEventValue } from '../../src/events/bus.js';
import { MemoryEventDedupeStore, PUBLISHED_STATE_RETENTION_MS } from '../../src/events/dedupe.js';
import { telepagosSignature } from '../../src/providers/telepagos/assumptions.js';
import { taloWebhookUrl } from '../../src/providers/talo/webhook-url.js';
import { tupayAuthorizationHeader, tupayDateHeader } from '../../src/providers/tupay/assumptions.js';
import { SANDBOX_CREDENTIALS } from '../../src/sandbox/credentials.js';
import { memoryState, redisState } from '../../src/state/index.js';
import { SIGNED_TIMESTAMP_TOLERANCE_MS } from '../../src/webhooks/pipeline.js';
import { useTestGateway, type TestGateway } from '../helpers/gateway.js';
import { call, type CallResult } from '../helpers/http.js';
import { deletePrefix, keysUnder, TEST_REDIS_URL, testPrefix } from '../helpers/redis.js';

const QR_CHARGE = `mutation($input: CreateQrChargeInput!) { createQrCharge(input: $input) { qrOrderId userErrors { field message code } } }`;
const CREATE_PAYMENT = `mutation($input: CreatePaymentInput!) { createPayment(input: $input) { payment { id } userErrors { message } } }`;
const DAY = 24 * 60 * 60 * 1000;
const FLOOD = 40;
type SandboxName = 'telepagos' | 'talo' | 'tupay';

let seq = 0;
const unique = (label: string) => `replay-${label}-${process.pid}-${++seq}`;

/** Requests a sandbox received as a provider (its `_sandbox` control routes excluded). */
function providerCalls(gw: TestGateway, sandbox: SandboxName): number {
  return gw.sandboxes[sandbox].log.list().filter((r) => !r.path.startsWith('/_sandbox')).length;
}

type Published = PaymentEventValue & { payment?: { status: string }; cashin?: { id: string } };

/** Everything the gateway's bus publishes from now on. */
function collect(gw: TestGateway): Published[] {
  const seen: Published[] = [];
  const iterator = gw.gateway.events.subscribe({});
  void (async () => {
    for await (const event of iterator) seen.push(event as Published);
  })();
  return seen;
}

async function webhookCount(gw: TestGateway, provider: string, outcome: string): Promise<number> {
  const { values } = await gw.gateway.metrics.webhooks.get();
  return values.find((v) => v.labels.provider === provider && v.labels.outcome === outcome)?.value ?? 0;
}

/** A TelePagos cash-in that exists in the sandbox but was never notified. */
async function quietCashin(gw: TestGateway, amount = '321.00'): Promise<number> {
  const { body } = await gw.query(QR_CHARGE, { input: { amount, concept: 'VAR', description: 'Mesa 4' } });
  expect(body.data.createQrCharge.userErrors).toEqual([]);
  const paid = await call(gw.sandboxes.telepagos.url, 'POST', `_sandbox/qr-orders/${body.data.createQrCharge.qrOrderId}/pay`);
  expect(paid.body.notification_id).toBeNull();
  return paid.body.cashin_id;
}

const cashinNotice = (id: number, status = 'Aprobada') => ({
  event: 'cashin.credited',
  id,
  transaction_id: null,
  qr_order_id: null,
  link_id: null,
  reference_id: null,
  amount: '321.00',
  status,
  date: '2026-01-15 09:00:00',
});

/** A signed TelePagos request, kept so that it can be replayed byte for byte. */
function signedTelepagos(body: unknown): { raw: string; headers: Record<string, string> } {
  const raw = JSON.stringify(body);
  return { raw, headers: { 'x-signature': telepagosSignature(raw, SANDBOX_CREDENTIALS.telepagos.webhookSecret) } };
}

function signedTupay(depositId: number | string, at = new Date()): { raw: string; headers: Record<string, string> } {
  const raw = JSON.stringify({ deposit_id: depositId });
  const date = tupayDateHeader(at);
  const login = SANDBOX_CREDENTIALS.tupay.webhookLogin;
  return {
    raw,
    headers: { 'x-date': date, 'x-login': login, authorization: tupayAuthorizationHeader(date, login, raw, SANDBOX_CREDENTIALS.tupay.webhookSecret) },
  };
}

const post = (gw: TestGateway, path: string, request: { raw: string; headers: Record<string, string> }): Promise<CallResult> =>
  call(gw.url, 'POST', path, request);

function postTalo(gw: TestGateway, paymentId: string): Promise<CallResult> {
  const { origin, pathname } = new URL(taloWebhookUrl(gw.url, gw.config.providers.talo!.webhookSecret));
  return call(origin, 'POST', pathname, { raw: JSON.stringify({ message: 'Pago Actualizado', paymentId, externalId: 'x' }) });
}

async function taloPayment(gw: TestGateway): Promise<string> {
  const { body } = await gw.query(CREATE_PAYMENT, {
    input: { price: { amount: '1500.00', currency: 'ARS' }, externalId: unique('order'), redirectUrl: 'https://shop.example/thanks' },
  });
  expect(body.data.createPayment.userErrors).toEqual([]);
  return Buffer.from(body.data.createPayment.payment.id, 'base64url').toString().split(':')[2]!;
}

async function tupayDeposit(gw: TestGateway, status?: string): Promise<number> {
  const created = await call(gw.sandboxes.tupay.url, 'POST', '_sandbox/deposits', { body: { amount: '77.00' } });
  expect(created.status).toBe(201);
  if (status) expect((await call(gw.sandboxes.tupay.url, 'POST', `_sandbox/deposits/${created.body.idDeposit}/status`, { body: { status } })).status).toBe(200);
  return created.body.idDeposit;
}

const outcomes = (results: CallResult[]) => [...new Set(results.map((r) => `${r.status} ${r.body.outcome ?? r.body.error}`))];

describe('replay after the old 24 h window (de-duplication clock injected)', () => {
  const start = Date.now();
  let now = start;
  const state = { ...memoryState(), dedupe: new MemoryEventDedupeStore({ now: () => now }) };
  afterAll(() => state.close());
  const gw = useTestGateway({ sandboxes: { now: new Date() }, state });

  it('a TelePagos notice replayed a day, a month and a year later is a duplicate with no provider call; only past the retention is it confirmed again', async () => {
    const published = collect(gw());
    const id = await quietCashin(gw());
    const notice = signedTelepagos(cashinNotice(id));
    const first = await post(gw(), 'webhooks/telepagos', notice);
    expect(first.body).toEqual({ received: true, outcome: 'published' });
    expect(published.map((e) => e.cashin?.id)).toHaveLength(1);

    const before = providerCalls(gw(), 'telepagos');
    for (const later of [DAY + 60_000, 30 * DAY, 365 * DAY]) {
      now = start + later;
      const replay = await post(gw(), 'webhooks/telepagos', notice);
      expect(replay.status, `after ${later} ms`).toBe(200);
      expect(replay.body).toEqual({ received: true, outcome: 'duplicate' });
    }
    expect(providerCalls(gw(), 'telepagos')).toBe(before);
    expect(published).toHaveLength(1);

    // The stated bound: past PUBLISHED_STATE_RETENTION_MS the object is forgotten and confirmed anew.
    now = start + PUBLISHED_STATE_RETENTION_MS + 60_000;
    expect((await post(gw(), 'webhooks/telepagos', notice)).body.outcome).toBe('published');
    expect(providerCalls(gw(), 'telepagos')).toBeGreaterThan(before);
  });
});

describe('replays and new states, each provider', () => {
  const gw = useTestGateway({
    publicUrlIsGateway: true,
    sandboxes: { now: new Date() },
    env: { MAX_OPERATION_AMOUNT: '100000', WEBHOOK_CONFIRM_BURST: '1000' },
  });
  beforeAll(async () => {
    expect((await call(gw().sandboxes.talo.url, 'PUT', '_sandbox/webhooks/config', { body: { baseDelayMs: 100, factor: 1 } })).status).toBe(200);
  });

  it(`TelePagos: ${FLOOD} replays of a published notice cost 0 provider calls`, async () => {
    const published = collect(gw());
    const notice = signedTelepagos(cashinNotice(await quietCashin(gw())));
    expect((await post(gw(), 'webhooks/telepagos', notice)).body.outcome).toBe('published');
    const before = providerCalls(gw(), 'telepagos');
    const replays = await Promise.all(Array.from({ length: FLOOD }, () => post(gw(), 'webhooks/telepagos', notice)));
    expect(outcomes(replays)).toEqual(['200 duplicate']);
    expect(providerCalls(gw(), 'telepagos')).toBe(before);
    expect(published).toHaveLength(1);
  });

  it(`Talo: ${FLOOD} replays of the notification of a settled payment cost 0 provider calls`, async () => {
    const published = collect(gw());
    const paymentId = await taloPayment(gw());
    expect((await call(gw().sandboxes.talo.url, 'POST', `_sandbox/payments/${paymentId}/settle`)).status).toBe(201);
    await waitFor(() => published.some((e) => e.type === 'PAYMENT_UPDATED' && e.payment?.status === 'SUCCESS'));
    const before = providerCalls(gw(), 'talo');
    const replays = await Promise.all(Array.from({ length: FLOOD }, () => postTalo(gw(), paymentId)));
    expect(outcomes(replays)).toEqual(['200 duplicate']);
    expect(providerCalls(gw(), 'talo')).toBe(before);
    expect(published.filter((e) => e.type === 'PAYMENT_UPDATED')).toHaveLength(1);
  });

  it(`Tupay: ${FLOOD} replays of a completed deposit's notification (same request, and freshly signed) cost 0 provider calls`, async () => {
    const published = collect(gw());
    const depositId = await tupayDeposit(gw(), 'COMPLETED');
    const notice = signedTupay(depositId);
    expect((await post(gw(), 'webhooks/tupay', notice)).body.outcome).toBe('published');
    const before = providerCalls(gw(), 'tupay');
    const replays = await Promise.all(Array.from({ length: FLOOD }, (_, i) => post(gw(), 'webhooks/tupay', i % 2 ? notice : signedTupay(depositId))));
    expect(outcomes(replays)).toEqual(['200 duplicate']);
    expect(providerCalls(gw(), 'tupay')).toBe(before);
    expect(published).toHaveLength(1);
  });

  it('TelePagos: a new status of the same cash-in is published exactly once; replays of either status are not', async () => {
    const published = collect(gw());
    const id = await quietCashin(gw());
    const pending = signedTelepagos(cashinNotice(id, 'Pendiente'));
    const approved = signedTelepagos(cashinNotice(id, 'Aprobada'));
    expect((await post(gw(), 'webhooks/telepagos', pending)).body.outcome).toBe('published');
    expect((await post(gw(), 'webhooks/telepagos', approved)).body.outcome).toBe('published');
    const replays = await Promise.all([pending, approved, pending, approved].map((n) => post(gw(), 'webhooks/telepagos', n)));
    expect(outcomes(replays)).toEqual(['200 duplicate']);
    expect(published).toHaveLength(2);
    expect(new Set(published.map((e) => e.id)).size).toBe(2);
  });

  it('Talo: UNDERPAID then SUCCESS are each published once, whatever is replayed around them', async () => {
    const published = collect(gw());
    const paymentId = await taloPayment(gw());
    expect((await call(gw().sandboxes.talo.url, 'POST', `_sandbox/payments/${paymentId}/transfers`, { body: { amount: 1000 } })).status).toBe(201);
    await waitFor(() => published.some((e) => e.payment?.status === 'UNDERPAID'));
    // Talo's notification carries no state: replayed while the payment is still open it is confirmed, and a duplicate.
    expect((await postTalo(gw(), paymentId)).body.outcome).toBe('duplicate');
    expect((await call(gw().sandboxes.talo.url, 'POST', `_sandbox/payments/${paymentId}/settle`)).status).toBe(201);
    await waitFor(() => published.some((e) => e.payment?.status === 'SUCCESS'));
    expect((await postTalo(gw(), paymentId)).body.outcome).toBe('duplicate');
    expect(published.filter((e) => e.type === 'PAYMENT_UPDATED').map((e) => e.payment?.status)).toEqual(['UNDERPAID', 'SUCCESS']);
  });

  it('Tupay: PENDING is confirmed and ignored, COMPLETED is then published once', async () => {
    const published = collect(gw());
    const depositId = await tupayDeposit(gw());
    expect((await post(gw(), 'webhooks/tupay', signedTupay(depositId))).body.outcome).toBe('ignored');
    expect((await call(gw().sandboxes.tupay.url, 'POST', `_sandbox/deposits/${depositId}/status`, { body: { status: 'COMPLETED' } })).status).toBe(200);
    expect((await post(gw(), 'webhooks/tupay', signedTupay(depositId))).body.outcome).toBe('published');
    expect((await post(gw(), 'webhooks/tupay', signedTupay(depositId))).body.outcome).toBe('duplicate');
    expect(published.map((e) => e.type)).toEqual(['CASHIN_RECEIVED']);
  });

  it('Tupay: X-Date within 5 minutes either way is accepted; outside, refused with 401 and no provider call', async () => {
    expect(SIGNED_TIMESTAMP_TOLERANCE_MS).toBe(5 * 60_000);
    const depositId = await tupayDeposit(gw(), 'COMPLETED');
    const before = providerCalls(gw(), 'tupay');
    for (const offset of [-5.5 * 60_000, 5.5 * 60_000, -60 * 60_000]) {
      const refused = await post(gw(), 'webhooks/tupay', signedTupay(depositId, new Date(Date.now() + offset)));
      expect(refused.status, `offset ${offset}`).toBe(401);
      expect(refused.body).toEqual({ error: 'unauthenticated' });
    }
    expect(providerCalls(gw(), 'tupay')).toBe(before);
    const early = await post(gw(), 'webhooks/tupay', signedTupay(depositId, new Date(Date.now() - 4.5 * 60_000)));
    expect(early.body).toEqual({ received: true, outcome: 'published' });
    const late = await post(gw(), 'webhooks/tupay', signedTupay(depositId, new Date(Date.now() + 4.5 * 60_000)));
    expect(late.body).toEqual({ received: true, outcome: 'duplicate' });
  });
});

describe('the confirmation bucket, per provider', () => {
  const gw = useTestGateway({ publicUrlIsGateway: true, sandboxes: { now: new Date() }, env: { WEBHOOK_CONFIRM_BURST: '3', WEBHOOK_CONFIRM_PER_MINUTE: '1' } });

  it('beyond the burst: 429 with Retry-After, counted, no provider call; other providers and known duplicates unaffected', async () => {
    const cashins = [];
    for (let i = 0; i < 5; i++) cashins.push(await quietCashin(gw()));
    const firstNotice = signedTelepagos(cashinNotice(cashins[0]!));
    for (const id of cashins.slice(0, 3)) {
      expect((await post(gw(), 'webhooks/telepagos', id === cashins[0] ? firstNotice : signedTelepagos(cashinNotice(id)))).body.outcome).toBe('published');
    }
    const before = providerCalls(gw(), 'telepagos');
    const counted = await webhookCount(gw(), 'TELEPAGOS', 'rate_limited');
    for (const id of cashins.slice(3)) {
      const refused = await post(gw(), 'webhooks/telepagos', signedTelepagos(cashinNotice(id)));
      expect(refused.status).toBe(429);
      expect(refused.body).toEqual({ error: 'rate_limited' });
      // One token a minute: the provider is told to come back in about a minute.
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(30);
      expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    }
    expect(providerCalls(gw(), 'telepagos')).toBe(before);
    expect(await webhookCount(gw(), 'TELEPAGOS', 'rate_limited')).toBe(counted + 2);

    // A known duplicate needs no confirmation, so no token.
    expect((await post(gw(), 'webhooks/telepagos', firstNotice)).body.outcome).toBe('duplicate');
    // Each provider has its own bucket: Tupay is still confirmed.
    const depositId = await tupayDeposit(gw(), 'COMPLETED');
    expect((await post(gw(), 'webhooks/tupay', signedTupay(depositId))).body.outcome).toBe('published');
  });
});

describe('Redis mode: the same rules with the shared store', () => {
  const prefix = testPrefix('replay');
  const state = redisState(TEST_REDIS_URL, prefix);
  afterAll(async () => {
    await state.close();
    await deletePrefix(prefix);
  });
  const gw = useTestGateway({ sandboxes: { now: new Date() }, state, env: { WEBHOOK_CONFIRM_BURST: '2', WEBHOOK_CONFIRM_PER_MINUTE: '1' } });

  it('replays cost no provider call, the object is kept 400 days in Redis, and the bucket is shared', async () => {
    const published = collect(gw());
    const [first, second, third] = [await quietCashin(gw()), await quietCashin(gw()), await quietCashin(gw())];
    const notice = signedTelepagos(cashinNotice(first));
    expect((await post(gw(), 'webhooks/telepagos', notice)).body.outcome).toBe('published');
    const before = providerCalls(gw(), 'telepagos');
    const replays = await Promise.all(Array.from({ length: FLOOD }, () => post(gw(), 'webhooks/telepagos', notice)));
    expect(outcomes(replays)).toEqual(['200 duplicate']);
    expect(providerCalls(gw(), 'telepagos')).toBe(before);
    await waitFor(() => published.length === 1);
    expect(published).toHaveLength(1);

    const [key] = await keysUnder(`${prefix}event:TELEPAGOS:`);
    const redis = new Redis(TEST_REDIS_URL);
    try {
      expect(await redis.pttl(key!)).toBeGreaterThan(PUBLISHED_STATE_RETENTION_MS - 60_000);
    } finally {
      redis.disconnect();
    }

    expect((await post(gw(), 'webhooks/telepagos', signedTelepagos(cashinNotice(second)))).body.outcome).toBe('published');
    const refused = await post(gw(), 'webhooks/telepagos', signedTelepagos(cashinNotice(third)));
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBeDefined();
  });
});

async function waitFor(check: () => boolean, timeoutMs = 8_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
