/** Talo client over real HTTP: the access token's lifecycle, read from the sandbox's request log. */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { Secret } from '../../src/secret.js';
import { MemoryCredentialStore } from '../../src/state/credential-store.js';
import { readTaloTokenExpiry } from '../../src/providers/talo/assumptions.js';
import { taloTokenExpiry } from '../../src/providers/talo/auth.js';
import type { CallEvent } from '../../src/providers/http.js';
import { ROUTES, failure, paymentInput, useTaloSandbox } from './talo-client-fixture.js';
import { TALO_WIRE_FACTS } from '../../src/sandbox/talo/index.js';
import { wireStatus } from '../helpers/variant.js';

describe('Talo client: access token', () => {
  const talo = useTaloSandbox();
  const log = () => talo.sandbox.log;
  const authorizations = () =>
    log()
      .list(ROUTES.get)
      .map((r) => r.headers.authorization);
  const countTokens = () => log().count(ROUTES.tokens);

  /**
   * 100 distinct payments: identical GETs in flight share one upstream call, so concurrency tests need
   * distinct ones to make 100 real requests wait for the same token.
   */
  async function hundredPayments(client: ReturnType<typeof talo.client>): Promise<string[]> {
    const payments = await Promise.all(Array.from({ length: 100 }, (_, i) => client.createPayment(paymentInput({ externalId: `bulk-${i}` }))));
    return payments.map((p) => p.id);
  }

  /** A client with a payment created, its token obtained; the log then starts empty. */
  async function ready(options: Parameters<typeof talo.client>[0] = {}) {
    const client = talo.client(options);
    const { id } = await client.createPayment(paymentInput());
    log().clear();
    return { client, id };
  }

  it('asks for a token once with the account, and sends it exactly as returned', async () => {
    const client = talo.client();
    const { id } = await client.createPayment(paymentInput());
    await client.getPayment(id);

    const [tokenRequest] = log().list(ROUTES.tokens);
    expect(countTokens()).toBe(1);
    expect(tokenRequest?.path).toBe(`/users/${talo.account.userId}/tokens`);
    expect(tokenRequest?.body).toEqual({ client_id: talo.account.clientId, client_secret: talo.account.clientSecret });
    const [token] = talo.sandbox.tokens.all();
    expect(authorizations()).toEqual([`Bearer ${token}`]);
    expect(log().list(ROUTES.create)[0]?.headers.authorization).toBe(`Bearer ${token}`);
  });

  it('gives 100 concurrent first calls one token request', async () => {
    const ids = await hundredPayments(talo.client());
    log().clear();
    const fresh = talo.client();
    await Promise.all(ids.map((id) => fresh.getPayment(id)));
    expect(countTokens()).toBe(1);
    expect(log().count(ROUTES.get)).toBe(100);
  });

  it('recovers from a 401 with exactly one renewal and one replay', async () => {
    const { client, id } = await ready();
    const issued = talo.sandbox.tokens.issued;
    await talo.control('/_sandbox/tokens/expire');

    expect((await client.getPayment(id)).id).toBe(id);
    expect(talo.sandbox.tokens.issued).toBe(issued + 1);
    expect(log().count(ROUTES.get)).toBe(2);
    const [old, renewed] = talo.sandbox.tokens.all();
    expect(authorizations()).toEqual([`Bearer ${old}`, `Bearer ${renewed}`]);
  });

  it('renews once for 100 concurrent calls refused with 401', async () => {
    const { client } = await ready();
    const ids = await hundredPayments(client);
    log().clear();
    await talo.control('/_sandbox/tokens/expire');
    await Promise.all(ids.map((id) => client.getPayment(id)));
    expect(countTokens()).toBe(1);
    expect(log().count(ROUTES.get)).toBe(200);
  });

  it('gives up with UNAUTHENTICATED when the replay is refused too', async () => {
    const { client, id } = await ready();
    await talo.fault({ route: ROUTES.get, mode: 'status', status: 401, times: 2 });
    const error = await failure(client.getPayment(id));
    expect(error).toMatchObject({ code: 'PROVIDER_ERROR', reason: 'UNAUTHENTICATED', httpStatus: 401, endpoint: 'GET payments/{id}' });
    expect(countTokens()).toBe(1);
    expect(log().count(ROUTES.get)).toBe(2);
  });

  it('refuses wrong credentials with UNAUTHENTICATED, one token request per call, never a storm', async () => {
    const client = talo.client({ clientSecret: new Secret(`${talo.account.clientSecret}-wrong`) });
    const error = await failure(client.getPayment('VAR-1'));
    expect(error).toMatchObject({
      code: 'PROVIDER_ERROR',
      reason: 'UNAUTHENTICATED',
      httpStatus: wireStatus(TALO_WIRE_FACTS, 401),
      endpoint: 'POST users/{user_id}/tokens',
    });
    expect(error.providerMessage).toBe('Invalid credentials');

    const concurrent = await Promise.allSettled(Array.from({ length: 20 }, () => client.getPayment('VAR-1')));
    expect(concurrent.every((r) => r.status === 'rejected')).toBe(true);
    expect(countTokens()).toBe(2);
    expect(log().count(ROUTES.get)).toBe(0);
  });

  it('does not cache a failed renewal: the next call asks again', async () => {
    const client = talo.client();
    await talo.fault({ route: ROUTES.tokens, mode: 'status', status: 503, times: 1 });
    const error = await failure(client.createPayment(paymentInput()));
    expect(error).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', reason: 'SERVER_ERROR', endpoint: 'POST users/{user_id}/tokens' });
    expect(countTokens()).toBe(1); // a token request is never retried
    expect(log().count(ROUTES.create)).toBe(0);

    await client.createPayment(paymentInput());
    expect(countTokens()).toBe(2);
    expect(log().count(ROUTES.create)).toBe(1);
  });

  it('reuses a token cached in a shared store by another client of the same account', async () => {
    const store = new MemoryCredentialStore();
    const { id } = await talo.client({ store }).createPayment(paymentInput());
    await talo.client({ store }).getPayment(id);
    expect(countTokens()).toBe(1);
  });
});

