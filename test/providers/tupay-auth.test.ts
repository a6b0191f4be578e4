/** The Tupay session over real HTTP: the cookie, renewal, 401 recovery, single-flight, refusals, logout. */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { Secret } from '../../src/secret.js';
import { TUPAY_SESSION_LIFETIME_SECONDS, tupayCookieHeader } from '../../src/providers/tupay/assumptions.js';
import type { TupayCredentials } from '../../src/sandbox/tupay/index.js';
import { call } from '../helpers/http.js';
import { leakRecorder } from '../helpers/leaks.js';
import { ROUTES, addFault, clientFactory, failure, startTupay, type TupaySandbox } from './tupay-fixture.js';

let sandbox: TupaySandbox;
let credentials: TupayCredentials;
const clients = clientFactory(() => ({ sandbox, credentials }));

beforeAll(async () => {
  ({ sandbox, credentials } = await startTupay({ days: 3 }));
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.reset());
afterEach(() => clients.closeAll());

const logins = (): number => sandbox.log.count(ROUTES.login);
const cookiesSent = (route: string): unknown[] => sandbox.log.list(route).map((r) => r.headers.cookie);

describe('the session cookie', () => {
  it('logs in with the API user and presents the session as Cookie: BEARER_TOKEN=…', async () => {
    const client = clients.make();
    await client.balances();
    const [login] = sandbox.log.list(ROUTES.login);
    expect(login?.body).toEqual({ accessKey: credentials.accessKey, secretKey: credentials.secretKey });
    const [token] = sandbox.tokens.all();
    const [balance] = sandbox.log.list(ROUTES.balance);
    expect(balance?.headers.cookie).toBe(tupayCookieHeader(token!));
    expect(balance?.headers.authorization).toBeUndefined();
  });

  it('reuses one session across calls', async () => {
    const client = clients.make();
    await client.balances();
    await client.deposits({ from: new Date(Date.now() - 86_400_000), to: new Date() });
    await client.balances();
    expect(logins()).toBe(1);
  });

  it('recovers from a 401 with exactly one new login and one replay', async () => {
    const client = clients.make();
    await client.balances();
    await call(sandbox.url, 'POST', '/_sandbox/tokens/expire');
    sandbox.log.clear();

    const balances = await client.balances();

    expect(balances).toHaveLength(2);
    expect(logins()).toBe(1);
    const [expired, fresh] = cookiesSent(ROUTES.balance);
    expect(cookiesSent(ROUTES.balance)).toHaveLength(2);
    expect(fresh).not.toBe(expired);
  });

  it('opens exactly one session for 100 concurrent calls after Tupay expired the old one', async () => {
    const client = clients.make();
    await client.balances();
    await call(sandbox.url, 'POST', '/_sandbox/tokens/expire');
    sandbox.log.clear();

    const results = await Promise.all(Array.from({ length: 100 }, () => client.balances()));

    expect(results.every((r) => r.length === 2)).toBe(true);
    expect(logins()).toBe(1);
  });
});

describe('renewal before expiry (the clock moved, not waited for)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date());
  });
  afterEach(() => vi.useRealTimers());

  const advance = (seconds: number): void => {
    vi.setSystemTime(Date.now() + seconds * 1000);
  };

  it('renews the session shortly before its 15 minutes are up, before using it', async () => {
    const client = clients.make();
    await client.balances();
    advance(TUPAY_SESSION_LIFETIME_SECONDS - 30);

    await client.balances();

    expect(logins()).toBe(2);
    const sent = cookiesSent(ROUTES.balance);
    expect(sent).toHaveLength(2); // no 401 and replay: the old session was never presented late
    expect(sent[1]).not.toBe(sent[0]);
  });

  it('sends exactly one login for 100 concurrent calls when the session has expired', async () => {
    const client = clients.make();
    await client.balances();
    advance(TUPAY_SESSION_LIFETIME_SECONDS + 60);

    const results = await Promise.all(Array.from({ length: 100 }, () => client.balances()));

    expect(results).toHaveLength(100);
    expect(logins()).toBe(2);
    expect(new Set(cookiesSent(ROUTES.balance).slice(1)).size).toBe(1);
  });
});

