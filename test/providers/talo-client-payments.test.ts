/** Talo client over real HTTP: payments created and read, checked against the sandbox's own state. */
import { describe, expect, it } from 'vitest';
import { TALO_OTHER_USER_ID, TALO_WIRE_FACTS } from '../../src/sandbox/talo/index.js';
import type { CallEvent } from '../../src/providers/http.js';
import { call } from '../helpers/http.js';
import { ROUTES, failure, paymentInput, useTaloSandbox, type TaloHarness } from './talo-client-fixture.js';
import { wireStatus } from '../helpers/variant.js';

/** The payment as Talo would print it, from the sandbox's control surface. */
async function wire(talo: TaloHarness, id: string): Promise<Record<string, unknown>> {
  return (await call(talo.sandbox.url, 'GET', `/_sandbox/payments/${id}`)).body.payment;
}

describe('Talo client: payments', () => {
  const talo = useTaloSandbox();
  const sandboxPayment = (id: string) => talo.sandbox.state.payments.get(id)!;

  it('creates a payment with every field Talo documents, and maps the answer exactly', async () => {
    const input = paymentInput({ amount: '1234567.89', expiresAt: '2099-01-02T03:04:05.000Z' });
    const payment = await talo.client().createPayment(input);

    const [sent] = talo.sandbox.log.list(ROUTES.create);
    expect(sent?.body).toEqual({
      price: { currency: 'ARS', amount: 1234567.89 },
      user_id: talo.account.userId,
      redirect_url: input.redirectUrl,
      external_id: input.externalId,
      webhook_url: input.webhookUrl,
      payment_options: ['transfer'],
      motive: input.motive,
      expiration_timestamp: '2099-01-02T03:04:05.000Z',
    });
    const stored = sandboxPayment(payment.id);
    expect(stored.priceCents).toBe(123456789);
    expect(payment).toEqual({
      provider: 'TALO',
      id: stored.id,
      status: 'PENDING',
      providerStatus: 'PENDING',
      amount: { amount: '1234567.89', currency: 'ARS' },
      amountReceived: { amount: '0.00', currency: 'ARS' },
      externalId: input.externalId,
      paymentUrl: expect.stringContaining(`/_sandbox/checkout/${stored.id}`),
      transferDestinations: [{ cvu: stored.cvu, alias: stored.alias }],
      createdAt: new Date(stored.createdAt).toISOString(),
      updatedAt: new Date(stored.lastModifiedAt).toISOString(),
      expiresAt: '2099-01-02T03:04:05.000Z',
      motive: input.motive,
    });
  });

  it('reads a payment back, PENDING, then SUCCESS once settled', async () => {
    const client = talo.client();
    const created = await client.createPayment(paymentInput());
    expect(await client.getPayment(created.id)).toEqual(created);

    await talo.control(`/_sandbox/payments/${created.id}/settle`);
    const settled = await client.getPayment(created.id);
    expect(settled).toMatchObject({ status: 'SUCCESS', providerStatus: 'SUCCESS', amountReceived: { amount: '1500.50', currency: 'ARS' } });
    expect(settled.updatedAt).toBe(new Date(sandboxPayment(created.id).lastModifiedAt).toISOString());
  });

  it('sums partial transfers exactly (UNDERPAID), then OVERPAID past the price', async () => {
    const client = talo.client();
    const { id } = await client.createPayment(paymentInput({ amount: '1.00' }));
    await talo.control(`/_sandbox/payments/${id}/transfers`, { amount: '0.10' });
    await talo.control(`/_sandbox/payments/${id}/transfers`, { amount: '0.20' });
    // 0.1 + 0.2 in binary floats is 0.30000000000000004.
    expect(await client.getPayment(id)).toMatchObject({ status: 'UNDERPAID', amountReceived: { amount: '0.30' } });

    await talo.control(`/_sandbox/payments/${id}/transfers`, { amount: '0.75' });
    expect(await client.getPayment(id)).toMatchObject({ status: 'OVERPAID', amount: { amount: '1.00' }, amountReceived: { amount: '1.05' } });
  });

  it.each(['REJECTED', 'CANCELLED', 'EXPIRED', 'UNDER_REVIEW'] as const)('reads a payment forced to %s', async (status) => {
    const client = talo.client();
    const { id } = await client.createPayment(paymentInput());
    await talo.control(`/_sandbox/payments/${id}/status`, { status });
    expect(await client.getPayment(id)).toMatchObject({ status, providerStatus: status });
  });

  it('labels every call by endpoint, never by id, and sends the request id', async () => {
    const events: CallEvent[] = [];
    const client = talo.client({ hooks: { onCall: (e) => events.push(e) } });
    const { id } = await client.createPayment(paymentInput(), { requestId: 'req-create-1' });
    await client.getPayment(id, { requestId: 'req-get-1' });

    expect(events.map((e) => e.endpoint)).toEqual(['POST users/{user_id}/tokens', 'POST payments/', 'GET payments/{id}']);
    expect(talo.sandbox.log.list(ROUTES.create)[0]?.headers['x-request-id']).toBe('req-create-1');
    expect(talo.sandbox.log.list(ROUTES.get)[0]?.headers['x-request-id']).toBe('req-get-1');
  });

  describe('provider refusals', () => {
    it.each([
      ['a missing field', { externalId: '' }, 'external_id is required'],
      ['a wrong currency', { currency: 'USD' as 'ARS' }, 'price.currency must be ARS'],
    ])('422 for %s: INVALID_INPUT with Talo message', async (_case, overrides, message) => {
      const error = await failure(talo.client().createPayment(paymentInput(overrides), { requestId: 'req-422' }));
      expect(error).toMatchObject({ code: 'PROVIDER_ERROR', reason: 'INVALID_INPUT', httpStatus: wireStatus(TALO_WIRE_FACTS, 422), providerMessage: message });
      expect(error).toMatchObject({ endpoint: 'POST payments/', requestId: 'req-422', provider: 'TALO' });
      expect(talo.sandbox.log.count(ROUTES.create)).toBe(1);
    });

    it('404 for an unknown payment: NOT_FOUND, the label without the id', async () => {
      const id = 'VAR-00000000-0000-4000-8000-000000000000';
      const error = await failure(talo.client().getPayment(id));
      expect(error).toMatchObject({ code: 'PROVIDER_ERROR', reason: 'NOT_FOUND', httpStatus: wireStatus(TALO_WIRE_FACTS, 404), endpoint: 'GET payments/{id}' });
      expect(error.providerMessage).toMatch(/not found/);
      expect(talo.sandbox.log.count(ROUTES.get)).toBe(1);
    });

    it("403 for another user's payment: FORBIDDEN", async () => {
      const other = [...talo.sandbox.state.payments.values()].find((p) => p.userId === TALO_OTHER_USER_ID)!;
      const error = await failure(talo.client().getPayment(other.id));
      expect(error).toMatchObject({
        code: 'PROVIDER_ERROR',
        reason: 'FORBIDDEN',
        httpStatus: wireStatus(TALO_WIRE_FACTS, 403),
        providerMessage: 'This payment belongs to another user',
      });
    });

    it('refuses an amount it cannot send faithfully, before calling Talo', async () => {
      for (const amount of ['12.345', 'abc', '0', '-5']) {
        const error = await failure(talo.client().createPayment(paymentInput({ amount })));
        expect(error).toMatchObject({ reason: 'INVALID_INPUT', code: 'PROVIDER_ERROR' });
      }
      expect(talo.sandbox.log.count()).toBe(0);
    });
  });

  describe('answers it cannot read', () => {
    const answer = (body: unknown) => talo.fault({ route: ROUTES.get, mode: 'error-body', status: 200, body, times: 1 });

    it.each([
      ['no data', { message: 'ok', error: false }],
      ['a payment without a price', { message: 'ok', error: false, data: { id: 'VAR-1', payment_status: 'PENDING' } }],
      [
        'a transaction without an amount',
        { message: 'ok', error: false, data: { id: 'VAR-1', payment_status: 'PENDING', price: { amount: 1, currency: 'ARS' }, transactions: [{}] } },
      ],
      [
        'quotes that are not a list',
        { message: 'ok', error: false, data: { id: 'VAR-1', payment_status: 'PENDING', price: { amount: 1, currency: 'ARS' }, quotes: 'x' } },
      ],
      ['text', 'Bad gateway'],
    ])('%s: PROVIDER_UNAVAILABLE/BAD_RESPONSE, not a TypeError', async (_case, body) => {
      await answer(body);
      const error = await failure(talo.client().getPayment('VAR-1', { requestId: 'req-bad' }));
      expect(error).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', reason: 'BAD_RESPONSE', endpoint: 'GET payments/{id}', requestId: 'req-bad' });
    });

    it('reads an unknown status as UNDER_REVIEW, keeping the word', async () => {
      const client = talo.client();
      const { id } = await client.createPayment(paymentInput());
      const data = { ...(await wire(talo, id)), payment_status: 'CHARGEBACK' };
      await answer({ message: 'ok', error: false, data });
      expect(await client.getPayment(id)).toMatchObject({ id, status: 'UNDER_REVIEW', providerStatus: 'CHARGEBACK' });
    });
  });
});

describe('Talo client: CVU in quotes[].address', () => {
  const talo = useTaloSandbox({ quoteCvuField: 'address' });

  it('reads the CVU from address', async () => {
    const client = talo.client();
    const { id } = await client.createPayment(paymentInput());
    const stored = talo.sandbox.state.payments.get(id)!;
    expect(talo.sandbox.log.count(ROUTES.create)).toBe(1);
    expect((await client.getPayment(id)).transferDestinations).toEqual([{ cvu: stored.cvu, alias: stored.alias }]);
  });
});
