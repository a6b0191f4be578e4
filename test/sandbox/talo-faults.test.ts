/** Talo sandbox conformance: every fault mode of the common shell, against Talo's own routes. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../helpers/http.js';
import type { RunningSandbox } from '../../src/sandbox/server.js';
import type { TaloState } from '../../src/sandbox/talo/index.js';
import { ACCOUNT, bearer, createPayment, issueToken, startFixture } from './talo-fixture.js';

const GET_PAYMENT = 'GET /payments/:id';
const CREATE_PAYMENT = 'POST /payments/';
const TOKENS = 'POST /users/:user_id/tokens';

describe('Talo sandbox: fault injection', () => {
  let sandbox: RunningSandbox<TaloState>;
  let token: string;
  let paymentId: string;
  beforeAll(async () => {
    sandbox = await startFixture();
    token = await issueToken(sandbox.url);
    paymentId = (await createPayment(sandbox.url, token)).id as string;
  });
  afterAll(() => sandbox.close());
  afterEach(async () => {
    await call(sandbox.url, 'DELETE', '/_sandbox/faults');
  });

  const inject = async (spec: Record<string, unknown>) => {
    const response = await call(sandbox.url, 'POST', '/_sandbox/faults', { body: spec });
    expect(response.status).toBe(201);
    return response.body.fault as { id: number };
  };
  const getPayment = () => call(sandbox.url, 'GET', `/payments/${paymentId}`, { headers: bearer(token) });
  const requestToken = () =>
    call(sandbox.url, 'POST', `/users/${ACCOUNT.userId}/tokens`, {
      body: { client_id: ACCOUNT.clientId, client_secret: ACCOUNT.clientSecret },
    });

  it('latency: answers normally after the delay, and the fault counts its hit', async () => {
    const fault = await inject({ route: GET_PAYMENT, mode: 'latency', latencyMs: 50 });
    const response = await getPayment();
    expect(response.status).toBe(200);
    expect(response.body.data.id).toBe(paymentId);
    const { faults } = (await call(sandbox.url, 'GET', '/_sandbox/faults')).body;
    expect(faults).toEqual([expect.objectContaining({ id: fault.id, hits: 1 })]);
  });

  it('status: 503 in Talo error shape, without touching state', async () => {
    await inject({ route: CREATE_PAYMENT, mode: 'status', status: 503 });
    const before = (await call(sandbox.url, 'GET', '/_sandbox/payments')).body.payments.length;
    const response = await call(sandbox.url, 'POST', '/payments/', { headers: bearer(token), body: {} });
    expect(response.status).toBe(503);
    expect(response.body).toEqual({ message: expect.any(String), error: true, data: null });
    expect((await call(sandbox.url, 'GET', '/_sandbox/payments')).body.payments.length).toBe(before);
  });

  it('error-body: Talo error with the default 500 and the given message, or a whole custom body', async () => {
    await inject({ route: GET_PAYMENT, mode: 'error-body', message: 'Error interno', times: 1 });
    const standard = await getPayment();
    expect(standard.status).toBe(500);
    expect(standard.body).toEqual({ message: 'Error interno', error: true, data: null });

    await inject({ route: GET_PAYMENT, mode: 'error-body', status: 200, body: { message: 'raro', error: true, code: 'X' }, times: 1 });
    const custom = await getPayment();
    expect(custom.status).toBe(200);
    expect(custom.body).toEqual({ message: 'raro', error: true, code: 'X' });
  });

  it('hang: never answers, so the client must time out; the next request works', async () => {
    await inject({ route: GET_PAYMENT, mode: 'hang', times: 1 });
    const pending = getPayment();
    // The hung request ends (with a socket error) only when the sandbox closes: keep it from going unhandled.
    pending.catch(() => undefined);
    const timeout = new Promise((_resolve, reject) => setTimeout(() => reject(new Error('client timeout')), 300).unref());
    await expect(Promise.race([pending, timeout])).rejects.toThrow('client timeout');
    expect((await getPayment()).status).toBe(200);
  });

  it('reset: the connection is dropped without an answer', async () => {
    await inject({ route: GET_PAYMENT, mode: 'reset', times: 1 });
    await expect(getPayment()).rejects.toMatchObject({ code: expect.stringMatching(/^(UND_ERR_SOCKET|ECONNRESET)$/) });
    expect((await getPayment()).status).toBe(200);
  });

  it('rate-limit: 429 with Retry-After, in Talo error shape, on the token route', async () => {
    await inject({ route: TOKENS, mode: 'rate-limit', retryAfterSeconds: 7 });
    const response = await requestToken();
    expect(response.status).toBe(429);
    expect(response.headers['retry-after']).toBe('7');
    expect(response.body).toMatchObject({ error: true, data: null });
  });

  it('times: the fault applies to the next N requests, then disappears', async () => {
    await inject({ route: TOKENS, mode: 'status', status: 502, times: 2 });
    expect((await requestToken()).status).toBe(502);
    expect((await requestToken()).status).toBe(502);
    const third = await requestToken();
    expect(third.status).toBe(200);
    expect(third.body.data.token).toEqual(expect.any(String));
    expect((await call(sandbox.url, 'GET', '/_sandbox/faults')).body.faults).toEqual([]);
  });

  it('records what the client sent, fault or not', async () => {
    await call(sandbox.url, 'DELETE', '/_sandbox/requests');
    await inject({ route: '*', mode: 'status', status: 500, times: 1 });
    await getPayment();
    const { requests } = (await call(sandbox.url, 'GET', '/_sandbox/requests', { query: { route: GET_PAYMENT } })).body;
    expect(requests).toEqual([
      expect.objectContaining({ path: `/payments/${paymentId}`, headers: expect.objectContaining({ authorization: `Bearer ${token}` }) }),
    ]);
  });
});
