/**
 * What a flaky or refusing TelePagos does to the client: transport faults classified, GETs retried and
 * POSTs not (the cash-out alone, replayed with the same reference_id, moving money once), the breaker
 * opening and closing, provider refusals with safe messages, request ids passed on, and no secret in any
 * log line or error.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Secret } from '../../src/secret.js';
import { TELEPAGOS_STRICT_RULES } from '../../src/providers/telepagos/assumptions.js';
import { EXTERNAL_CVU, FIXTURE_ACCOUNTS, TELEPAGOS_WIRE_FACTS } from '../../src/sandbox/telepagos/index.js';
import { call } from '../helpers/http.js';
import { leakRecorder } from '../helpers/leaks.js';
import type { CreateCashoutInput, TelepagosClient } from '../../src/providers/telepagos/client.js';
import { ROUTES, control, count, failure, fault, logged, randomSecret, startHarness, summary, type Harness } from './telepagos-support.js';
import { telepagosRefusalReason, wireStatus } from '../helpers/variant.js';
import type { ProviderErrorReason } from '../../src/providers/errors.js';

const { demo, supplier } = FIXTURE_ACCOUNTS;
let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});
afterEach(async () => {
  await call(h.sandbox.url, 'DELETE', '/_sandbox/faults');
  await call(h.sandbox.url, 'PUT', '/_sandbox/strict', { body: { rules: [] } });
  await h.closeClients();
  h.sandbox.log.clear();
});

/** A client whose token is already in hand, so the counts below are the call's alone. */
async function warmClient(options: Parameters<Harness['client']>[0] = {}): Promise<TelepagosClient> {
  const client = h.client(options);
  await client.balance();
  h.sandbox.log.clear();
  return client;
}

const transfer = (overrides: Partial<CreateCashoutInput> = {}): CreateCashoutInput => ({
  alias: demo.alias,
  cuit: demo.cuit,
  amount: '250.00',
  referenceId: `ref-${randomSecret()}`,
  concept: 'VAR',
  description: 'Prueba',
  ...overrides,
});

describe('transport faults', () => {
  it('times out a hung call: PROVIDER_UNAVAILABLE/TIMEOUT once its budget is spent (no retry after it)', async () => {
    const client = await warmClient({ timeoutMs: 150, retry: { maxRetries: 1, baseDelayMs: 1 } });
    await fault(h.sandbox, { route: ROUTES.balance, mode: 'hang' });
    const error = await failure(client.balance());
    expect([error.code, error.reason, error.endpoint]).toEqual(['PROVIDER_UNAVAILABLE', 'TIMEOUT', 'GET v2/account/balance']);
    expect(count(h.sandbox, ROUTES.balance)).toBe(1);
  });

  it('reports a 5xx as SERVER_ERROR after retrying the GET', async () => {
    const client = await warmClient();
    await fault(h.sandbox, { route: ROUTES.balance, mode: 'status', status: 500 });
    const error = await failure(client.balance());
    expect([error.code, error.reason, error.httpStatus]).toEqual(['PROVIDER_UNAVAILABLE', 'SERVER_ERROR', 500]);
    expect(count(h.sandbox, ROUTES.balance)).toBe(3);
  });

  it('recovers a GET from one 503', async () => {
    const client = await warmClient();
    await fault(h.sandbox, { route: ROUTES.balance, mode: 'status', status: 503, times: 1 });
    await client.balance();
    expect(count(h.sandbox, ROUTES.balance)).toBe(2);
  });

  it('reports a connection reset as NETWORK', async () => {
    const client = await warmClient({ retry: { maxRetries: 0 } });
    await fault(h.sandbox, { route: ROUTES.balance, mode: 'reset' });
    const error = await failure(client.balance());
    expect([error.code, error.reason]).toEqual(['PROVIDER_UNAVAILABLE', 'NETWORK']);
  });

  it('retries a GET after a 429 with a short Retry-After, and gives up with RATE_LIMITED on a long one', async () => {
    const client = await warmClient();
    await fault(h.sandbox, { route: ROUTES.balance, mode: 'rate-limit', retryAfterSeconds: 0, times: 1 });
    await client.balance();
    expect(count(h.sandbox, ROUTES.balance)).toBe(2);

    h.sandbox.log.clear();
    await fault(h.sandbox, { route: ROUTES.balance, mode: 'rate-limit', retryAfterSeconds: 60 });
    const error = await failure(client.balance());
    expect([error.code, error.reason, error.retryAfterMs]).toEqual(['PROVIDER_UNAVAILABLE', 'RATE_LIMITED', 60_000]);
    expect(count(h.sandbox, ROUTES.balance)).toBe(1);
  });

  it('treats HTTP 200 with status error as a refusal, with the message made safe', async () => {
    const client = await warmClient();
    await fault(h.sandbox, { route: ROUTES.balance, mode: 'error-body', message: `Service error on account ${demo.cbu}`, times: 1 });
    const error = await failure(client.balance());
    expect([error.code, error.reason, error.httpStatus]).toEqual(['PROVIDER_ERROR', 'REJECTED', 200]);
    expect(error.providerMessage).toBe(`Service error on account ${'*'.repeat(18)}${demo.cbu.slice(-4)}`);
    expect(count(h.sandbox, ROUTES.balance)).toBe(1);
  });

  it('reads an answer it cannot understand as BAD_RESPONSE, never a TypeError', async () => {
    const client = await warmClient();
    await fault(h.sandbox, { route: ROUTES.balance, mode: 'error-body', body: { status: 'ok' }, times: 1 });
    const error = await failure(client.balance());
    expect([error.code, error.reason]).toEqual(['PROVIDER_UNAVAILABLE', 'BAD_RESPONSE']);
    await fault(h.sandbox, { route: ROUTES.transactions, mode: 'error-body', body: { status: 'ok', transactions: [null] }, times: 1 });
    expect((await failure(client.transactions({ from: '2025-06-01', to: '2025-06-15' }))).reason).toBe('BAD_RESPONSE');
  });
});

