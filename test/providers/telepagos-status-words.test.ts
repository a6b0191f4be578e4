/**
 * TelePagos status words, over HTTP against the sandbox: an answer is judged by its documented payload,
 * not by `status === "ok"` (the documents type `status` as a string on the token, balance and cash-out
 * endpoints). Other success words ("success", "OK") and unknown ones read, each counted as a wire
 * surprise; refusal words with a message are still refusals; a success word without the payload is
 * still a BAD_RESPONSE. The `status-word` fault forces the word on the sandbox's real answer.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TELEPAGOS_MESSAGES } from '../../src/providers/telepagos/assumptions.js';
import type { WireSurprise } from '../../src/providers/wire.js';
import { FIXTURE_ACCOUNTS } from '../../src/sandbox/telepagos/index.js';
import { call } from '../helpers/http.js';
import { SANDBOX_VARIANT } from '../helpers/variant.js';
import { ROUTES, TODAY, control, failure, fault, startHarness, summary, type Harness } from './telepagos-support.js';

let h: Harness;
const { demo } = FIXTURE_ACCOUNTS;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});
afterEach(async () => {
  await control(h.sandbox, 'PUT', '/_sandbox/token-refusal', { status: 401 });
  await control(h.sandbox, 'DELETE', '/_sandbox/faults');
  await h.closeClients();
  h.sandbox.log.clear();
});

let seq = 0;
const transfer = (amount = '12.34') => ({
  alias: demo.alias,
  cuit: demo.cuit,
  amount,
  referenceId: `words-${process.pid}-${++seq}`,
  concept: 'VAR',
  description: 'Prueba',
});

/** A client whose wire surprises are kept. */
function observed() {
  const surprises: WireSurprise[] = [];
  const client = h.client({ onWireSurprise: (s) => surprises.push(s) });
  const statusSurprises = () => surprises.filter((s) => s.field === 'status').map((s) => [s.endpoint, s.kind, s.detail]);
  return { client, surprises, statusSurprises };
}

describe('other success words', () => {
  it.each(['success', 'OK'])('reads "%s" on the token endpoint and every data endpoint, and the cash-out returns its one transfer', async (word) => {
    await fault(h.sandbox, { route: '*', mode: 'status-word', word });
    const { client, statusSurprises } = observed();
    const before = await summary(h.sandbox);

    // A fresh client: its first call asks for a token, answered with the word too.
    expect((await client.balance()).total.currency).toBe('ARS');
    expect(h.sandbox.log.list(ROUTES.token).map((e) => e.route)).toEqual([ROUTES.token]);
    expect((await client.concepts()).length).toBeGreaterThan(0);
    expect((await client.operations()).length).toBeGreaterThan(0);
    const page = await client.transactionsPage({ from: TODAY, to: TODAY, page: 1 });
    expect(page.pageSize).toBeGreaterThan(0);

    const cashout = await client.createCashout(transfer());
    expect(cashout.id).toMatch(/^\d+$/);
    expect(h.sandbox.log.count(ROUTES.cashout)).toBe(1);
    const after = await summary(h.sandbox);
    expect(after.cashouts).toBe(before.cashouts + 1);
    expect(after.balance_cents).toBe(before.balance_cents - 1234);
    expect(h.sandbox.state.cashouts.get(Number(cashout.id))?.referenceId).toBe(`words-${process.pid}-${seq}`);
    expect(
      Buffer.from(await client.cashoutVoucher(cashout.id), 'base64')
        .subarray(0, 5)
        .toString('latin1'),
    ).toBe('%PDF-');

    const { id } = await client.createSalePoint(`Caja ${word}`);
    await client.deleteSalePoint(id);
    expect((await client.salePoints()).map((p) => p.id)).not.toContain(id);

    // Each answer's word told as another form of "ok", never as an unknown status.
    expect(statusSurprises().every(([, kind, detail]) => kind === 'coerced_type' && detail === `${word} for ok`)).toBe(true);
    expect(statusSurprises().map(([endpoint]) => endpoint)).toEqual(
      expect.arrayContaining(['POST v2/auth/token', 'GET v2/account/balance', 'POST v2/payment/cashout', 'DELETE v2/payment/cashin/qr/sale-point']),
    );
  });

  it('a cash-out answered "success" and replayed after a lost answer is still one transfer, with its id', async () => {
    const input = transfer('5.00');
    const { client } = observed();
    await client.balance(); // the token first, so the faults below meet the cash-out only
    await fault(h.sandbox, { route: ROUTES.cashout, mode: 'status', status: 503, times: 1 });
    await fault(h.sandbox, { route: ROUTES.cashout, mode: 'status-word', word: 'success' });
    const before = await summary(h.sandbox);
    const first = await client.createCashout(input);
    const again = await client.createCashout(input);
    expect(again.id).toBe(first.id);
    expect(h.sandbox.log.count(ROUTES.cashout)).toBe(3); // the 503, the retry, the caller's replay
    expect(new Set(h.sandbox.log.list(ROUTES.cashout).map((e) => (e.body as { reference_id: string }).reference_id))).toEqual(new Set([input.referenceId]));
    expect((await summary(h.sandbox)).cashouts).toBe(before.cashouts + 1);
  });
});

