/**
 * Input hygiene over HTTP: a body that is not JSON gets a GraphQL-shaped BAD_REQUEST (with the request
 * id), and Decimal refuses JSON numbers a double cannot hold exactly, before any provider is called.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { useTestGateway, type TestGateway } from '../helpers/gateway.js';
import { call } from '../helpers/http.js';

function allUpstream(gw: TestGateway) {
  return [gw.sandboxes.telepagos, gw.sandboxes.talo, gw.sandboxes.tupay].flatMap((s) => s.log.list());
}

describe('a /graphql body that is not JSON', () => {
  const gw = useTestGateway();

  it.each([
    ['malformed JSON', '{"query": "{ salePoints { name } }'],
    ['a GraphQL document pasted as the body', '{ salePoints { name } }'],
    ['JSON broken by a line break in a string', '{"query":"{\n salePoints { name } }"}'],
    ['an empty body', ''],
  ])('%s: HTTP 400, errors[0].extensions.code BAD_REQUEST with the request id', async (_label, body) => {
    const response = await request(`${gw().url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'req-not-json-1' },
      body,
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const answer = (await response.body.json()) as { errors: { message: string; extensions: Record<string, unknown> }[] };
    expect(answer.errors).toHaveLength(1);
    expect(answer.errors[0]!.extensions).toEqual({ code: 'BAD_REQUEST', requestId: 'req-not-json-1' });
    expect(answer.errors[0]!.message).toMatch(/not valid JSON/);
    expect(response.headers['x-request-id']).toBe('req-not-json-1');
  });

  it("keeps other routes as they were (a webhook with a bad body is still the pipeline's own answer)", async () => {
    const response = await request(`${gw().url}/webhooks/tupay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
    expect(response.statusCode).not.toBe(500);
    const text = await response.body.text();
    expect(text).not.toContain('BAD_REQUEST');
  });
});

const CREATE_CASHOUT = `mutation($input: CreateCashoutInput!) {
  createCashout(input: $input) { cashout { id } userErrors { field message code } }
}`;
const CREATE_PAYMENT = `mutation($input: CreatePaymentInput!) {
  createPayment(input: $input) { payment { id amount { amount } } userErrors { field message code } }
}`;

let seq = 0;
const cashout = (amount: unknown) => ({
  referenceId: `hyg-${process.pid}-${++seq}`,
  alias: 'pasarela.demo',
  cuit: '20123456786',
  amount,
  concept: 'VAR',
  description: 'Prueba de montos',
});

describe('Decimal inputs sent as JSON numbers', () => {
  const gw = useTestGateway();
  beforeEach(() => gw().clearLogs());

  it('accepts a number of at most 15 significant digits (1500.5): it is exactly what the client wrote', async () => {
    const { body } = await gw().query(CREATE_CASHOUT, { input: cashout(1500.5) });
    expect(body.errors).toBeUndefined();
    expect(body.data.createCashout.userErrors).toEqual([]);
    const sent = gw()
      .sandboxes.telepagos.log.list()
      .filter((r) => r.route === 'POST /v2/payment/cashout');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.rawBody).toContain('"amount":1500.50'); // exact, in the form TELEPAGOS_AMOUNT_FORMAT says
  });

  it.each([
    [
      '12345678901234567890 (already rounded by JSON)',
      '{"input":{"referenceId":"hyg-big","alias":"pasarela.demo","cuit":"20123456786","amount":12345678901234567890,"concept":"VAR","description":"x"}}',
    ],
    ['0.30000000000000004 (a float sum)', JSON.stringify({ input: { ...cashout(0.1 + 0.2), referenceId: 'hyg-float' } })],
    [
      '1000.0000000000001 (16 significant digits)',
      '{"input":{"referenceId":"hyg-16","alias":"pasarela.demo","cuit":"20123456786","amount":1000.0000000000001,"concept":"VAR","description":"x"}}',
    ],
  ])('refuses %s with BAD_USER_INPUT asking for a string, and moves no money', async (_label, variablesJson) => {
    const before = (await call(gw().sandboxes.telepagos.url, 'GET', '_sandbox/state/summary')).body;
    const response = await request(`${gw().url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"query":${JSON.stringify(CREATE_CASHOUT)},"variables":${variablesJson}}`,
    });
    const answer = (await response.body.json()) as { data?: unknown; errors: { message: string; extensions: Record<string, unknown> }[] };
    // A legacy application/json client reads a coercion failure from a 200 (the GraphQL-over-HTTP spec).
    expect(response.statusCode).toBe(200);
    expect(answer.data).toBeUndefined();
    expect(answer.errors[0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: ['input', 'amount'] });
    expect(answer.errors[0]!.message).toMatch(/send it as a string, e\.g\. "1500\.50"/);
    expect(allUpstream(gw())).toEqual([]);
    const after = (await call(gw().sandboxes.telepagos.url, 'GET', '_sandbox/state/summary')).body;
    expect(after.balance_cents).toBe(before.balance_cents);
    expect(after.cashouts).toBe(before.cashouts);
  });

  it('the same amount as a string is exact and accepted', async () => {
    const { body } = await gw().query(CREATE_CASHOUT, { input: cashout('1234.56') });
    expect(body.errors).toBeUndefined();
    expect(body.data.createCashout.userErrors).toEqual([]);
  });

  it('createPayment refuses an inexact price the same way, with no Talo call', async () => {
    const { status, body } = await gw().query(CREATE_PAYMENT, {
      input: { price: { amount: 2500.000000000001, currency: 'ARS' }, externalId: 'hyg-1', redirectUrl: 'https://shop.example/done' },
    });
    expect(status).toBe(200);
    expect(body.data).toBeUndefined();
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: ['input', 'price', 'amount'] });
    expect(gw().sandboxes.talo.log.list()).toEqual([]);
    const accepted = await gw().query(CREATE_PAYMENT, {
      input: { price: { amount: 2500, currency: 'ARS' }, externalId: 'hyg-2', redirectUrl: 'https://shop.example/done' },
    });
    expect(accepted.body.errors).toBeUndefined();
    expect(accepted.body.data.createPayment.payment.amount.amount).toMatch(/^2500(\.00)?$/);
  });
});