describe('paging', () => {
  const range = { from: '2025-05-20', to: '2025-06-15' };
  const shifted = { status: 'ok', transactions: [], number_of_results: 9_999, page: 1, pages: 1, pagination: 15 };

  it('reads the listing again when its counts change while paging', async () => {
    const client = await warmClient();
    const expected = await client.transactions(range);
    h.sandbox.log.clear();
    await fault(h.sandbox, { route: ROUTES.transactions, mode: 'error-body', body: shifted, times: 1 });
    expect(await client.transactions(range)).toEqual(expected);
    expect(logged(h.sandbox, ROUTES.transactions).filter((r) => r.query.page === '1')).toHaveLength(2);
  });

  it('gives up with BAD_RESPONSE when the listing keeps changing', async () => {
    const client = await warmClient();
    await fault(h.sandbox, { route: ROUTES.transactions, mode: 'error-body', body: shifted });
    const error = await failure(client.transactions(range));
    expect([error.reason, error.endpoint]).toEqual(['BAD_RESPONSE', 'GET v2/account/transactions']);
    expect(count(h.sandbox, ROUTES.transactions)).toBe(2);
  });
});

describe('retries that move money', () => {
  it('replays a cash-out after a 503 with the same reference_id, and the money moves once', async () => {
    const client = await warmClient();
    const before = await summary(h.sandbox);
    await fault(h.sandbox, { route: ROUTES.cashout, mode: 'status', status: 503, times: 1 });
    const input = transfer({ cbu: demo.cbu, alias: undefined, amount: '321.00' });
    const cashout = await client.createCashout(input);

    const sent = logged(h.sandbox, ROUTES.cashout).map((r) => r.body as Record<string, unknown>);
    expect(sent).toHaveLength(2);
    expect(sent[0]).toEqual(sent[1]);
    expect(sent[0]?.reference_id).toBe(input.referenceId);

    const after = await summary(h.sandbox);
    expect(after.cashouts).toBe(before.cashouts + 1);
    expect(after.transactions).toBe(before.transactions + 1);
    expect(after.balance_cents).toBe(before.balance_cents - 32_100);
    expect(h.sandbox.state.cashouts.get(Number(cashout.id))?.referenceId).toBe(input.referenceId);
  });

  it('replays a cash-out whose answer was lost (timeout) and still moves the money once', async () => {
    const client = await warmClient({ timeoutMs: 150 });
    const before = await summary(h.sandbox);
    await fault(h.sandbox, { route: ROUTES.cashout, mode: 'latency', latencyMs: 400, times: 1 });
    const input = transfer({ amount: '12.00' });
    // Waiting for the lost answer spends the call's budget: the caller hears TIMEOUT and sends the same
    // reference again (as a client retrying the mutation does).
    expect((await failure(client.createCashout(input))).reason).toBe('TIMEOUT');
    const cashout = await client.createCashout(input);
    // Let the first, slow request reach the handler too: it must find the replayed transfer.
    await sleep(500);
    const after = await summary(h.sandbox);
    expect(count(h.sandbox, ROUTES.cashout)).toBe(2);
    expect(after.cashouts).toBe(before.cashouts + 1);
    expect(after.balance_cents).toBe(before.balance_cents - 1_200);
    expect(cashout.id).toBe(String([...h.sandbox.state.cashouts.keys()].at(-1)));
  });

  it('sends every other POST and DELETE once, whatever happens', async () => {
    const client = await warmClient();
    const before = await summary(h.sandbox);
    const calls: [string, () => Promise<unknown>][] = [
      [ROUTES.qrGenerate, () => client.createQrCharge({ amount: '10', concept: 'VAR', description: 'x' })],
      [ROUTES.salePointCreate, () => client.createSalePoint(`Caja ${randomSecret().slice(0, 6)}`)],
      [
        'POST /v2/payment/cashin/transfer/generate',
        () => client.createTransferLink({ cbu: demo.cbu, cuit: demo.cuit, amount: '10', concept: 'VAR', description: 'x' }),
      ],
      [
        'POST /v2/payment/cashin/link/generate',
        () => client.createPaymentLink({ amount: '10', concept: 'VAR', expiresAt: '2025-07-01T00:00:00Z', multipleUse: false }),
      ],
      ['POST /v2/payment/cashin/qr/static/order', () => client.createSalePointQrOrder({ salePointId: '1', amount: '10', concept: 'VAR', description: 'x' })],
      ['DELETE /v2/payment/cashin/qr/sale-point', () => client.deleteSalePoint('4')],
    ];
    for (const [route, send] of calls) {
      await fault(h.sandbox, { route, mode: 'status', status: 503, times: 1 });
      const error = await failure(send());
      expect([error.reason, error.httpStatus], route).toEqual(['SERVER_ERROR', 503]);
      expect(count(h.sandbox, route), route).toBe(1);
    }
    const after = await summary(h.sandbox);
    expect(after).toEqual(before);
  });
});

