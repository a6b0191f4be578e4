/** Talo sandbox conformance: creating and reading payments, validation, seeded demo data. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../helpers/http.js';
import { isCvu, isValidAlias, isValidCbu } from '../../src/domain/identifiers.js';
import { TALO_DEFAULT_EXPIRATION_SECONDS, TALO_REQUIRED_CREATE_FIELDS, taloQuoteCvu } from '../../src/providers/talo/assumptions.js';
import type { RunningSandbox } from '../../src/sandbox/server.js';
import { TALO_OTHER_USER_ID, type TaloState } from '../../src/sandbox/talo/index.js';
import { ACCOUNT, bearer, createPayment, issueToken, NOW, paymentBody, SEED, sendRawJson, startFixture } from './talo-fixture.js';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('Talo sandbox: payments', () => {
  let sandbox: RunningSandbox<TaloState>;
  let token: string;
  beforeAll(async () => {
    sandbox = await startFixture();
    token = await issueToken(sandbox.url);
  });
  afterAll(() => sandbox.close());

  const post = (body: unknown, path = '/payments/') => call(sandbox.url, 'POST', path, { headers: bearer(token), body });
  const paymentCount = async () => (await call(sandbox.url, 'GET', '/_sandbox/payments')).body.payments.length as number;

  it('creates a PENDING payment with a fresh CVU and alias to transfer to', async () => {
    const response = await post(paymentBody({ webhook_url: 'https://shop.example/webhooks/talo/x' }));
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ error: false, message: expect.any(String) });
    const payment = response.body.data;
    expect(payment).toMatchObject({
      id: expect.stringMatching(/^VAR-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      payment_status: 'PENDING',
      user_id: ACCOUNT.userId,
      external_id: 'FDF_987654',
      price: { amount: 1500.5, currency: 'ARS' },
      payment_options: ['transfer'],
      payment_url: expect.stringContaining(payment.id),
      webhook_url: 'https://shop.example/webhooks/talo/x',
      redirect_url: 'https://shop.example/checkout/1234',
      motive: '2 calendarios grandes',
      items: [{ name: 'Calendario', quantity: 2 }],
      transactions: [],
    });
    const [quote] = payment.quotes;
    expect(isValidCbu(quote.cvu) && isCvu(quote.cvu)).toBe(true);
    expect(isValidAlias(quote.alias)).toBe(true);
    for (const field of ['creation_timestamp', 'last_modified_timestamp', 'expiration_timestamp']) expect(payment[field]).toMatch(ISO);
    const lifetime = Date.parse(payment.expiration_timestamp) - Date.parse(payment.creation_timestamp);
    expect(lifetime).toBe(TALO_DEFAULT_EXPIRATION_SECONDS * 1000);
  });

  it('gives every payment its own id and CVU', async () => {
    const a = await createPayment(sandbox.url, token);
    const b = await createPayment(sandbox.url, token);
    expect(a.id).not.toBe(b.id);
    expect(a.quotes[0].cvu).not.toBe(b.quotes[0].cvu);
  });

  it('serves /payments without the trailing slash, accepts a missing payment_options and keeps a given expiration', async () => {
    const expiration = new Date(NOW.getTime() + 86_400_000 * 30).toISOString();
    const response = await post(paymentBody({ payment_options: undefined, expiration_timestamp: expiration }), '/payments');
    expect(response.status).toBe(200);
    expect(response.body.data).toMatchObject({ payment_options: ['transfer'], expiration_timestamp: expiration });
  });

  it.each(TALO_REQUIRED_CREATE_FIELDS)('answers 422 naming the missing required field %s', async (field) => {
    const before = await paymentCount();
    const response = await post(paymentBody({ [field]: undefined }));
    expect(response.status).toBe(422);
    expect(response.body).toEqual({ message: expect.stringContaining(field), error: true, data: null });
    expect(await paymentCount()).toBe(before);
  });

  it.each([
    ['price.currency', { price: { currency: 'USD', amount: 10 } }],
    ['price.currency', { price: { amount: 10 } }],
    ['price.amount', { price: { currency: 'ARS', amount: 0 } }],
    ['price.amount', { price: { currency: 'ARS', amount: -5 } }],
    ['price.amount', { price: { currency: 'ARS', amount: '1500' } }],
    ['price.amount', { price: { currency: 'ARS', amount: 10.123 } }],
    ['price', { price: 1500 }],
    ['user_id', { user_id: 42 }],
    ['external_id', { external_id: '' }],
    ['payment_options', { payment_options: ['card'] }],
    ['payment_options', { payment_options: ['crypto'] }],
    ['payment_options', { payment_options: 'transfer' }],
    ['webhook_url', { webhook_url: 'not a url' }],
    ['webhook_url', { webhook_url: 'ftp://shop.example/hook' }],
    ['expiration_timestamp', { expiration_timestamp: 'tomorrow' }],
    ['expiration_timestamp', { expiration_timestamp: '2020-01-01T00:00:00Z' }],
    ['items', { items: 'two calendars' }],
    ['items[0]', { items: ['Calendario'] }],
    ['items[0].name', { items: [{ name: 7, quantity: 1 }] }],
    ['items[1].quantity', { items: [{ name: 'a' }, { name: 'b', quantity: 1.5 }] }],
    ['items[0].unit_price', { items: [{ name: 'a', unit_price: '10.00' }] }],
    ['client_data', { client_data: ['x'] }],
  ])('answers 422 naming %s when it is invalid (%j)', async (field, overrides) => {
    const before = await paymentCount();
    const response = await post(paymentBody(overrides));
    expect(response.status).toBe(422);
    expect(response.body).toMatchObject({ error: true, data: null, message: expect.stringContaining(field) });
    expect(await paymentCount()).toBe(before);
  });

  it('answers 422 when the body is not an object, and 400 when it is not JSON', async () => {
    const notObject = await post([paymentBody()]);
    expect(notObject.status).toBe(422);
    const malformed = await sendRawJson(`${sandbox.url}/payments/`, '{"price": ', bearer(token));
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ error: true, data: null });
  });

  it('answers 403 when user_id is not the token user', async () => {
    const response = await post(paymentBody({ user_id: TALO_OTHER_USER_ID }));
    expect(response.status).toBe(403);
    expect(response.body).toMatchObject({ error: true, data: null });
  });

  it('reads back the created payment', async () => {
    const created = await createPayment(sandbox.url, token, { client_data: { first_name: 'Juan', dni: '12345678' } });
    const response = await call(sandbox.url, 'GET', `/payments/${created.id}`, { headers: bearer(token) });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ error: false, data: created });
    expect(response.body.data.client_data).toEqual({ first_name: 'Juan', dni: '12345678' });
  });

  it('answers 404 for an unknown payment and 403 for another user’s', async () => {
    const unknown = await call(sandbox.url, 'GET', '/payments/VAR-00000000-0000-4000-8000-000000000000', { headers: bearer(token) });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error: true, data: null });

    const { payments } = (await call(sandbox.url, 'GET', '/_sandbox/payments', { query: { user_id: TALO_OTHER_USER_ID } })).body;
    expect(payments).toHaveLength(1);
    const foreign = await call(sandbox.url, 'GET', `/payments/${payments[0].id}`, { headers: bearer(token) });
    expect(foreign.status).toBe(403);
  });
});

describe('Talo sandbox: seeded data and options', () => {
  it('seeds the same demo payments for the same seed and now, in several statuses', async () => {
    const [a, b] = await Promise.all([startFixture(), startFixture()]);
    try {
      const list = async (s: RunningSandbox<TaloState>) => (await call(s.url, 'GET', '/_sandbox/payments')).body.payments;
      const [first, second] = await Promise.all([list(a), list(b)]);
      const strip = (payments: Record<string, unknown>[]) => payments.map(({ payment_url: _url, ...rest }) => rest);
      expect(strip(first)).toEqual(strip(second));
      expect(new Set(first.map((p: { payment_status: string }) => p.payment_status))).toEqual(new Set(['PENDING', 'SUCCESS', 'UNDERPAID', 'EXPIRED']));
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('seeds different ids for a different seed', async () => {
    const [a, b] = await Promise.all([startFixture(), startFixture({ seed: SEED + 1 })]);
    try {
      const ids = async (s: RunningSandbox<TaloState>) => (await call(s.url, 'GET', '/_sandbox/payments')).body.payments.map((p: { id: string }) => p.id);
      expect(await ids(a)).not.toEqual(await ids(b));
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('can put the CVU in quotes[].address, as some Talo answers do', async () => {
    const sandbox = await startFixture({ quoteCvuField: 'address' });
    try {
      const payment = await createPayment(sandbox.url, await issueToken(sandbox.url));
      expect(payment.quotes[0].cvu).toBeUndefined();
      expect(isValidCbu(payment.quotes[0].address)).toBe(true);
      expect(taloQuoteCvu(payment.quotes)).toBe(payment.quotes[0].address);
    } finally {
      await sandbox.close();
    }
  });
});