describe('refused logins', () => {
  it('fails a wrong secret with UNAUTHENTICATED after one login, without a storm', async () => {
    const client = clients.make({ secretKey: new Secret(`${credentials.secretKey}-wrong`) });

    const errors = await Promise.all(Array.from({ length: 20 }, () => failure(client.balances())));

    for (const error of errors) expect(error).toMatchObject({ code: 'PROVIDER_ERROR', reason: 'UNAUTHENTICATED', httpStatus: 401 });
    expect(logins()).toBe(1);
    expect(sandbox.log.count(ROUTES.balance)).toBe(0);
    await failure(client.balances());
    expect(logins()).toBe(2); // a failed login is not cached, but each call costs at most one
  });

  it('turns 403 code 83 (IP not whitelisted) into FORBIDDEN with a clear message, at login', async () => {
    const guarded = await startTupay({ days: 1, allowedIps: ['192.0.2.1'] });
    try {
      const client = clients.make({
        baseUrl: guarded.sandbox.url,
        accessKey: guarded.credentials.accessKey,
        secretKey: new Secret(guarded.credentials.secretKey),
      });
      const error = await failure(client.balances());
      expect(error).toMatchObject({ code: 'PROVIDER_ERROR', reason: 'FORBIDDEN', httpStatus: 403 });
      expect(error.message).toMatch(/not whitelisted.*code 83/);
      expect(guarded.sandbox.log.count(ROUTES.login)).toBe(1);
    } finally {
      await clients.closeAll();
      await guarded.sandbox.close();
    }
  });

  it('turns 403 code 83 into FORBIDDEN on a listing too, without a new login', async () => {
    const client = clients.make();
    await client.balances();
    await call(sandbox.url, 'PUT', '/_sandbox/allowed-ips', { body: { ips: ['192.0.2.1'] } });
    const error = await failure(client.deposits({ from: new Date(Date.now() - 86_400_000), to: new Date() }));
    expect(error).toMatchObject({ reason: 'FORBIDDEN', endpoint: 'GET v1/deposits' });
    expect(logins()).toBe(1);
  });
});

describe('logout', () => {
  it('destroys the session (Tupay then refuses the cookie) and the next call logs in again', async () => {
    const client = clients.make();
    await client.balances();
    const [token] = sandbox.tokens.all();

    await client.logout();

    expect(cookiesSent(ROUTES.destroy)).toEqual([tupayCookieHeader(token!)]);
    expect((await call(sandbox.url, 'GET', '/v1/balance', { headers: { cookie: tupayCookieHeader(token!) } })).status).toBe(401);
    sandbox.log.clear();
    await client.balances();
    expect(logins()).toBe(1);
    expect(sandbox.log.count(ROUTES.balance)).toBe(1); // the forgotten cookie was not tried first
  });

  it('sends nothing when never logged in, and nothing twice', async () => {
    const client = clients.make();
    await client.logout();
    expect(sandbox.log.count()).toBe(0);
    await client.balances();
    await client.logout();
    await client.logout();
    expect(sandbox.log.count(ROUTES.destroy)).toBe(1);
  });

  it('swallows a failed logout but logs it', async () => {
    const recorder = leakRecorder();
    const client = clients.make({ logger: recorder.logger });
    await client.balances();
    await addFault(sandbox, { route: ROUTES.destroy, mode: 'status', status: 500 });

    await expect(client.logout()).resolves.toBeUndefined();

    const warning = recorder.lines.map((l) => JSON.parse(l) as Record<string, any>).find((l) => l.msg?.includes('logout failed'));
    expect(warning?.error).toMatchObject({ reason: 'SERVER_ERROR', endpoint: 'DELETE v1/auth/session/destroy' });
    expect(sandbox.log.count(ROUTES.destroy)).toBe(1); // a DELETE is never retried
  });

  it('logs out when closed', async () => {
    const client = clients.make();
    await client.balances();
    await client.close();
    expect(sandbox.log.count(ROUTES.destroy)).toBe(1);
  });
});
