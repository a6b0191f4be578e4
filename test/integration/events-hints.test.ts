/**
 * Notifications as hints, over real HTTP against the sandboxes: a TelePagos or Tupay notification in a
 * shape the gateway has never seen, posted unsigned to the provider's secret notification URL, is
 * confirmed by reading the object from the provider and published exactly once (its replays are
 * duplicates costing no provider call); the sandboxes' `hint` switch sends their own notifications
 * that way. Tupay's confirmation stays within a stated number of listing calls however busy the
 * merchant (over a thousand deposits seeded in the week). A wrong or missing token is refused with no
 * provider call, and so is a body holding no identifier.
 */
import 'reflect-metadata';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PaymentEventValue } from '../../src/events/bus.js';
import { telepagosSignature } from '../../src/providers/telepagos/assumptions.js';
import {
  TUPAY_HINT_MAX_LISTING_CALLS,
  TUPAY_HINT_NARROW_MAX_PAGES,
  TUPAY_HINT_NARROW_WINDOW_SECONDS,
  TUPAY_HINT_WIDE_SLICES_HOURS,
  TUPAY_PATHS,
} from '../../src/providers/tupay/assumptions.js';
import { notificationUrls, webhookUrl } from '../../src/providers/webhook-url.js';
import { taloWebhookUrl } from '../../src/providers/talo/webhook-url.js';
import type { ProviderId } from '../../src/providers/provider.js';
import { SANDBOX_CREDENTIALS } from '../../src/sandbox/credentials.js';
import { useTestGateway, type TestGateway } from '../helpers/gateway.js';
import { call, type CallResult } from '../helpers/http.js';

const CREATE_PAYMENT = `mutation($input: CreatePaymentInput!) { createPayment(input: $input) { payment { id } userErrors { message } } }`;
const QR_CHARGE = `mutation($input: CreateQrChargeInput!) { createQrCharge(input: $input) { qrOrderId userErrors { field message code } } }`;
const DAY_SEC = 86_400;
const FLOOD = 20;
type SandboxName = 'telepagos' | 'tupay' | 'talo';
type Published = PaymentEventValue & { cashin?: { id: string; amount: { amount: string } }; payment?: { id: string; status: string } };

const globalId = (provider: string, localId: string | number) => Buffer.from(`Cashin:${provider}:${localId}`).toString('base64url');

function providerCalls(gw: TestGateway, sandbox: SandboxName, path?: string): number {
  return gw.sandboxes[sandbox].log.list().filter((r) => !r.path.startsWith('/_sandbox') && (!path || r.path === path)).length;
}
const depositListings = (gw: TestGateway) => providerCalls(gw, 'tupay', `/${TUPAY_PATHS.deposits}`);

function collect(gw: TestGateway): Published[] {
  const seen: Published[] = [];
  const iterator = gw.gateway.events.subscribe({});
  void (async () => {
    for await (const event of iterator) seen.push(event as Published);
  })();
  return seen;
}

/** The secret notification URL the operator gives the provider. */
function tokenUrl(gw: TestGateway, provider: 'TELEPAGOS' | 'TUPAY'): string {
  const secret = provider === 'TELEPAGOS' ? gw.config.providers.telepagos!.webhookSecret : gw.config.providers.tupay!.webhookSecret;
  return webhookUrl(gw.url, provider as ProviderId, secret);
}

/** POSTs a body, unsigned, to an absolute URL exactly as given. */
function postTo(url: string, body: unknown): Promise<CallResult> {
  const { origin, pathname } = new URL(url);
  return call(origin, 'POST', pathname, { raw: typeof body === 'string' ? body : JSON.stringify(body) });
}

/** A TelePagos cash-in that exists in the sandbox but was never notified. */
async function quietCashin(gw: TestGateway, amount: string): Promise<number> {
  const { body } = await gw.query(QR_CHARGE, { input: { amount, concept: 'VAR', description: 'Mesa 9' } });
  expect(body.data.createQrCharge.userErrors).toEqual([]);
  const paid = await call(gw.sandboxes.telepagos.url, 'POST', `_sandbox/qr-orders/${body.data.createQrCharge.qrOrderId}/pay`);
  expect(paid.body.notification_id).toBeNull();
  return paid.body.cashin_id;
}

