/** A flaky Tupay over real HTTP: timeouts, 5xx, resets, 429, odd bodies, the breaker, request ids, leaks. */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { Secret } from '../../src/secret.js';
import type { TupayCredentials } from '../../src/sandbox/tupay/index.js';
import { call } from '../helpers/http.js';
import { leakRecorder } from '../helpers/leaks.js';
import { DAY, NOW, ROUTES, addFault, clientFactory, failure, startTupay, type TupaySandbox } from './tupay-fixture.js';

let sandbox: TupaySandbox;
let credentials: TupayCredentials;
const clients = clientFactory(() => ({ sandbox, credentials }));

beforeAll(async () => {
  ({ sandbox, credentials } = await startTupay());
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.reset());
afterEach(() => clients.closeAll());

const lastWeek = { from: new Date(NOW.getTime() - 7 * DAY * 1000), to: NOW };

describe('transport failures', () => {
  it('turns a hung answer into PROVIDER_UNAVAILABLE / TIMEOUT once its budget is spent (no retry after it)', async () => {
    const client = clients.make({ timeoutMs: 150, retry: { maxRetries: 1, baseDelayMs: 5, maxDelayMs: 10 } });
    await addFault(sandbox, { route: ROUTES.balance, mode: 'hang' });
    const error = await failure(client.balances());
    expect(error).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', reason: 'TIMEOUT', endpoint: 'GET v1/balance' });
    expect(sandbox.log.count(ROUTES.balance)).toBe(1);
  });

  it('turns a 5xx into SERVER_ERROR after the GET retries', async () => {
    const client = clients.make();
    await addFault(sandbox, { route: ROUTES.balance, mode: 'status', status: 502 });
    const error = await failure(client.balances());
    expect(error).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', reason: 'SERVER_ERROR', httpStatus: 502 });
    expect(sandbox.log.count(ROUTES.balance)).toBe(3);
  });

  it('rides over one 5xx in the middle of a paged listing', async () => {
    const client = clients.make();
    await client.balances();
    await addFault(sandbox, { route: ROUTES.deposits, mode: 'status', status: 503, times: 1 });
    const deposits = await client.deposits({ from: new Date(NOW.getTime() - 30 * DAY * 1000), to: NOW });
    expect(deposits.length).toBe(sandbox.state.deposits.range(NOW.getTime() / 1000 - 30 * DAY, NOW.getTime() / 1000).length);
  });

  it('turns a connection reset into NETWORK', async () => {
    const client = clients.make({ retry: { maxRetries: 0 } });
    await addFault(sandbox, { route: ROUTES.deposits, mode: 'reset' });
    const error = await failure(client.deposits(lastWeek));
    expect(error).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', reason: 'NETWORK', endpoint: 'GET v1/deposits' });
  });

  it('retries a 429 after its Retry-After, and gives up with RATE_LIMITED when asked to wait too long', async () => {
    const client = clients.make();
    await addFault(sandbox, { route: ROUTES.balance, mode: 'rate-limit', retryAfterSeconds: 1, times: 1 });
    expect(await client.balances()).toHaveLength(2);
    expect(sandbox.log.count(ROUTES.balance)).toBe(2);

    await addFault(sandbox, { route: ROUTES.balance, mode: 'rate-limit', retryAfterSeconds: 120, times: 1 });
    const error = await failure(client.balances());
    expect(error).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', reason: 'RATE_LIMITED', retryAfterMs: 120_000 });
    expect(sandbox.log.count(ROUTES.balance)).toBe(3);
  });

  it('never retries the login POST: one 503, one login request, and the next call logs in', async () => {
    const client = clients.make();
    await addFault(sandbox, { route: ROUTES.login, mode: 'status', status: 503, times: 1 });
    const error = await failure(client.balances());
    expect(error).toMatchObject({ reason: 'SERVER_ERROR', endpoint: 'POST v1/auth/login' });
    expect(sandbox.log.count(ROUTES.login)).toBe(1);
    expect(sandbox.log.count(ROUTES.balance)).toBe(0);
    expect(await client.balances()).toHaveLength(2);
    expect(sandbox.log.count(ROUTES.login)).toBe(2);
  });
});

describe('provider error bodies', () => {
  it('maps a 400 { code, description } to INVALID_INPUT with the safe provider message', async () => {
    const client = clients.make();
    await addFault(sandbox, { route: ROUTES.deposits, mode: 'error-body', status: 400, message: 'from must be an integer' });
    const error = await failure(client.deposits(lastWeek, {}, { requestId: 'req-400' }));
    expect(error).toMatchObject({
      code: 'PROVIDER_ERROR',
      reason: 'INVALID_INPUT',
      httpStatus: 400,
      providerMessage: 'from must be an integer',
      requestId: 'req-400',
    });
  });

  it('maps a 404 and a 500 error body to NOT_FOUND and SERVER_ERROR', async () => {
    const client = clients.make({ retry: { maxRetries: 0 } });
    await addFault(sandbox, { route: ROUTES.balance, mode: 'error-body', status: 404, message: 'No such merchant', times: 1 });
    expect(await failure(client.balances())).toMatchObject({ code: 'PROVIDER_ERROR', reason: 'NOT_FOUND', providerMessage: 'No such merchant' });
    await addFault(sandbox, { route: ROUTES.balance, mode: 'error-body', times: 1 });
    expect(await failure(client.balances())).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', reason: 'SERVER_ERROR', httpStatus: 500 });
  });

  it('turns an unreadable 200 into BAD_RESPONSE naming the field, never a TypeError', async () => {
    const client = clients.make();
    await addFault(sandbox, { route: ROUTES.balance, mode: 'error-body', status: 200, body: { balances: [{ currency: 'PEN', type: 'PRIMARY' }] }, times: 1 });
    const balance = await failure(client.balances());
    expect(balance).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', reason: 'BAD_RESPONSE' });
    expect(balance.message).toContain('balances[0].data');

    await addFault(sandbox, {
      route: ROUTES.deposits,
      mode: 'error-body',
      status: 200,
      body: { page: 0, rows: 1, maxRows: 50, data: [{ idDeposit: 7, currency: 'PEN' }] },
      times: 1,
    });
    // A record that cannot be read is skipped, not the page: the caller is told, with the field.
    const skipped: Error[] = [];
    expect(await client.deposits(lastWeek, {}, { onSkippedRow: (e) => skipped.push(e) })).toEqual([]);
    expect(skipped).toEqual([expect.objectContaining({ reason: 'BAD_RESPONSE', endpoint: 'GET v1/deposits' })]);
    expect(skipped[0]!.message).toContain('data[0].amount');
  });
});

describe('circuit breaker', () => {
  it('opens under repeated failures, stops calling Tupay, and closes again once it recovers', async () => {
    const client = clients.make({ retry: { maxRetries: 0 }, breaker: { threshold: 0.5, windowMs: 10_000, minimumCalls: 4, halfOpenAfterMs: 200 } });
    await client.balances();
    await addFault(sandbox, { route: ROUTES.balance, mode: 'status', status: 503 });

    const reasons: string[] = [];
    for (let i = 0; i < 6 && client.breakerState !== 'open'; i++) reasons.push((await failure(client.balances())).reason);
    expect(client.breakerState).toBe('open');
    expect(reasons.every((r) => r === 'SERVER_ERROR')).toBe(true);
    const sent = sandbox.log.count(ROUTES.balance);
    expect(await failure(client.balances())).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', reason: 'CIRCUIT_OPEN' });
    expect(sandbox.log.count(ROUTES.balance)).toBe(sent);

    await call(sandbox.url, 'DELETE', '/_sandbox/faults');
    // Waits for the half-open probe; a bound on failure, not a timing assertion.
    let recovered = false;
    for (let i = 0; i < 100 && !recovered; i++) {
      recovered = await client.balances().then(
        () => true,
        () => false,
      );
      if (!recovered) await sleep(20);
    }
    expect(recovered).toBe(true);
    expect(client.breakerState).toBe('closed');
  });
});

describe('call context', () => {
  it('sends ctx.requestId as x-request-id on every request of the call', async () => {
    const client = clients.make();
    await client.deposits({ from: new Date(NOW.getTime() - 90 * DAY * 1000), to: NOW }, {}, { requestId: 'req-tupay-42' });
    const sent = sandbox.log.list(ROUTES.deposits);
    expect(sent.length).toBeGreaterThan(2);
    for (const request of sent) expect(request.headers['x-request-id']).toBe('req-tupay-42');
  });

  it('stops when the caller goes away', async () => {
    const client = clients.make();
    const controller = new AbortController();
    controller.abort();
    expect(await failure(client.balances({ signal: controller.signal }))).toMatchObject({ reason: 'CANCELLED' });
  });
});

describe('secrets', () => {
  it('never shows the secret key or a session cookie in logs or errors', async () => {
    const recorder = leakRecorder();
    const seenTokens = new Set<string>();
    const remember = () => sandbox.tokens.all().forEach((t) => seenTokens.add(t));
    const client = clients.make({ logger: recorder.logger, retry: { maxRetries: 1, baseDelayMs: 5, maxDelayMs: 10 } });
    const wrong = clients.make({ logger: recorder.logger, secretKey: new Secret(`${credentials.secretKey}x`) });
    const attempt = (promise: Promise<unknown>) => recorder.record(promise).catch(() => undefined);

    await attempt(client.balances());
    await attempt(client.deposits(lastWeek, { statuses: ['COMPLETED', 'DECLINED'] }));
    remember();
    await call(sandbox.url, 'POST', '/_sandbox/tokens/expire');
    await attempt(client.cashouts(lastWeek)); // 401, re-login, replay
    remember();
    await addFault(sandbox, { route: ROUTES.balance, mode: 'status', status: 503, times: 2 });
    await attempt(client.balances());
    await addFault(sandbox, { route: ROUTES.deposits, mode: 'error-body', status: 400, message: `bad cookie BEARER_TOKEN=${[...seenTokens][0]}`, times: 1 });
    await attempt(client.deposits(lastWeek));
    await attempt(wrong.balances());
    await addFault(sandbox, {
      route: ROUTES.login,
      mode: 'error-body',
      status: 403,
      body: { code: 83, description: 'IP address 127.0.0.1 is not whitelisted' },
      times: 1,
    });
    await attempt(wrong.balances());
    await call(sandbox.url, 'POST', '/_sandbox/tokens/expire');
    await attempt(client.balanceReport(lastWeek));
    remember();
    await addFault(sandbox, { route: ROUTES.destroy, mode: 'status', status: 500, times: 1 });
    await client.logout();
    await attempt(client.balances());
    remember();
    await client.close();

    expect(recorder.errors.length).toBeGreaterThanOrEqual(4);
    expect(recorder.lines.length).toBeGreaterThan(0);
    expect(seenTokens.size).toBeGreaterThanOrEqual(4);
    recorder.expectNoSecrets([credentials.secretKey, `${credentials.secretKey}x`, ...seenTokens]);
  });
});
