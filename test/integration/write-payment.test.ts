/**
 * createPayment over HTTP against the Talo sandbox: the payment exists with the asked price, and its
 * webhook_url is always the gateway's own PUBLIC_URL/webhooks/talo/<token>, never anything a client
 * could choose. Input rules refuse before any provider request.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { SANDBOX_CREDENTIALS } from '../../src/sandbox/credentials.js';
import { useTestGateway, type TestGateway } from '../helpers/gateway.js';

const CREATE_PAYMENT = `mutation($input: CreatePaymentInput!) {
  createPayment(input: $input) { payment { id externalId status amount { amount currency } paymentUrl } userErrors { field message code } }
}`;

const PUBLIC_URL = 'https://pasarela.example.com';

let seq = 0;
const order = (overrides: Record<string, unknown> = {}) => ({
  price: { amount: '2500.00', currency: 'ARS' },
  externalId: `order-${process.pid}-${++seq}`,
  redirectUrl: 'https://shop.example/thanks',
  motive: 'Pedido web',
  ...overrides,
});

function upstream(gw: TestGateway) {
  return [gw.sandboxes.telepagos, gw.sandboxes.talo, gw.sandboxes.tupay].flatMap((s) => s.log.list());
}

describe('createPayment', () => {
  const gw = useTestGateway({ env: { PUBLIC_URL, MAX_OPERATION_AMOUNT: '100000' } });
  beforeEach(() => gw().clearLogs());

  it('creates the Talo payment with the price, external id, redirect and motive; answers it', async () => {
    const input = order();
    const before = gw().sandboxes.talo.state.payments.size;
    const { body } = await gw().query(CREATE_PAYMENT, { input });
    expect(body.errors).toBeUndefined();
    expect(body.data.createPayment.userErrors).toEqual([]);
    const payment = body.data.createPayment.payment;
    expect(payment).toMatchObject({ externalId: input.externalId, status: 'PENDING', amount: { amount: '2500.00', currency: 'ARS' } });
    expect(gw().sandboxes.talo.state.payments.size).toBe(before + 1);
    const stored = [...gw().sandboxes.talo.state.payments.values()].find((p) => p.externalId === input.externalId)!;
    expect(stored).toMatchObject({ priceCents: 250000, currency: 'ARS', redirectUrl: 'https://shop.example/thanks', motive: 'Pedido web' });
    expect(Buffer.from(payment.id, 'base64url').toString()).toBe(`Payment:TALO:${stored.id}`);
  });

  it("the stored webhook_url is PUBLIC_URL/webhooks/talo/<token>: the gateway's, with a token that is not the secret", async () => {
    const input = order();
    await gw().query(CREATE_PAYMENT, { input });
    const stored = [...gw().sandboxes.talo.state.payments.values()].find((p) => p.externalId === input.externalId)!;
    expect(stored.webhookUrl).toMatch(/^https:\/\/pasarela\.example\.com\/webhooks\/talo\/[A-Za-z0-9_-]{32}$/);
    expect(stored.webhookUrl).not.toContain(SANDBOX_CREDENTIALS.talo.webhookSecret);
    // What went over the wire, too.
    const sent = gw().sandboxes.talo.log.list('POST /payments/')[0]!.body as Record<string, unknown>;
    expect(sent.webhook_url).toBe(stored.webhookUrl);
    // The same token for every payment (it is derived from the secret, not random).
    const second = order();
    await gw().query(CREATE_PAYMENT, { input: second });
    const other = [...gw().sandboxes.talo.state.payments.values()].find((p) => p.externalId === second.externalId)!;
    expect(other.webhookUrl).toBe(stored.webhookUrl);
  });

  it.each([
    ['webhookUrl', 'https://attacker.example/hook'],
    ['webhook_url', 'https://attacker.example/hook'],
  ])('a client cannot choose the webhook: an input field %s is refused by the schema, nothing sent', async (name, value) => {
    const { status, body } = await gw().query(CREATE_PAYMENT, { input: { ...order(), [name]: value } }, { accept: 'application/graphql-response+json' });
    expect(status).toBe(400);
    expect(body.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(upstream(gw())).toEqual([]);
  });

  it("a redirectUrl pointing at a webhook path is only the redirect: webhook_url stays the gateway's", async () => {
    const input = order({ redirectUrl: 'https://attacker.example/webhooks/talo/steal' });
    const { body } = await gw().query(CREATE_PAYMENT, { input });
    expect(body.data.createPayment.userErrors).toEqual([]);
    const stored = [...gw().sandboxes.talo.state.payments.values()].find((p) => p.externalId === input.externalId)!;
    expect(stored.redirectUrl).toBe('https://attacker.example/webhooks/talo/steal');
    expect(stored.webhookUrl!.startsWith(`${PUBLIC_URL}/webhooks/talo/`)).toBe(true);
  });

  it.each([
    ['currency USD', { price: { amount: '10.00', currency: 'USD' } }, ['input', 'price', 'currency']],
    ['currency PEN', { price: { amount: '10.00', currency: 'PEN' } }, ['input', 'price', 'currency']],
    ['amount zero', { price: { amount: '0', currency: 'ARS' } }, ['input', 'price', 'amount']],
    ['amount negative', { price: { amount: '-5', currency: 'ARS' } }, ['input', 'price', 'amount']],
    ['amount with three decimals', { price: { amount: '1.999', currency: 'ARS' } }, ['input', 'price', 'amount']],
    ['amount above MAX_OPERATION_AMOUNT', { price: { amount: '100000.01', currency: 'ARS' } }, ['input', 'price', 'amount']],
    ['empty externalId', { externalId: '  ' }, ['input', 'externalId']],
    ['externalId longer than 100', { externalId: 'e'.repeat(101) }, ['input', 'externalId']],
    ['redirectUrl not a URL', { redirectUrl: 'thanks' }, ['input', 'redirectUrl']],
    ['redirectUrl with another scheme', { redirectUrl: 'javascript:alert(1)' }, ['input', 'redirectUrl']],
    ['redirectUrl ftp', { redirectUrl: 'ftp://shop.example/x' }, ['input', 'redirectUrl']],
    ['empty motive', { motive: '' }, ['input', 'motive']],
    ['motive longer than 200', { motive: 'm'.repeat(201) }, ['input', 'motive']],
  ])('%s → INVALID_INPUT at its field, nothing sent, no payment', async (_name, overrides, field) => {
    const before = gw().sandboxes.talo.state.payments.size;
    const { status, body } = await gw().query(CREATE_PAYMENT, { input: order(overrides) });
    expect(status).toBe(200);
    expect(body.data.createPayment.payment).toBeNull();
    expect(body.data.createPayment.userErrors).toEqual([expect.objectContaining({ field, code: 'INVALID_INPUT' })]);
    expect(upstream(gw())).toEqual([]);
    expect(gw().sandboxes.talo.state.payments.size).toBe(before);
  });

  it('a currency that is not a CurrencyCode → BAD_USER_INPUT, nothing sent', async () => {
    const { status, body } = await gw().query(
      CREATE_PAYMENT,
      { input: order({ price: { amount: '1', currency: 'EUR' } }) },
      { accept: 'application/graphql-response+json' },
    );
    expect(status).toBe(400);
    expect(body.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(upstream(gw())).toEqual([]);
  });

  it('Talo down (503): PROVIDER_UNAVAILABLE userError, not a GraphQL error', async () => {
    gw().sandboxes.talo.faults.add({ route: 'POST /payments/', mode: 'status', status: 503, times: 1 });
    const { body } = await gw().query(CREATE_PAYMENT, { input: order() });
    expect(body.errors).toBeUndefined();
    expect(body.data.createPayment.payment).toBeNull();
    expect(body.data.createPayment.userErrors).toEqual([expect.objectContaining({ code: 'PROVIDER_UNAVAILABLE' })]);
  });
});

describe('createPayment without Talo configured', () => {
  const gw = useTestGateway({ providers: ['telepagos'] });

  it('valid input → PROVIDER_UNAVAILABLE userError, nothing sent', async () => {
    gw().clearLogs();
    const { body } = await gw().query(CREATE_PAYMENT, { input: order() });
    expect(body.data.createPayment.payment).toBeNull();
    expect(body.data.createPayment.userErrors).toEqual([expect.objectContaining({ code: 'PROVIDER_UNAVAILABLE', field: null })]);
    expect(body.data.createPayment.userErrors[0].message).toMatch(/TALO is not configured/);
    expect(upstream(gw())).toEqual([]);
  });

  it('invalid input is still INVALID_INPUT at its field (the input rules come first)', async () => {
    const { body } = await gw().query(CREATE_PAYMENT, { input: order({ price: { amount: '1', currency: 'USD' } }) });
    expect(body.data.createPayment.userErrors).toEqual([expect.objectContaining({ code: 'INVALID_INPUT', field: ['input', 'price', 'currency'] })]);
  });
});