async function completedDeposit(gw: TestGateway, amount = '88.00'): Promise<{ id: number; creationDate: string }> {
  const created = await call(gw.sandboxes.tupay.url, 'POST', '_sandbox/deposits', { body: { amount } });
  expect(created.status).toBe(201);
  expect((await call(gw.sandboxes.tupay.url, 'POST', `_sandbox/deposits/${created.body.idDeposit}/status`, { body: { status: 'COMPLETED' } })).status).toBe(
    200,
  );
  return { id: created.body.idDeposit, creationDate: created.body.creationDate };
}

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 8_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const outcomes = (results: CallResult[]) => [...new Set(results.map((r) => `${r.status} ${r.body.outcome ?? r.body.error}`))];

describe('notifications as hints', () => {
  // A busy Tupay merchant: 150 deposits a day, over a thousand in the week.
  const gw = useTestGateway({
    publicUrlIsGateway: true,
    sandboxes: { now: new Date(), tupay: { days: 10, depositsPerDay: 150 } },
    env: { MAX_OPERATION_AMOUNT: '100000', WEBHOOK_CONFIRM_BURST: '1000' },
  });
  beforeAll(async () => {
    for (const name of ['telepagos', 'tupay', 'talo'] as const) {
      expect((await call(gw().sandboxes[name].url, 'PUT', '_sandbox/webhooks/config', { body: { baseDelayMs: 100, factor: 1 } })).status).toBe(200);
    }
  });

  it('TelePagos: a never-seen shape on the secret URL, for a real cash-in → confirmed and published once; replays are duplicates with 0 provider calls', async () => {
    const published = collect(gw());
    const id = await quietCashin(gw(), '432.10');
    const url = tokenUrl(gw(), 'TELEPAGOS');
    // Lying about the amount and the status: only the id is read.
    const notice = { data: { object: { transaction: { id: String(id), amount: 999999, status: 'REVERSED' } } }, kind: 'whatever' };
    const before = providerCalls(gw(), 'telepagos');
    const first = await postTo(url, notice);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ received: true, outcome: 'published' });
    expect(providerCalls(gw(), 'telepagos', `/v2/payment/cashin/${id}`)).toBeGreaterThanOrEqual(1);
    await waitFor(() => published.length === 1);
    expect(published[0]).toMatchObject({
      provider: 'TELEPAGOS',
      type: 'CASHIN_RECEIVED',
      cashin: { id: globalId('TELEPAGOS', id), amount: { amount: '432.10' } },
    });
    expect(providerCalls(gw(), 'telepagos')).toBeGreaterThan(before);

    const confirmedCalls = providerCalls(gw(), 'telepagos');
    // The same hint, the id as a number in another shape, and the signed format: all the same cash-in.
    const raw = JSON.stringify({
      event: 'cashin.credited',
      id,
      transaction_id: null,
      qr_order_id: null,
      link_id: null,
      reference_id: null,
      amount: '432.10',
      status: 'Aprobada',
      date: '2026-01-15 09:00:00',
    });
    const replays = await Promise.all([
      ...Array.from({ length: FLOOD }, () => postTo(url, notice)),
      postTo(url, { cashin_id: id, extra: [1, 2, 3] }),
      postTo(url, { resource: `https://api.telepagos.com.ar/v2/payment/cashin/${id}` }),
      call(gw().url, 'POST', 'webhooks/telepagos', { raw, headers: { 'x-signature': telepagosSignature(raw, SANDBOX_CREDENTIALS.telepagos.webhookSecret) } }),
    ]);
    expect(outcomes(replays)).toEqual(['200 duplicate']);
    expect(providerCalls(gw(), 'telepagos')).toBe(confirmedCalls);
    expect(published).toHaveLength(1);
  });

  it('TelePagos: an unknown cash-in id in a hint → 422 not_found, nothing published', async () => {
    const published = collect(gw());
    const refused = await postTo(tokenUrl(gw(), 'TELEPAGOS'), { data: { cashin: { id: 987654321 } } });
    expect(refused.status).toBe(422);
    expect(refused.body).toEqual({ error: 'not_found' });
    expect(published).toEqual([]);
  });

  it('TelePagos sandbox, hint switch: its own notifications go unsigned in another shape to the secret URL and publish once', async () => {
    const published = collect(gw());
    const sandbox = gw().sandboxes.telepagos.url;
    expect((await call(sandbox, 'PUT', '_sandbox/webhooks/config', { body: { shape: 'sideways' } })).status).toBe(400);
    expect((await call(sandbox, 'PUT', '_sandbox/webhooks/config', { body: { shape: 'hint' } })).status).toBe(200);
    expect((await call(sandbox, 'PUT', '_sandbox/webhook', { body: { url: tokenUrl(gw(), 'TELEPAGOS') } })).status).toBe(200);
    try {
      const { body } = await gw().query(QR_CHARGE, { input: { amount: '57.25', concept: 'VAR', description: 'Mesa 2' } });
      const paid = await call(sandbox, 'POST', `_sandbox/qr-orders/${body.data.createQrCharge.qrOrderId}/pay`);
      expect(paid.status).toBe(201);
      await waitFor(() => published.length === 1);
      expect(published[0]).toMatchObject({ type: 'CASHIN_RECEIVED', cashin: { id: globalId('TELEPAGOS', paid.body.cashin_id), amount: { amount: '57.25' } } });
      const delivery = (await call(sandbox, 'GET', '_sandbox/webhooks')).body.deliveries.find((d: { id: number }) => d.id === paid.body.notification_id);
      expect(delivery.headers['X-Signature']).toBeUndefined();
      expect(delivery.body.event).toBeUndefined();
      expect(delivery.body.data.object.transaction.id).toBe(String(paid.body.cashin_id));
      expect(delivery.attempts.map((a: { status?: number }) => a.status)).toEqual([200]);
    } finally {
      await call(sandbox, 'PUT', '_sandbox/webhooks/config', { body: { shape: 'documented' } });
      await call(sandbox, 'PUT', '_sandbox/webhook', { body: { url: null } });
    }
  });

  it('Tupay: a never-seen shape on the secret URL, for a real deposit of a busy merchant → published once within the narrow window; replays cost 0 calls', async () => {
    const state = gw().sandboxes.tupay.state;
    const nowSec = state.nowSec();
    expect(state.deposits.range(nowSec - 7 * DAY_SEC, nowSec).length).toBeGreaterThan(800);
    const published = collect(gw());
    const deposit = await completedDeposit(gw(), '88.00');
    const notice = {
      notification: { resource: 'deposit', depositId: String(deposit.id), creationDate: deposit.creationDate, amount: '1.00' },
      extra: { nested: [true] },
    };
    const before = depositListings(gw());
    const first = await postTo(tokenUrl(gw(), 'TUPAY'), notice);
    expect(first.body).toEqual({ received: true, outcome: 'published' });
    const listings = depositListings(gw()) - before;
    expect(listings).toBeGreaterThanOrEqual(1);
    expect(listings).toBeLessThanOrEqual(TUPAY_HINT_NARROW_MAX_PAGES);
    await waitFor(() => published.length === 1);
    expect(published[0]).toMatchObject({
      provider: 'TUPAY',
      type: 'CASHIN_RECEIVED',
      cashin: { id: globalId('TUPAY', deposit.id), amount: { amount: expect.stringMatching(/^88(\.0+)?$/) } },
    });

    const calls = providerCalls(gw(), 'tupay');
    const replays = await Promise.all(Array.from({ length: FLOOD }, (_, i) => postTo(tokenUrl(gw(), 'TUPAY'), i % 2 ? notice : { deposit_id: deposit.id })));
    expect(outcomes(replays)).toEqual(['200 duplicate']);
    expect(providerCalls(gw(), 'tupay')).toBe(calls);
    expect(published).toHaveLength(1);
  });

  it('Tupay: a deposit days old is found around the timestamp its notification carries, in few calls', async () => {
    const state = gw().sandboxes.tupay.state;
    const nowSec = state.nowSec();
    const old = state.deposits.range(nowSec - 4 * DAY_SEC, nowSec - 3 * DAY_SEC).find((d) => d.status === 'COMPLETED')!;
    expect(old).toBeDefined();
    const published = collect(gw());
    const before = depositListings(gw());
    const answer = await postTo(tokenUrl(gw(), 'TUPAY'), {
      type: 'deposit.completed',
      payload: { id: old.id, created_at: new Date(old.createdSec * 1000).toISOString() },
    });
    expect(answer.body).toEqual({ received: true, outcome: 'published' });
    expect(depositListings(gw()) - before).toBeLessThanOrEqual(TUPAY_HINT_NARROW_MAX_PAGES);
    await waitFor(() => published.length === 1);
    expect(published[0]!.cashin?.id).toBe(globalId('TUPAY', old.id));
  });

  it('Tupay: the search is bounded — a deposit days older than its timestamp-less notification is sought by id order within the stated listing calls', async () => {
    const state = gw().sandboxes.tupay.state;
    const nowSec = state.nowSec();
    // Older than the slices a search without id order reads, and notified with no timestamp: it is
    // looked for around the arrival, then by id order (test/integration/tupay-deposit-seek.test.ts).
    const old = state.deposits.range(nowSec - 6 * DAY_SEC, nowSec - 5 * DAY_SEC).find((d) => d.status === 'COMPLETED')!;
    const wideSec = TUPAY_HINT_WIDE_SLICES_HOURS.reduce((a, b) => a + b, 0) * 3600;
    expect(wideSec + TUPAY_HINT_NARROW_WINDOW_SECONDS).toBeLessThan(5 * DAY_SEC);
    const published = collect(gw());
    const before = depositListings(gw());
    const answer = await postTo(tokenUrl(gw(), 'TUPAY'), { deposit: { id: old.id } });
    expect(answer.body).toEqual({ received: true, outcome: 'published' });
    const listings = depositListings(gw()) - before;
    expect(listings).toBeLessThanOrEqual(TUPAY_HINT_MAX_LISTING_CALLS);
    expect(listings).toBeGreaterThan(TUPAY_HINT_NARROW_MAX_PAGES - 1);
    await waitFor(() => published.length === 1);
    expect(published[0]!.cashin?.id).toBe(globalId('TUPAY', old.id));
  });

  it('Tupay: a deposit hours old, notified with no timestamp, is found in the widened search, within the bound', async () => {
    const state = gw().sandboxes.tupay.state;
    const nowSec = state.nowSec();
    const recent = state.deposits.range(nowSec - 5 * 3600, nowSec - 4 * 3600);
    const target = recent.find((d) => d.status === 'COMPLETED' || d.status === 'APPROVED') ?? recent[0]!;
    expect(target).toBeDefined();
    const before = depositListings(gw());
    const answer = await postTo(tokenUrl(gw(), 'TUPAY'), { deposit_id: String(target.id) });
    expect(answer.status).toBe(200);
    expect(['published', 'ignored']).toContain(answer.body.outcome);
    const listings = depositListings(gw()) - before;
    // Not in the narrow window: the widened search finds it.
    expect(listings).toBeGreaterThan(1);
    expect(listings).toBeLessThanOrEqual(TUPAY_HINT_MAX_LISTING_CALLS);
  });

  it('Tupay sandbox, hint switch: its own notifications go unsigned in another shape to the secret URL and publish once', async () => {
    const published = collect(gw());
    const sandbox = gw().sandboxes.tupay.url;
    expect((await call(sandbox, 'PUT', '_sandbox/webhooks/config', { body: { shape: 'hint' } })).status).toBe(200);
    expect((await call(sandbox, 'PUT', '_sandbox/webhook', { body: { url: tokenUrl(gw(), 'TUPAY') } })).status).toBe(200);
    try {
      const deposit = await completedDeposit(gw(), '64.00');
      await waitFor(() => published.length === 1);
      expect(published[0]).toMatchObject({ type: 'CASHIN_RECEIVED', cashin: { id: globalId('TUPAY', deposit.id) } });
      await waitFor(async () => (await call(sandbox, 'GET', '_sandbox/webhooks')).body.deliveries.every((d: { state: string }) => d.state !== 'pending'));
      const mine = (await call(sandbox, 'GET', '_sandbox/webhooks')).body.deliveries.filter(
        (d: { body: any }) => d.body.data?.payin?.id === String(deposit.id),
      );
      // PENDING (confirmed, ignored), then COMPLETED (published): both answered 200, unsigned.
      expect(mine.map((d: { attempts: { status?: number }[] }) => d.attempts.map((a) => a.status))).toEqual([[200], [200]]);
      expect(mine.every((d: { headers: Record<string, string> }) => d.headers.Authorization === undefined && d.headers['X-Date'] === undefined)).toBe(true);
      expect(published).toHaveLength(1);
    } finally {
      await call(sandbox, 'PUT', '_sandbox/webhooks/config', { body: { shape: 'documented' } });
      await call(sandbox, 'PUT', '_sandbox/webhook', { body: { url: null } });
    }
  });

  it("Talo: a never-seen body shape on the payment's URL is confirmed by reading the payment; once final, replays cost 0 calls", async () => {
    const published = collect(gw());
    const { body } = await gw().query(CREATE_PAYMENT, {
      input: { price: { amount: '700.00', currency: 'ARS' }, externalId: `hint-${process.pid}-${Date.now()}`, redirectUrl: 'https://shop.example/thanks' },
    });
    expect(body.data.createPayment.userErrors).toEqual([]);
    const globalPaymentId = body.data.createPayment.payment.id as string;
    const paymentId = Buffer.from(globalPaymentId, 'base64url').toString().split(':')[2]!;
    const url = taloWebhookUrl(gw().url, gw().config.providers.talo!.webhookSecret);
    // A change Talo does not notify (the pending state itself was published at creation, as PAYMENT_CREATED).
    const stored = gw().sandboxes.talo.state.payments.get(paymentId)!;
    const webhookUrl = stored.webhookUrl;
    stored.webhookUrl = undefined;
    expect((await call(gw().sandboxes.talo.url, 'POST', `_sandbox/payments/${paymentId}/transfers`, { body: { amount: 100 } })).status).toBe(201);
    stored.webhookUrl = webhookUrl;
    const hint = { event: { type: 'payment.updated', data: { payment: { id: paymentId, payment_status: 'SUCCESS' } } } };
    expect((await postTo(url, hint)).body).toEqual({ received: true, outcome: 'published' });
    await waitFor(() => published.some((e) => e.type === 'PAYMENT_UPDATED'));
    // Talo's answer, not the body's claim.
    expect(published.filter((e) => e.type === 'PAYMENT_UPDATED').map((e) => e.payment?.status)).toEqual(['UNDERPAID']);

    expect((await call(gw().sandboxes.talo.url, 'POST', `_sandbox/payments/${paymentId}/settle`)).status).toBe(201);
    await waitFor(() => published.some((e) => e.payment?.status === 'SUCCESS'));
    const before = providerCalls(gw(), 'talo');
    const replays = await Promise.all(Array.from({ length: FLOOD }, (_, i) => postTo(url, i % 2 ? hint : { paymentId })));
    expect(outcomes(replays)).toEqual(['200 duplicate']);
    expect(providerCalls(gw(), 'talo')).toBe(before);
    expect(published.filter((e) => e.type === 'PAYMENT_UPDATED').map((e) => e.payment?.status)).toEqual(['UNDERPAID', 'SUCCESS']);
  });

  it('the URLs `npm run webhook-urls` prints are the ones the gateway accepts', () => {
    expect(notificationUrls(gw().config)).toEqual({ TELEPAGOS: tokenUrl(gw(), 'TELEPAGOS'), TUPAY: tokenUrl(gw(), 'TUPAY') });
    expect(tokenUrl(gw(), 'TELEPAGOS')).toMatch(new RegExp(`^${gw().url}/webhooks/telepagos/[A-Za-z0-9_-]{32}$`));
  });

  it('a wrong or missing token → 401 with no provider call; a bare path without a signature too', async () => {
    const id = await quietCashin(gw(), '11.00');
    const deposit = await completedDeposit(gw());
    const before = { telepagos: providerCalls(gw(), 'telepagos'), tupay: providerCalls(gw(), 'tupay') };
    for (const provider of ['TELEPAGOS', 'TUPAY'] as const) {
      const good = tokenUrl(gw(), provider);
      const token = good.split('/').at(-1)!;
      const base = good.slice(0, -token.length - 1);
      const body = provider === 'TELEPAGOS' ? { cashin_id: id } : { deposit_id: deposit.id };
      for (const url of [`${base}/${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`, `${base}/${token}x`, `${base}/demo`, base]) {
        const refused = await postTo(url, body);
        expect(refused.status, url).toBe(401);
        expect(refused.body).toEqual({ error: 'unauthenticated' });
      }
      // The other provider's token is not this one's.
      const other = tokenUrl(gw(), provider === 'TELEPAGOS' ? 'TUPAY' : 'TELEPAGOS')
        .split('/')
        .at(-1)!;
      expect((await postTo(`${base}/${other}`, body)).status).toBe(401);
    }
    expect({ telepagos: providerCalls(gw(), 'telepagos'), tupay: providerCalls(gw(), 'tupay') }).toEqual(before);
  });

  it('an authentic body with no recognisable id → 400 malformed, with no provider call', async () => {
    const before = { telepagos: providerCalls(gw(), 'telepagos'), tupay: providerCalls(gw(), 'tupay') };
    const bodies = [
      { kind: 'cashin', amount: '10.00' },
      { id: 5 }, // a bare id: nothing says what it identifies
      { data: { transaction: { id: '../1' } } },
      { data: { deposit: { id: 'abc' } } },
      [],
      'null',
    ];
    for (const provider of ['TELEPAGOS', 'TUPAY'] as const) {
      for (const body of bodies) {
        const refused = await postTo(tokenUrl(gw(), provider), body);
        expect(refused.status, `${provider} ${JSON.stringify(body)}`).toBe(400);
        expect(refused.body).toEqual({ error: 'malformed' });
      }
    }
    expect({ telepagos: providerCalls(gw(), 'telepagos'), tupay: providerCalls(gw(), 'tupay') }).toEqual(before);
  });
});
