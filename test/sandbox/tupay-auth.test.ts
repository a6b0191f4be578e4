/** Tupay sandbox conformance: login, the IP allow-list, the three token forms, sliding expiry, destroy. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../helpers/http.js';
import { TUPAY_IP_NOT_ALLOWED_CODE, TUPAY_SESSION_LIFETIME_SECONDS } from '../../src/providers/tupay/assumptions.js';
import type { RunningSandbox } from '../../src/sandbox/server.js';
import type { TupayState } from '../../src/sandbox/tupay/index.js';
import { LOGIN, login, startFixture, withCookie } from './tupay-support.js';

let sandbox: RunningSandbox<TupayState>;
let url: string;

beforeAll(async () => {
  sandbox = await startFixture();
  url = sandbox.url;
});
afterAll(() => sandbox.close());

const balance = (headers: Record<string, string>) => call(url, 'GET', '/v1/balance', { headers });

describe('POST /v1/auth/login', () => {
  it('answers the user and sets the BEARER_TOKEN cookie', async () => {
    const response = await call(url, 'POST', '/v1/auth/login', { body: LOGIN });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ idUser: expect.any(Number), username: LOGIN.accessKey, idMerchant: expect.any(Number) });
    expect(String(response.headers['set-cookie'])).toMatch(/^BEARER_TOKEN=[^;\s]+; Path=\/; HttpOnly$/);
  });

  it('refuses wrong credentials with 401 { code, description }', async () => {
    const response = await call(url, 'POST', '/v1/auth/login', { body: { ...LOGIN, secretKey: 'wrong' } });
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ code: 401, description: expect.any(String) });
    expect(response.headers['set-cookie']).toBeUndefined();
  });

  it('refuses a body without both keys with 400', async () => {
    const response = await call(url, 'POST', '/v1/auth/login', { body: { accessKey: LOGIN.accessKey } });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe(400);
  });

  it('answers 403 code 83 to an IP outside the allow-list, for login and for every other call', async () => {
    const token = await login(url);
    await call(url, 'PUT', '/_sandbox/allowed-ips', { body: { ips: ['10.9.8.7'] } });
    try {
      for (const response of [await call(url, 'POST', '/v1/auth/login', { body: LOGIN }), await balance(withCookie(token))]) {
        expect(response.status).toBe(403);
        expect(response.body).toEqual({ code: TUPAY_IP_NOT_ALLOWED_CODE, description: expect.stringContaining('127.0.0.1') });
      }
      await call(url, 'PUT', '/_sandbox/allowed-ips', { body: { ips: ['10.9.8.7', '127.0.0.1'] } });
      expect((await balance(withCookie(token))).status).toBe(200);
    } finally {
      await call(url, 'PUT', '/_sandbox/allowed-ips', { body: { ips: null } });
    }
  });

  it('takes the allow-list from the allowedIps option', async () => {
    const guarded = await startFixture({ allowedIps: ['192.0.2.1'], days: 1 });
    try {
      const response = await call(guarded.url, 'POST', '/v1/auth/login', { body: LOGIN });
      expect(response.status).toBe(403);
      expect(response.body.code).toBe(TUPAY_IP_NOT_ALLOWED_CODE);
    } finally {
      await guarded.close();
    }
  });
});

describe('presenting the session', () => {
  it('accepts the cookie among others, Authorization: BEARER_TOKEN=… and Authorization: Bearer …', async () => {
    const token = await login(url);
    const forms: Record<string, string>[] = [
      { cookie: `theme=dark; BEARER_TOKEN=${token}; lang=es` },
      { authorization: `BEARER_TOKEN=${token}` },
      { authorization: `Bearer ${token}` },
    ];
    for (const headers of forms) {
      const response = await balance(headers);
      expect(response.status, JSON.stringify(headers)).toBe(200);
      expect(response.body.balances.length).toBeGreaterThanOrEqual(2);
    }
  });

  it('answers 401 without a token and with an unknown one', async () => {
    for (const headers of [{}, withCookie('not-a-session'), { authorization: 'Bearer not-a-session' }]) {
      const response = await balance(headers);
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ code: 401, description: expect.any(String) });
    }
  });

  it('stops a destroyed session at once, and only that one', async () => {
    const token = await login(url);
    const other = await login(url);
    const destroyed = await call(url, 'DELETE', '/v1/auth/session/destroy', { headers: withCookie(token) });
    expect(destroyed.status).toBe(200);
    expect((await balance(withCookie(token))).status).toBe(401);
    expect((await call(url, 'DELETE', '/v1/auth/session/destroy', { headers: withCookie(token) })).status).toBe(401);
    expect((await balance(withCookie(other))).status).toBe(200);
  });

  it('expires sessions (POST /_sandbox/tokens/expire) with 401, and a new login works', async () => {
    const token = await login(url);
    const expired = await call(url, 'POST', '/_sandbox/tokens/expire');
    expect(expired.body.expired).toBeGreaterThan(0);
    expect((await balance(withCookie(token))).status).toBe(401);
    expect((await balance(withCookie(await login(url)))).status).toBe(200);
  });
});

describe('sliding expiry (manual clock)', () => {
  let nowMs = Date.UTC(2026, 0, 31, 12);
  let clocked: RunningSandbox<TupayState>;
  beforeAll(async () => {
    clocked = await startFixture({ days: 1, clock: () => nowMs });
  });
  afterAll(() => clocked.close());

  it('lasts 15 minutes after the last request, not after login', async () => {
    const token = await login(clocked.url);
    const lifetimeMs = TUPAY_SESSION_LIFETIME_SECONDS * 1000;
    // Three requests, each 14 minutes after the previous: 42 minutes in all, far past one lifetime.
    for (let i = 0; i < 3; i++) {
      nowMs += lifetimeMs - 60_000;
      expect((await call(clocked.url, 'GET', '/v1/balance', { headers: withCookie(token) })).status).toBe(200);
    }
    nowMs += lifetimeMs + 1_000;
    expect((await call(clocked.url, 'GET', '/v1/balance', { headers: withCookie(token) })).status).toBe(401);
  });

  it('follows the lifetime set through PUT /_sandbox/tokens/lifetime', async () => {
    await call(clocked.url, 'PUT', '/_sandbox/tokens/lifetime', { body: { seconds: 60 } });
    const token = await login(clocked.url);
    nowMs += 50_000;
    expect((await call(clocked.url, 'GET', '/v1/balance', { headers: withCookie(token) })).status).toBe(200);
    nowMs += 61_000;
    expect((await call(clocked.url, 'GET', '/v1/balance', { headers: withCookie(token) })).status).toBe(401);
  });
});