describe('circuit breaker', () => {
  it('opens under repeated failures, fails fast while open, and closes once TelePagos recovers', async () => {
    const client = await warmClient({ retry: { maxRetries: 0 }, breaker: { threshold: 0.5, windowMs: 10_000, minimumCalls: 2, halfOpenAfterMs: 200 } });
    await fault(h.sandbox, { route: ROUTES.balance, mode: 'status', status: 500 });
    const reasons: string[] = [];
    for (let i = 0; i < 6 && client.breakerState !== 'open'; i++) reasons.push((await failure(client.balance())).reason);
    expect(reasons.every((r) => r === 'SERVER_ERROR')).toBe(true);
    expect(client.breakerState).toBe('open');

    const sent = count(h.sandbox, ROUTES.balance);
    const open = await failure(client.balance());
    expect([open.code, open.reason]).toEqual(['PROVIDER_UNAVAILABLE', 'CIRCUIT_OPEN']);
    expect(count(h.sandbox, ROUTES.balance)).toBe(sent);

    await call(h.sandbox.url, 'DELETE', '/_sandbox/faults');
    await sleep(250);
    await client.balance();
    expect(client.breakerState).toBe('closed');
  });
});

describe('call context', () => {
  it('sends ctx.requestId as X-Request-Id and puts it on errors', async () => {
    const client = await warmClient();
    await client.balance({ requestId: 'req-balance-1' });
    expect(logged(h.sandbox, ROUTES.balance)[0]?.headers['x-request-id']).toBe('req-balance-1');
    const error = await failure(client.cashoutVoucher('999999', { requestId: 'req-voucher-2' }));
    expect([error.reason, error.requestId]).toEqual(['NOT_FOUND', 'req-voucher-2']);
    expect(logged(h.sandbox, 'GET /v2/payment/cashout/:id')[0]?.headers['x-request-id']).toBe('req-voucher-2');
  });

  it('cancels the call when ctx.signal aborts', async () => {
    const client = await warmClient();
    await fault(h.sandbox, { route: ROUTES.balance, mode: 'hang' });
    const error = await failure(client.balance({ signal: AbortSignal.timeout(50) }));
    expect([error.code, error.reason]).toEqual(['PROVIDER_UNAVAILABLE', 'CANCELLED']);
    expect(count(h.sandbox, ROUTES.balance)).toBe(1);
  });
});