describe('unknown words', () => {
  it('reads the payload under an unknown word or none, and counts each as an unknown_status surprise', async () => {
    const { client, statusSurprises } = observed();
    await client.balance();
    await fault(h.sandbox, { route: ROUTES.cashout, mode: 'status-word', word: 'procesado' });
    await fault(h.sandbox, { route: ROUTES.balance, mode: 'status-word', word: null });
    const before = await summary(h.sandbox);
    const cashout = await client.createCashout(transfer('3.00'));
    expect(cashout.id).toMatch(/^\d+$/);
    expect((await summary(h.sandbox)).cashouts).toBe(before.cashouts + 1);
    expect(h.sandbox.log.count(ROUTES.cashout)).toBe(1);
    expect((await client.balance()).total.currency).toBe('ARS');
    // (The alternate variant's own words are another form of "ok": coerced_type, left out here.)
    expect(statusSurprises().filter(([, kind]) => kind === 'unknown_status')).toEqual([
      ['POST v2/payment/cashout', 'unknown_status', 'procesado'],
      ['GET v2/account/balance', 'unknown_status', '(none)'],
    ]);
  });

  it('an unknown word with no payload is a BAD_RESPONSE, never a refusal (the outcome stays open)', async () => {
    const client = h.client();
    await client.balance();
    await fault(h.sandbox, { route: ROUTES.cashout, mode: 'error-body', status: 200, body: { status: 'procesando', message: 'En curso' } });
    expect((await failure(client.createCashout(transfer()))).reason).toBe('BAD_RESPONSE');
    // Deleting a sale point documents nothing but `status`: an unknown word there says nothing either.
    const { id } = await client.createSalePoint('Caja efímera');
    await fault(h.sandbox, { route: 'DELETE /v2/payment/cashin/qr/sale-point', mode: 'status-word', word: 'procesado' });
    expect((await failure(client.deleteSalePoint(id))).reason).toBe('BAD_RESPONSE');
  });
});

