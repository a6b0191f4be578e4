/** Tupay sandbox conformance: every fault mode of the common shell, against Tupay routes and error shape. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../helpers/http.js';
import type { RunningSandbox } from '../../src/sandbox/server.js';
import type { TupayState } from '../../src/sandbox/tupay/index.js';
import { DAY, NOW_SEC, login, startFixture, withCookie } from './tupay-support.js';

let sandbox: RunningSandbox<TupayState>;
let url: string;
let token: string;

beforeAll(async () => {
  sandbox = await startFixture({ days: 3 });
  url = sandbox.url;
  token = await login(url);
});
afterAll(() => sandbox.close());
afterEach(() => call(url, 'DELETE', '/_sandbox/faults'));

const addFault = async (spec: Record<string, unknown>) => {
  const response = await call(url, 'POST', '/_sandbox/faults', { body: spec });
  expect(response.status).toBe(201);
  return response.body.fault as { id: number };
};
const deposits = () => call(url, 'GET', '/v1/deposits', { headers: withCookie(token), query: { from: NOW_SEC - DAY, to: NOW_SEC } });
const balance = () => call(url, 'GET', '/v1/balance', { headers: withCookie(token) });
const hits = async (id: number) => (await call(url, 'GET', '/_sandbox/faults')).body.faults.find((f: any) => f.id === id)?.hits;

describe('faults on Tupay routes', () => {
  it('latency: answers normally after the delay', async () => {
    const fault = await addFault({ route: 'GET /v1/deposits', mode: 'latency', latencyMs: 30 });
    const response = await deposits();
    expect(response.status).toBe(200);
    expect(response.body.maxRows).toBe(50);
    expect(await hits(fault.id)).toBe(1);
  });

  it('status: 503 in the Tupay error shape, other routes untouched', async () => {
    await addFault({ route: 'GET /v1/balance', mode: 'status', status: 503 });
    const response = await balance();
    expect(response.status).toBe(503);
    expect(response.body).toEqual({ code: 503, description: expect.any(String) });
    expect((await deposits()).status).toBe(200);
  });

  it('error-body: 500 { code, description } by default, or the given body', async () => {
    await addFault({ route: 'GET /v1/balance', mode: 'error-body', message: 'Internal failure', times: 1 });
    expect(await balance()).toMatchObject({ status: 500, body: { code: 500, description: 'Internal failure' } });
    await addFault({ route: 'GET /v1/balance', mode: 'error-body', status: 200, body: { unexpected: true }, times: 1 });
    expect(await balance()).toMatchObject({ status: 200, body: { unexpected: true } });
  });

  it('hang: never answers, so a client-side timeout fires; the next request is served', async () => {
    await addFault({ route: 'GET /v1/balance', mode: 'hang', times: 1 });
    const pending = balance();
    pending.catch(() => undefined); // the socket is destroyed when the sandbox closes
    const outcome = await Promise.race([pending.then(() => 'answered'), new Promise((resolve) => setTimeout(resolve, 300, 'timed out'))]);
    expect(outcome).toBe('timed out');
    expect((await balance()).status).toBe(200);
  });

  it('reset: the connection drops without an answer', async () => {
    await addFault({ route: 'POST /v1/auth/login', mode: 'reset', times: 1 });
    await expect(call(url, 'POST', '/v1/auth/login', { body: {} })).rejects.toThrow();
    expect((await balance()).status).toBe(200);
  });

  it('rate-limit: 429 with Retry-After in the Tupay error shape', async () => {
    await addFault({ route: 'GET /v1/cashouts', mode: 'rate-limit', retryAfterSeconds: 7 });
    const response = await call(url, 'GET', '/v1/cashouts', { headers: withCookie(token), query: { from: NOW_SEC - DAY, to: NOW_SEC } });
    expect(response.status).toBe(429);
    expect(response.headers['retry-after']).toBe('7');
    expect(response.body).toEqual({ code: 429, description: expect.any(String) });
  });

  it('times: applies to that many requests, then disappears', async () => {
    await addFault({ route: 'GET /v1/deposits', mode: 'status', status: 503, times: 2 });
    expect((await deposits()).status).toBe(503);
    expect((await deposits()).status).toBe(503);
    expect((await deposits()).status).toBe(200);
    expect((await call(url, 'GET', '/_sandbox/faults')).body.faults).toEqual([]);
  });

  it('a fault comes before the session check, as an upstream outage would', async () => {
    await addFault({ route: 'GET /v1/balance/report', mode: 'status', status: 502, times: 1 });
    const response = await call(url, 'GET', '/v1/balance/report', { query: { from: NOW_SEC - DAY, to: NOW_SEC } });
    expect(response.status).toBe(502);
    expect(response.body.code).toBe(502);
  });
});