describe('provider refusals', () => {
  it('maps validation errors to PROVIDER_ERROR with the reason and a safe message', async () => {
    const client = await warmClient();
    await control(h.sandbox, 'PUT', '/_sandbox/strict', { rules: [TELEPAGOS_STRICT_RULES.cvuHolder] });
    const cases: [Partial<CreateCashoutInput>, string, string][] = [
      [{ alias: 'no.such.alias' }, 'INVALID_INPUT', 'The alias no.such.alias does not exist'],
      [{ alias: demo.alias, cuit: supplier.cuit }, 'INVALID_INPUT', `The alias ${demo.alias} belongs to another holder`],
      [{ alias: undefined, cbu: demo.cbu, cuit: supplier.cuit }, 'INVALID_INPUT', `The cvu ${'*'.repeat(18)}${demo.cbu.slice(-4)} belongs to another holder`],
      [{ amount: '999999999999.00' }, 'INVALID_INPUT', 'Insufficient funds'],
    ];
    for (const [overrides, reason, message] of cases) {
      const error = await failure(client.createCashout(transfer(overrides)));
      expect([error.code, error.reason, error.httpStatus, error.providerMessage, error.endpoint]).toEqual([
        'PROVIDER_ERROR',
        telepagosRefusalReason(reason as ProviderErrorReason, 422, TELEPAGOS_WIRE_FACTS),
        wireStatus(TELEPAGOS_WIRE_FACTS, 422),
        message,
        'POST v2/payment/cashout',
      ]);
      expect(error.message).not.toContain(demo.cbu);
    }
  });

  it('refuses a reference_id reused with other data as CONFLICT', async () => {
    const client = await warmClient();
    const first = transfer({ amount: '5.00' });
    await client.createCashout(first);
    expect((await client.createCashout(first)).id).toBeDefined(); // the same data is a harmless replay
    const error = await failure(client.createCashout({ ...first, amount: '6.00' }));
    expect([error.code, error.reason, error.httpStatus]).toEqual([
      'PROVIDER_ERROR',
      telepagosRefusalReason('CONFLICT', 409, TELEPAGOS_WIRE_FACTS),
      wireStatus(TELEPAGOS_WIRE_FACTS, 409),
    ]);
    expect(error.providerMessage).toContain('already used with different data');
  });

  it('refuses impossible input before sending anything', async () => {
    const client = await warmClient();
    for (const input of [transfer({ cbu: demo.cbu }), transfer({ alias: undefined }), transfer({ amount: '10.001' }), transfer({ amount: '-5' })]) {
      expect((await failure(client.createCashout(input))).reason).toBe('INVALID_INPUT');
    }
    expect((await failure(client.statistics('2025-13'))).reason).toBe('INVALID_INPUT');
    expect((await failure(client.cashin('../balance'))).reason).toBe('INVALID_INPUT');
    expect(h.sandbox.log.count()).toBe(0);
  });

  it('reads unknown ids as NOT_FOUND and a forbidden statistics call as FORBIDDEN', async () => {
    const client = await warmClient();
    expect((await failure(client.cashin('999999'))).reason).toBe('NOT_FOUND');
    await fault(h.sandbox, {
      route: 'GET /v2/whitelabel/statics/:period',
      mode: 'error-body',
      status: 403,
      message: 'The user is not related to the collecting account',
      times: 1,
    });
    expect((await failure(client.statistics('2025-06'))).reason).toBe('FORBIDDEN');
  });
});

describe('secrets', () => {
  it('never puts a password, token or full account number in a log line or an error', async () => {
    const recorder = leakRecorder();
    const wrongPassword = randomSecret();
    const client = h.client({ logger: recorder.logger });
    const stranger = h.client({ logger: recorder.logger, password: new Secret(wrongPassword) });
    const attempt = (promise: Promise<unknown>) => recorder.record(promise).catch(() => undefined);
    await control(h.sandbox, 'PUT', '/_sandbox/strict', { rules: [TELEPAGOS_STRICT_RULES.cvuHolder] });

    await attempt(client.balance());
    await control(h.sandbox, 'POST', '/_sandbox/tokens/expire');
    await attempt(client.balance()); // 401 → renewal → replay
    await attempt(client.createCashout(transfer({ alias: undefined, cbu: demo.cbu })));
    await attempt(client.createCashout(transfer({ alias: undefined, cbu: EXTERNAL_CVU, cuit: supplier.cuit })));
    await attempt(client.createCashout(transfer({ alias: undefined, cbu: demo.cbu, cuit: supplier.cuit })));
    await attempt(client.createCashout(transfer({ alias: undefined, cbu: supplier.cbu, amount: '999999999999.00', cuit: supplier.cuit })));
    await fault(h.sandbox, { route: ROUTES.balance, mode: 'error-body', message: `Bad token ${h.sandbox.tokens.all().at(-1)} for ${supplier.cbu}`, times: 1 });
    await attempt(client.balance());
    await fault(h.sandbox, { route: ROUTES.balance, mode: 'status', status: 401, times: 2 });
    await attempt(client.balance());
    await attempt(stranger.balance());
    await fault(h.sandbox, { route: ROUTES.cashout, mode: 'reset', times: 3 });
    await attempt(client.createCashout(transfer({ alias: undefined, cbu: supplier.cbu, cuit: supplier.cuit })));

    expect(recorder.errors.length).toBeGreaterThanOrEqual(6);
    expect(recorder.lines.filter((l) => l.includes('telepagos access token obtained')).length).toBeGreaterThanOrEqual(3);
    expect(recorder.lines.some((l) => l.includes('telepagos cash-out sent') && l.includes(demo.cbu.slice(-4)))).toBe(true);
    recorder.expectNoSecrets([h.credentials.password, wrongPassword, ...h.sandbox.tokens.all(), demo.cbu, supplier.cbu, EXTERNAL_CVU]);
  });
});
