/** Talo wire ⇄ domain mapping, on hand-written answers (the client suites cover the sandbox's). */
import { jsonBody } from '../../src/providers/json-body.js';
import { describe, expect, it } from 'vitest';
import { TALO_AMOUNT_WIRE_TYPES, TALO_PAYMENT_STATUSES } from '../../src/providers/talo/assumptions.js';
import { toCreatePaymentBody, toPayment, toPaymentStatus } from '../../src/providers/talo/mappers.js';
import type { WireSurprise } from '../../src/providers/wire.js';
import { paymentInput } from './talo-client-fixture.js';

const source = { endpoint: 'GET payments/{id}' };
const minimal = { id: 'VAR-1', payment_status: 'PENDING', price: { amount: 10, currency: 'ARS' } };

describe('Talo mappers', () => {
  it.each(TALO_PAYMENT_STATUSES)('maps %s to the same domain status', (status) => {
    expect(toPaymentStatus(status)).toBe(status);
  });

  it('tolerates case and spaces, and reads an unknown word as UNDER_REVIEW, reporting it', () => {
    const unknown: WireSurprise[] = [];
    expect(toPaymentStatus(' success ')).toBe('SUCCESS');
    expect(toPaymentStatus('REFUNDED', { ...source, observe: (s) => unknown.push(s) })).toBe('UNDER_REVIEW');
    expect(unknown).toEqual([expect.objectContaining({ provider: 'TALO', kind: 'unknown_status', field: 'data.payment_status', detail: 'REFUNDED' })]);
  });

  it('reads a minimal payment: nothing received, no destinations', () => {
    expect(toPayment(minimal, source)).toMatchObject({
      id: 'VAR-1',
      amount: { amount: '10.00', currency: 'ARS' },
      amountReceived: { amount: '0.00', currency: 'ARS' },
      transferDestinations: [],
    });
  });

  it('reads amounts given as numbers or strings, and quotes with cvu, address, alias only or nothing', () => {
    const payment = toPayment(
      {
        ...minimal,
        price: { amount: '12345.5', currency: 'ARS' },
        transactions: [{ amount: 0.1 }, { amount: '0.2' }],
        quotes: [{ cvu: '0000003100000000000001', alias: 'a.b.c' }, { address: '0000003100000000000002' }, { alias: 'only.alias' }, {}],
        creation_timestamp: '2026-01-15T09:00:00-03:00',
        last_modified_timestamp: 'not a date',
        motive: null,
      },
      source,
    );
    expect(payment).toMatchObject({
      amount: { amount: '12345.50' },
      amountReceived: { amount: '0.30' },
      transferDestinations: [{ cvu: '0000003100000000000001', alias: 'a.b.c' }, { cvu: '0000003100000000000002' }, { alias: 'only.alias' }],
      createdAt: '2026-01-15T12:00:00.000Z',
    });
    expect(payment.updatedAt).toBeUndefined();
    expect(payment.motive).toBeUndefined();
  });

  it.each([
    ['data null', null],
    ['an unknown currency', { ...minimal, price: { amount: 10, currency: 'XXX' } }],
    ['an amount in words', { ...minimal, price: { amount: 'ten', currency: 'ARS' } }],
    ['an id that is neither text nor a number', { ...minimal, id: { x: 1 } }],
    ['a transaction that is not an object', { ...minimal, transactions: [5] }],
  ])('refuses %s as BAD_RESPONSE naming the field, never its value', (_case, data) => {
    expect(() => toPayment(data, source)).toThrowError(expect.objectContaining({ reason: 'BAD_RESPONSE', code: 'PROVIDER_UNAVAILABLE' }));
  });

  it("sends the price as a JSON number written from the decimal's digits, never through a float", () => {
    for (const [amount, sent] of [
      ['1500', '1500.00'],
      ['1500.5', '1500.50'],
      ['0.10', '0.10'],
      ['9999999999999.99', '9999999999999.99'],
    ] as const) {
      const body = jsonBody(toCreatePaymentBody(paymentInput({ amount }), 'user', 'POST payments/'))!;
      expect(body).toContain(`"amount":${sent}`);
    }
  });
});

describe('Talo tolerant reading', () => {
  it('reads a price amount as a numeric string exactly, timestamps with or without an offset, and tells surprises', () => {
    const surprises: WireSurprise[] = [];
    const payment = toPayment(
      { ...minimal, price: { amount: '1500.10', currency: 'ARS' }, creation_timestamp: '2026-01-15T09:00:00', motive: null, new_field: 1 },
      { ...source, observe: (s) => surprises.push(s) },
    );
    expect(payment.amount.amount).toBe('1500.10');
    // No offset: Argentina time.
    expect(payment.createdAt).toBe('2026-01-15T12:00:00.000Z');
    expect(payment.motive).toBeUndefined();
    expect(surprises.map((s) => [s.kind, s.field])).toEqual([
      ['unknown_field', 'data.new_field'],
      ['coerced_type', 'data.price.amount'],
      ['coerced_type', 'data.creation_timestamp'],
    ]);
  });

  it('takes transaction amounts as the decimal strings the documents describe, and tells a number as a surprise', () => {
    const told = (transactions: unknown[]) => {
      const surprises: WireSurprise[] = [];
      const payment = toPayment({ ...minimal, transactions }, { ...source, observe: (s) => surprises.push(s) });
      return { received: payment.amountReceived.amount, surprises: surprises.map((s) => [s.kind, s.field, s.detail]) };
    };
    expect(TALO_AMOUNT_WIRE_TYPES.transaction).toBe('string');
    expect(
      told([
        { transaction_id: 't1', amount: '4.5' },
        { transaction_id: 't2', amount: '5.50' },
      ]),
    ).toEqual({ received: '10.00', surprises: [] });
    expect(told([{ transaction_id: 't1', amount: 4.5 }])).toEqual({
      received: '4.50',
      surprises: [['coerced_type', 'data.transactions[].amount', 'number for string']],
    });
  });

  it('reads a payment without a status as UNDER_REVIEW, keeping an empty word', () => {
    const { payment_status: _, ...noStatus } = minimal;
    expect(toPayment(noStatus, source)).toMatchObject({ status: 'UNDER_REVIEW', providerStatus: '' });
  });

  it('reads an id sent as a number as text', () => {
    expect(toPayment({ ...minimal, id: 42 }, source).id).toBe('42');
  });
});