describe('Talo client: a token near expiry', () => {
  const talo = useTaloSandbox({ tokenLifetimeSeconds: 3 });

  it('is renewed before use, once for 100 concurrent calls, none refused or replayed', async () => {
    const events: CallEvent[] = [];
    const client = talo.client({ hooks: { onCall: (e) => events.push(e) } });
    const ids = await Promise.all(Array.from({ length: 100 }, (_, i) => client.createPayment(paymentInput({ externalId: `near-${i}` })).then((p) => p.id)));
    const [first] = talo.sandbox.tokens.all();
    // Inside the renewal margin (a tenth of the 2–3 s left, so ≥ 200 ms) while the token still works.
    await sleep(readTaloTokenExpiry(first!)! * 1000 - 120 - Date.now());

    await Promise.all(ids.map((id) => client.getPayment(id)));
    const [, second] = talo.sandbox.tokens.all();
    expect(talo.sandbox.log.count(ROUTES.tokens)).toBe(2);
    expect(talo.sandbox.log.count(ROUTES.get)).toBe(100);
    expect(new Set(talo.sandbox.log.list(ROUTES.get).map((r) => r.headers.authorization))).toEqual(new Set([`Bearer ${second}`]));
    expect(events.every((e) => e.outcome === 'success')).toBe(true);
  });
});

describe('Talo token expiry', () => {
  const jwt = (payload: unknown) => `h.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.s`;
  const now = Date.parse('2026-01-15T12:00:00Z');

  it('reads exp from the JWT (with or without the TL- prefix)', () => {
    const exp = now / 1000 + 600;
    expect(taloTokenExpiry(jwt({ exp }), now)).toEqual({ expiresAtMs: exp * 1000, from: 'exp' });
    expect(taloTokenExpiry(`TL-${jwt({ exp })}`, now)).toEqual({ expiresAtMs: exp * 1000, from: 'exp' });
  });

  it.each([
    ['an opaque token', 'opaque-token'],
    ['a JWT without exp', jwt({ sub: 'x' })],
    ['an exp already past by our clock (skew)', jwt({ exp: now / 1000 - 10 })],
  ])('falls back to the documented hour for %s', (_case, token) => {
    expect(taloTokenExpiry(token, now)).toEqual({ expiresAtMs: now + 3_600_000, from: 'default' });
  });
});
