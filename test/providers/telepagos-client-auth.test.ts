/**
 * The TelePagos token lifecycle as the sandbox sees it: one token for many calls, renewed before it
 * expires, one renewal and one replay on 401, one token request for a crowd, no storm on wrong credentials.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { Secret } from '../../src/secret.js';
import { MemoryCredentialStore } from '../../src/state/credential-store.js';
import { call } from '../helpers/http.js';
import { ROUTES, control, count, failure, fault, logged, randomSecret, useHarness } from './telepagos-support.js';

const h = useHarness();

const bearer = (route: string) => logged(h().sandbox, route).map((r) => String(r.headers.authorization));

describe('TelePagos token lifecycle', () => {
  it('asks for one token and presents it as a bearer on every call', async () => {
    let renewals = 0;
    const client = h().client({ onCredentialRenewed: () => renewals++ });
    await client.balance();
    await Promise.all(Array.from({ length: 20 }, () => client.concepts()));
    expect(count(h().sandbox, ROUTES.token)).toBe(1);
    expect(renewals).toBe(1);
    const [token] = h().sandbox.tokens.all();
    expect(new Set([...bearer(ROUTES.balance), ...bearer('GET /v2/payment/concepts')])).toEqual(new Set([`Bearer ${token}`]));
    expect(logged(h().sandbox, ROUTES.token)[0]?.body).toEqual({ username: h().credentials.username, password: h().credentials.password });
  });

  it('renews the token before it expires: a second token request, and no call rejected and replayed', async () => {
    await control(h().sandbox, 'PUT', '/_sandbox/tokens/lifetime', { seconds: 2 });
    const client = h().client();
    await client.balance();
    // Inside the renewal margin (a tenth of the lifetime) yet before the sandbox expires the token.
    await sleep(1_900);
    await Promise.all(Array.from({ length: 100 }, () => client.balance()));

    expect(count(h().sandbox, ROUTES.token)).toBe(2);
    // Identical GETs in flight share one upstream call, so the crowd sends 1 to 100 requests; what
    // matters is that none carried the old token (none was refused, none replayed).
    const [first, second] = h().sandbox.tokens.all();
    const [warmUp, ...crowd] = bearer(ROUTES.balance);
    expect(warmUp).toBe(`Bearer ${first}`);
    expect(crowd.length).toBeGreaterThanOrEqual(1);
    expect(crowd.every((b) => b === `Bearer ${second}`)).toBe(true);
  });

  it('recovers from a 401 with exactly one renewal: the call is sent twice', async () => {
    const client = h().client();
    await client.balance();
    await control(h().sandbox, 'POST', '/_sandbox/tokens/expire');
    h().sandbox.log.clear();

    const balance = await client.balance();
    expect(balance.total.currency).toBe('ARS');
    expect(count(h().sandbox, ROUTES.token)).toBe(1);
    const [expired, renewed] = h().sandbox.tokens.all();
    expect(bearer(ROUTES.balance)).toEqual([`Bearer ${expired}`, `Bearer ${renewed}`]);
  });

  it('renews once for 100 concurrent calls whose token expired', async () => {
    const client = h().client();
    await client.balance();
    await control(h().sandbox, 'POST', '/_sandbox/tokens/expire');
    h().sandbox.log.clear();

    const results = await Promise.all(Array.from({ length: 100 }, () => client.balance()));
    expect(new Set(results.map((b) => b.total.amount)).size).toBe(1);
    expect(count(h().sandbox, ROUTES.token)).toBe(1);
    // Each call sends at most twice (old token, then the renewed one); identical GETs may share.
    const [expired, renewed] = h().sandbox.tokens.all();
    const sent = bearer(ROUTES.balance);
    expect(sent.length).toBeLessThanOrEqual(200);
    expect(new Set(sent)).toEqual(new Set([`Bearer ${expired}`, `Bearer ${renewed}`]));
  });

  it('gives up with UNAUTHENTICATED when the renewed token is refused too', async () => {
    const client = h().client();
    await client.balance();
    await fault(h().sandbox, { route: ROUTES.balance, mode: 'status', status: 401, message: 'Token is invalid', times: 2 });
    h().sandbox.log.clear();

    const error = await failure(client.balance());
    expect([error.code, error.reason, error.httpStatus]).toEqual(['PROVIDER_ERROR', 'UNAUTHENTICATED', 401]);
    expect(count(h().sandbox, ROUTES.token)).toBe(1);
    expect(count(h().sandbox, ROUTES.balance)).toBe(2);
  });

  it('refuses wrong credentials with UNAUTHENTICATED, one token request per attempt and no call sent', async () => {
    const client = h().client({ password: new Secret(randomSecret()) });
    const error = await failure(client.balance());
    expect([error.code, error.reason, error.endpoint, error.providerMessage]).toEqual([
      'PROVIDER_ERROR',
      'UNAUTHENTICATED',
      'POST v2/auth/token',
      'Wrong credentials',
    ]);
    expect(count(h().sandbox, ROUTES.token)).toBe(1);

    // A crowd shares one attempt; a failed attempt is not cached, so the next call tries again.
    const crowd = await Promise.allSettled(Array.from({ length: 20 }, () => client.balance()));
    expect(crowd.every((r) => r.status === 'rejected')).toBe(true);
    expect(count(h().sandbox, ROUTES.token)).toBe(2);
    expect(count(h().sandbox, ROUTES.balance)).toBe(0);
  });

  it('treats a token answer of HTTP 200 with status error as refused credentials too', async () => {
    await fault(h().sandbox, { route: ROUTES.token, mode: 'error-body', message: 'Wrong credentials', times: 1 });
    const error = await failure(h().client().balance());
    expect([error.reason, error.httpStatus, error.providerMessage]).toEqual(['UNAUTHENTICATED', 200, 'Wrong credentials']);
  });

  it('never retries the token request, even after a 503', async () => {
    await fault(h().sandbox, { route: ROUTES.token, mode: 'status', status: 503, times: 1 });
    const client = h().client();
    const error = await failure(client.balance());
    expect(error.reason).toBe('SERVER_ERROR');
    expect(count(h().sandbox, ROUTES.token)).toBe(1);
    await client.balance();
    expect(count(h().sandbox, ROUTES.token)).toBe(2);
  });

  it('shares one token between clients on the same store', async () => {
    const store = new MemoryCredentialStore();
    await h().client({ store }).balance();
    await h().client({ store }).balance();
    expect(count(h().sandbox, ROUTES.token)).toBe(1);
    expect((await call(h().sandbox.url, 'GET', '/_sandbox/stats')).body.tokensIssued).toBe(1);
  });
});
