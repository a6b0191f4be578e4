/** Talo sandbox conformance: token issuance (JWT with exp) and bearer authentication. */
import { createHmac } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../helpers/http.js';
import { readTaloTokenExpiry, TALO_TOKEN_LIFETIME_SECONDS } from '../../src/providers/talo/assumptions.js';
import type { RunningSandbox } from '../../src/sandbox/server.js';
import type { TaloState } from '../../src/sandbox/talo/index.js';
import { ACCOUNT, bearer, createPayment, decodeJwt, issueToken, paymentBody, sendRawJson, startFixture } from './talo-fixture.js';

const OTHER = { userId: '5a1e0000-0000-4000-8000-000000000002', clientId: 'other-shop', clientSecret: 'other-secret' };

describe('Talo sandbox: tokens', () => {
  let sandbox: RunningSandbox<TaloState>;
  beforeAll(async () => {
    sandbox = await startFixture({ credentials: [ACCOUNT, OTHER] });
  });
  afterAll(() => sandbox.close());

  const tokenRequest = (userId: string, body: unknown) => call(sandbox.url, 'POST', `/users/${userId}/tokens`, { body });

  it('issues an HS256 JWT for the user, with exp one hour after iat', async () => {
    const response = await tokenRequest(ACCOUNT.userId, { client_id: ACCOUNT.clientId, client_secret: ACCOUNT.clientSecret });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ error: false, message: expect.any(String), data: { token: expect.any(String) } });
    const token = response.body.data.token as string;
    const { header, payload } = decodeJwt(token);
    expect(header).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(payload.sub).toBe(ACCOUNT.userId);
    expect(payload.exp - payload.iat).toBe(TALO_TOKEN_LIFETIME_SECONDS);
    expect(readTaloTokenExpiry(token)).toBe(payload.exp);
  });

  it('follows the lifetime set through the control surface', async () => {
    const set = await call(sandbox.url, 'PUT', '/_sandbox/tokens/lifetime', { body: { seconds: 120 } });
    expect(set.status).toBe(200);
    const { payload } = decodeJwt(await issueToken(sandbox.url));
    expect(payload.exp - payload.iat).toBe(120);
    await call(sandbox.url, 'PUT', '/_sandbox/tokens/lifetime', { body: { seconds: TALO_TOKEN_LIFETIME_SECONDS } });
  });

  it.each([
    ['a wrong secret', ACCOUNT.userId, { client_id: ACCOUNT.clientId, client_secret: 'wrong' }],
    ['a wrong client id', ACCOUNT.userId, { client_id: 'nobody', client_secret: ACCOUNT.clientSecret }],
    ['an unknown user', '00000000-0000-4000-8000-000000000000', { client_id: ACCOUNT.clientId, client_secret: ACCOUNT.clientSecret }],
    ["another user's credentials", OTHER.userId, { client_id: ACCOUNT.clientId, client_secret: ACCOUNT.clientSecret }],
  ])('refuses %s with 401', async (_case, userId, body) => {
    const response = await tokenRequest(userId, body);
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ message: expect.any(String), error: true, data: null });
  });

  it('answers 422 naming a missing credential field', async () => {
    const response = await tokenRequest(ACCOUNT.userId, { client_id: ACCOUNT.clientId });
    expect(response.status).toBe(422);
    expect(response.body).toMatchObject({ error: true, message: expect.stringContaining('client_secret') });
  });

  it('answers malformed JSON with 400 in Talo error shape', async () => {
    const response = await sendRawJson(`${sandbox.url}/users/${ACCOUNT.userId}/tokens`, '{"client_id": "pasarela",');
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ message: expect.any(String), error: true, data: null });
  });
});

describe('Talo sandbox: bearer authentication', () => {
  let sandbox: RunningSandbox<TaloState>;
  let token: string;
  let otherToken: string;
  beforeAll(async () => {
    sandbox = await startFixture({ credentials: [ACCOUNT, OTHER] });
    token = await issueToken(sandbox.url);
    otherToken = await issueToken(sandbox.url, OTHER);
  });
  afterAll(() => sandbox.close());

  const forgedJwt = (): string => {
    const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ sub: ACCOUNT.userId, exp: 4_102_444_800 })}`;
    return `${unsigned}.${createHmac('sha256', 'guess').update(unsigned).digest('base64url')}`;
  };

  it.each([
    ['no Authorization header', {}],
    ['a garbage token', bearer('garbage')],
    ['a JWT the sandbox never issued', bearer(forgedJwt())],
    ['a non-Bearer scheme', { authorization: 'Basic cGFzYXJlbGE6c2FuZGJveA==' }],
  ])('refuses %s with 401 on both payment routes', async (_case, headers) => {
    const create = await call(sandbox.url, 'POST', '/payments/', { headers, body: paymentBody() });
    const read = await call(sandbox.url, 'GET', '/payments/VAR-anything', { headers });
    for (const response of [create, read]) {
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ message: expect.any(String), error: true, data: null });
    }
  });

  it("answers 403 when the token's user creates for, or reads, another user", async () => {
    const mismatch = await call(sandbox.url, 'POST', '/payments/', { headers: bearer(otherToken), body: paymentBody() });
    expect(mismatch.status).toBe(403);
    expect(mismatch.body).toMatchObject({ error: true, data: null });

    const mine = await createPayment(sandbox.url, token);
    const foreign = await call(sandbox.url, 'GET', `/payments/${mine.id}`, { headers: bearer(otherToken) });
    expect(foreign.status).toBe(403);
    expect(foreign.body).toMatchObject({ error: true, data: null });
  });

  it('refuses tokens expired through POST /_sandbox/tokens/expire, and a new token works', async () => {
    const before = await createPayment(sandbox.url, token);
    const expired = await call(sandbox.url, 'POST', '/_sandbox/tokens/expire');
    expect(expired.body.expired).toBeGreaterThanOrEqual(2);

    const refused = await call(sandbox.url, 'GET', `/payments/${before.id}`, { headers: bearer(token) });
    expect(refused.status).toBe(401);
    expect(refused.body.message).toMatch(/expired/i);

    token = await issueToken(sandbox.url);
    const again = await call(sandbox.url, 'GET', `/payments/${before.id}`, { headers: bearer(token) });
    expect(again.status).toBe(200);
    expect(again.body.data.id).toBe(before.id);
  });
});

describe('Talo sandbox: a one-second token lifetime', () => {
  let sandbox: RunningSandbox<TaloState>;
  beforeAll(async () => {
    sandbox = await startFixture({ tokenLifetimeSeconds: 1 });
  });
  afterAll(() => sandbox.close());

  it('accepts the token, then refuses it once its lifetime has passed', async () => {
    const token = await issueToken(sandbox.url);
    const { payload } = decodeJwt(token);
    expect(payload.exp - payload.iat).toBe(1);
    const payment = await createPayment(sandbox.url, token);

    await sleep(1_100);
    const response = await call(sandbox.url, 'GET', `/payments/${payment.id}`, { headers: bearer(token) });
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ error: true, message: expect.stringMatching(/expired/i) });
  });
});