describe('refusals and missing payloads', () => {
  it.each(['error', 'fail', 'rejected', 'FAILED'])('a body with status "%s" and a message, and no payload, is a refusal carrying the message', async (word) => {
    const client = h.client();
    await client.balance();
    const before = await summary(h.sandbox);
    await fault(h.sandbox, { route: ROUTES.cashout, mode: 'error-body', status: 200, body: { status: word, message: 'Saldo insuficiente' } });
    expect(await failure(client.createCashout(transfer()))).toMatchObject({ reason: 'REJECTED', providerMessage: 'Saldo insuficiente' });
    expect(h.sandbox.log.count(ROUTES.cashout)).toBe(1);
    expect((await summary(h.sandbox)).cashouts).toBe(before.cashouts);
  });

  it("a real refusal with another refusal word keeps the provider's message", async () => {
    const client = h.client();
    h.sandbox.answerRewrites.set(ROUTES.cashout, (body) => ({ ...(body as object), status: 'rejected' }));
    try {
      const error = await failure(client.createCashout({ ...transfer(), cuit: '30500010912' }));
      expect(error.reason).not.toBe('BAD_RESPONSE');
      expect(error.providerMessage).toMatch(/belongs to another holder/);
    } finally {
      h.sandbox.answerRewrites.delete(ROUTES.cashout);
    }
  });

  it('wrong credentials refused with another word are UNAUTHENTICATED', async () => {
    await fault(h.sandbox, { route: ROUTES.token, mode: 'error-body', status: 200, body: { status: 'fail', message: TELEPAGOS_MESSAGES.wrongCredentials } });
    expect((await failure(h.client().balance())).reason).toBe('UNAUTHENTICATED');
  });

  it('a token refused with another word and HTTP 200 is renewed once and the call replayed', async () => {
    const client = h.client();
    await client.balance();
    await control(h.sandbox, 'POST', '/_sandbox/tokens/expire');
    await control(h.sandbox, 'PUT', '/_sandbox/token-refusal', { status: 200 });
    const refusals: unknown[] = [];
    h.sandbox.answerRewrites.set(ROUTES.balance, (body) => {
      const answer = body as { status: string; message?: string };
      if (answer.status !== 'error') return body;
      refusals.push(answer.message);
      return { ...answer, status: 'Failed' };
    });
    h.sandbox.log.clear();
    try {
      expect((await client.balance()).total.currency).toBe('ARS');
    } finally {
      h.sandbox.answerRewrites.delete(ROUTES.balance);
    }
    expect(refusals).toEqual([TELEPAGOS_MESSAGES.tokenExpired]);
    expect(h.sandbox.log.count(ROUTES.token)).toBe(1);
    expect(h.sandbox.log.count(ROUTES.balance)).toBe(2);
  });

  it('a success word without the documented payload is a BAD_RESPONSE: token, data and cash-out alike', async () => {
    await fault(h.sandbox, { route: ROUTES.token, mode: 'error-body', status: 200, body: { status: 'OK' }, times: 1 });
    expect(await failure(h.client().balance())).toMatchObject({ reason: 'BAD_RESPONSE', endpoint: 'POST v2/auth/token' });
    const client = h.client();
    await fault(h.sandbox, { route: ROUTES.balance, mode: 'error-body', status: 200, body: { status: 'success', message: 'ok' }, times: 1 });
    expect(await failure(client.balance())).toMatchObject({ reason: 'BAD_RESPONSE', endpoint: 'GET v2/account/balance' });
    await fault(h.sandbox, { route: ROUTES.cashout, mode: 'error-body', status: 200, body: { status: 'success' }, times: 1 });
    expect(await failure(client.createCashout(transfer()))).toMatchObject({ reason: 'BAD_RESPONSE', endpoint: 'POST v2/payment/cashout' });
  });
});

describe('the documented "ok"', () => {
  it('reads as before, with no status surprise', async () => {
    await control(h.sandbox, 'PUT', '/_sandbox/variant', { variant: 'documented' });
    try {
      const { client, statusSurprises } = observed();
      await client.balance();
      const cashout = await client.createCashout(transfer('1.00'));
      expect(h.sandbox.log.list(ROUTES.cashout).length).toBe(1);
      expect(cashout.id).toMatch(/^\d+$/);
      await client.deleteSalePoint((await client.createSalePoint('Caja ok')).id);
      expect(statusSurprises()).toEqual([]);
    } finally {
      await control(h.sandbox, 'PUT', '/_sandbox/variant', { variant: SANDBOX_VARIANT });
    }
  });
});

describe('the sandbox', () => {
  it('plays other words in the alternate variant; a status-word fault leaves refusals alone and needs a word', async () => {
    const token = await call<Record<string, unknown>>(h.sandbox.url, 'POST', '/v2/auth/token', {
      body: h.credentials,
      headers: { 'x-sandbox-variant': 'alternate' },
    });
    expect(token.body.status).toBe('success');
    const balance = await call<Record<string, unknown>>(h.sandbox.url, 'GET', '/v2/account/balance', {
      headers: { authorization: `Bearer ${String(token.body.token)}`, 'x-sandbox-variant': 'alternate' },
    });
    expect(balance.body.status).toBe('OK');
    await fault(h.sandbox, { route: ROUTES.balance, mode: 'status-word', word: 'success' });
    const refusal = await call<Record<string, unknown>>(h.sandbox.url, 'GET', '/v2/account/balance');
    expect(refusal.body).toEqual({ status: 'error', message: TELEPAGOS_MESSAGES.tokenMissing });
    const refused = await call(h.sandbox.url, 'POST', '/_sandbox/faults', { body: { route: '*', mode: 'status-word' } });
    expect(refused.status).toBe(400);
  });
});
