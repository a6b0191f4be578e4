/**
 * What the TelePagos client puts on the wire and how it reads a refused token, over HTTP against the
 * sandbox: amounts as exact JSON numbers (or strings, by switch), and one token renewal whatever the
 * HTTP status of the refusal.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TELEPAGOS_MESSAGES, TOKEN_REFUSED_PATTERN } from '../../src/providers/telepagos/assumptions.js';
import { jsonBody, jsonDecimal } from '../../src/providers/json-body.js';
import { FIXTURE_ACCOUNTS } from '../../src/sandbox/telepagos/index.js';
import { ROUTES, control, failure, fault, startHarness, type Harness } from './telepagos-support.js';

let h: Harness;
const { demo } = FIXTURE_ACCOUNTS;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});
afterEach(async () => {
  await control(h.sandbox, 'PUT', '/_sandbox/token-refusal', { status: 401 });
  await control(h.sandbox, 'DELETE', '/_sandbox/faults');
  await h.closeClients();
  h.sandbox.log.clear();
});

const transfer = (referenceId: string, amount = '1500.50') => ({
  alias: demo.alias,
  cuit: demo.cuit,
  amount,
  referenceId,
  concept: 'VAR',
  description: 'Prueba',
});
const rawBodies = (route: string): string[] => h.sandbox.log.list(route).map((e) => e.rawBody ?? '');

describe('amounts on the wire (TELEPAGOS_AMOUNT_FORMAT)', () => {
  it('writes request amounts as JSON numbers with the decimal’s exact digits by default', async () => {
    const client = h.client();
    await client.createCashout(transfer('wire-n-1', '1500.5'));
    await client.createQrCharge({ amount: '0.10', concept: 'VAR', description: 'QR' });
    await client.createPaymentLink({
      amount: '20.00',
      concept: 'VAR',
      expiresAt: new Date(Date.now() + 86_400_000),
      multipleUse: false,
      distribution: [{ cbu: demo.cbu, amount: '20.00' }],
    });
    expect(rawBodies(ROUTES.cashout)[0]).toContain('"amount":1500.50');
    expect(rawBodies('POST /v2/payment/cashin/qr/generate')[0]).toContain('"amount":0.10');
    const link = rawBodies('POST /v2/payment/cashin/link/generate')[0]!;
    expect(link).toContain('"amount":20.00');
    expect(link).toMatch(/"distribution":\[\{"cvu":"\d+","amount":20\.00\}\]/);
  });

  it('writes them as strings with amountFormat "string"', async () => {
    await h.client({ amountFormat: 'string' }).createCashout(transfer('wire-s-1'));
    expect(rawBodies(ROUTES.cashout)[0]).toContain('"amount":"1500.50"');
  });

  it('never goes through a float: digits beyond a double’s precision are written as given', () => {
    expect(jsonBody({ amount: jsonDecimal('12345678901234567.89'), n: 1, s: 'x', skip: undefined })).toBe('{"amount":12345678901234567.89,"n":1,"s":"x"}');
    expect(() => jsonDecimal('1e3')).toThrow(TypeError);
  });

  it('still refuses a bad amount before anything is sent', async () => {
    const error = await failure(h.client().createCashout(transfer('wire-bad', '1.234')));
    expect(error.reason).toBe('INVALID_INPUT');
    expect(h.sandbox.log.count(ROUTES.cashout)).toBe(0);
  });
});

describe('token renewal on any authentication failure', () => {
  it('recognises every token message TelePagos is assumed to send', () => {
    for (const message of [TELEPAGOS_MESSAGES.tokenMissing, TELEPAGOS_MESSAGES.tokenInvalid, TELEPAGOS_MESSAGES.tokenExpired])
      expect(message).toMatch(TOKEN_REFUSED_PATTERN);
    expect(TELEPAGOS_MESSAGES.wrongCredentials).not.toMatch(TOKEN_REFUSED_PATTERN);
    expect('The user is not related to the collecting account').not.toMatch(TOKEN_REFUSED_PATTERN);
  });

  it.each([401, 403, 200])('renews once and replays once when an expired token is refused with HTTP %i', async (status) => {
    const client = h.client();
    await client.balance();
    await control(h.sandbox, 'PUT', '/_sandbox/token-refusal', { status });
    await control(h.sandbox, 'POST', '/_sandbox/tokens/expire');
    const issued = h.sandbox.log.count(ROUTES.token);
    const balance = await client.balance();
    expect(balance.total.currency).toBe('ARS');
    expect(h.sandbox.log.count(ROUTES.token)).toBe(issued + 1);
    expect(h.sandbox.log.count(ROUTES.balance)).toBe(3);
  });

  it('renews once only: a fresh token refused again is UNAUTHENTICATED, and not asked for a third time', async () => {
    const client = h.client();
    await client.balance();
    await fault(h.sandbox, { route: ROUTES.balance, mode: 'error-body', status: 200, message: TELEPAGOS_MESSAGES.tokenExpired, times: 2 });
    const issued = h.sandbox.log.count(ROUTES.token);
    const error = await failure(client.balance());
    expect(error.reason).toBe('UNAUTHENTICATED');
    expect(h.sandbox.log.count(ROUTES.token)).toBe(issued + 1);
  });

  it('does not renew on a 403 that is not about the token', async () => {
    const client = h.client();
    await client.balance();
    await fault(h.sandbox, { route: ROUTES.balance, mode: 'error-body', status: 403, message: 'The user is not related to the collecting account', times: 1 });
    const issued = h.sandbox.log.count(ROUTES.token);
    expect((await failure(client.balance())).reason).toBe('FORBIDDEN');
    expect(h.sandbox.log.count(ROUTES.token)).toBe(issued);
  });
});
