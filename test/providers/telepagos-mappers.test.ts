/** TelePagos wire → domain, without HTTP: the reading rules the sandbox cannot vary. */
import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/providers/errors.js';
import { telepagosTokenExpiry } from '../../src/providers/telepagos/auth.js';
import { expiresAtToEpochMs } from '../../src/providers/telepagos/assumptions.js';
import {
  readTxRows,
  toBalance,
  toCashin,
  toStatistics,
  toTransactions,
  toTransactionsPage,
  transactionKind,
  transactionStatus,
  unwrapEnvelope,
} from '../../src/providers/telepagos/mappers.js';

const source = { endpoint: 'GET test', requestId: 'req-1' };

function badResponse(read: () => unknown): ProviderError {
  let caught: unknown;
  try {
    read();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ProviderError);
  expect((caught as ProviderError).reason).toBe('BAD_RESPONSE');
  return caught as ProviderError;
}

const row = {
  income: 0,
  date: '2025-06-15 10:58:32',
  amount: '1500.50',
  operation: 'cashout',
  holder: 'Pasarela Demo',
  cuit: '20123456786',
  cvu_cbu: '0000071000000000999993',
  status: 'Aprobada',
  sale_point_name: '',
};

describe('envelope', () => {
  it('checks status before the HTTP code', () => {
    const refused = (status: number, body: unknown) => {
      try {
        unwrapEnvelope({ status, headers: {}, body }, source);
      } catch (error) {
        return error as ProviderError;
      }
      throw new Error('expected a refusal');
    };
    expect(refused(200, { status: 'error', message: 'Nope' })).toMatchObject({ reason: 'REJECTED', providerMessage: 'Nope', requestId: 'req-1' });
    expect(refused(422, { status: 'error', message: 'The amount field is required.' }).reason).toBe('INVALID_INPUT');
    expect(refused(404, 'Not Found').reason).toBe('NOT_FOUND');
    expect(refused(409, { status: 'error' }).reason).toBe('CONFLICT');
    expect(unwrapEnvelope({ status: 200, headers: {}, body: { status: 'ok', amount: 1 } }, source)).toEqual({ status: 'ok', amount: 1 });
    badResponse(() => unwrapEnvelope({ status: 200, headers: {}, body: '<html>' }, source));
    badResponse(() => unwrapEnvelope({ status: 200, headers: {}, body: { amount: 1 } }, source));
  });
});

describe('transactions', () => {
  it('maps a row: exact amount, Argentina offset, counterparty, empty sale point as absent', () => {
    const [tx] = toTransactions(readTxRows([row], source).rows);
    expect(tx).toEqual({
      provider: 'TELEPAGOS',
      id: expect.stringMatching(/^[0-9a-f]{32}$/),
      kind: 'CASHOUT',
      direction: 'OUT',
      amount: { amount: '1500.50', currency: 'ARS' },
      createdAt: '2025-06-15T10:58:32-03:00',
      operation: 'cashout',
      status: 'COMPLETED',
      providerStatus: 'Aprobada',
      counterparty: { name: 'Pasarela Demo', cuit: '20123456786', cbu: '0000071000000000999993' },
      salePointName: undefined,
    });
    expect(Date.parse(tx!.createdAt)).toBe(Date.parse('2025-06-15T13:58:32Z'));
  });

  it('gives identical rows distinct ids by ordinal, stable across reads and status changes', () => {
    const { rows } = readTxRows([row, { ...row, amount: 10 }, row], source);
    const ids = toTransactions(rows).map((t) => t.id);
    expect(new Set(ids).size).toBe(3);
    expect(toTransactions(readTxRows([row, { ...row, amount: 10 }, row], source).rows).map((t) => t.id)).toEqual(ids);
    const rejected = toTransactions(readTxRows([{ ...row, status: 'Rechazada' }], source).rows)[0]!;
    expect([rejected.id, rejected.status]).toEqual([ids[0], 'REJECTED']);
    expect(toTransactions(readTxRows([{ ...row, amount: '1500.5' }], source).rows)[0]!.id).toBe(ids[0]);
  });

  it('decides the kind from the operation and income', () => {
    expect(transactionKind('cashout', 0)).toBe('CASHOUT');
    expect(transactionKind('service_payment', 0)).toBe('CASHOUT');
    expect(transactionKind('qr_payment', 1)).toBe('DEPOSIT');
    expect(transactionKind('link_payment', 1)).toBe('DEPOSIT');
    expect(transactionKind('cashin', 1)).toBe('TRANSFER');
    expect(transactionKind('cashout', 1)).toBe('TRANSFER');
    expect(transactionKind('something_new', 1)).toBe('TRANSFER');
    expect(transactionKind(undefined, 0)).toBe('TRANSFER');
  });

  it('normalizes the Spanish status word and keeps unknown ones as UNKNOWN', () => {
    expect(['Aprobada', 'pendiente', ' RECHAZADA ', 'En revisión'].map(transactionStatus)).toEqual(['COMPLETED', 'PENDING', 'REJECTED', 'UNKNOWN']);
  });

  it('skips rows missing what a transaction needs, naming the row and field; keeps the others', () => {
    const { income: _i, ...noIncome } = row;
    const read = readTxRows([noIncome, row, { ...row, date: 'ayer' }, { ...row, amount: 'mil' }, null], source);
    expect(read.rows).toHaveLength(1);
    expect(read.skipped.map((e) => [e.reason, e.message.split(': ').pop()])).toEqual([
      ['BAD_RESPONSE', 'transactions[0].income is missing or not 0/1'],
      ['BAD_RESPONSE', 'transactions[2].date is missing or not a date'],
      ['BAD_RESPONSE', 'transactions[3].amount is missing or not an amount'],
      ['BAD_RESPONSE', 'transactions[4] is missing or not an object'],
    ]);
    badResponse(() => readTxRows(undefined, source));
    badResponse(() => toTransactionsPage({ status: 'ok', transactions: [] }, 1, source));
  });
});

describe('other answers', () => {
  it('reads the buyer as an object or a one-element list, and ids as strings', () => {
    const body = { amount: '1234.50', concept: 'VAR', description: 'Mesa 4', transaction_id: 9001071, qr_order_id: 700325, link_id: null };
    const buyer = { cuit: '20123456786', cvu: '0000071000000000999993' };
    const expected = {
      provider: 'TELEPAGOS',
      id: '500751',
      amount: { amount: '1234.50', currency: 'ARS' },
      concept: 'VAR',
      description: 'Mesa 4',
      buyer: { cuit: buyer.cuit, cbu: buyer.cvu },
      transactionId: '9001071',
      qrOrderId: '700325',
      linkId: undefined,
    };
    expect(toCashin('500751', { ...body, buyer }, source)).toEqual(expected);
    expect(toCashin('500751', { ...body, buyer: [buyer] }, source)).toEqual(expected);
    badResponse(() => toCashin('1', { buyer }, source));
  });

  it('reads statistics with null totals, counts as digits, groups in any order', () => {
    const data = [[{ count_sent_sms: '3' }], [{ total_cashout: null, total_cashin: '150.5' }], [{ count_open_cvu: 2 }], [{ count_payments_services: 0 }]];
    expect(toStatistics('2025-06', { data }, source)).toEqual({
      period: '2025-06',
      openCvuCount: 2,
      totalCashin: '150.50',
      totalCashout: undefined,
      paymentServicesCount: 0,
      smsSentCount: 3,
    });
    badResponse(() => toStatistics('2025-06', { data: [[{ count_open_cvu: 1 }]] }, source));
    badResponse(() => toStatistics('2025-06', { data: null }, source));
  });

  it('reads the balance as whole pesos, and refuses a missing amount', () => {
    expect(toBalance({ amount: 2397261 }, source)).toEqual({ total: { amount: '2397261.00', currency: 'ARS' }, primary: true });
    badResponse(() => toBalance({}, source));
  });
});

describe('token expiry', () => {
  const now = Date.parse('2025-06-15T15:00:00Z');
  it('reads seconds, milliseconds and an Argentina date-time', () => {
    expect(expiresAtToEpochMs(now / 1000 + 3600)).toBe(now + 3_600_000);
    expect(expiresAtToEpochMs(now + 3_600_000)).toBe(now + 3_600_000);
    expect(expiresAtToEpochMs('2025-06-15 13:00:00')).toBe(now + 3_600_000);
  });

  it('falls back to the assumed lifetime when expires_at is missing or already past', () => {
    expect(telepagosTokenExpiry(now + 60_000, now)).toEqual({ expiresAtMs: now + 60_000, from: 'expires_at' });
    expect(telepagosTokenExpiry(null, now)).toEqual({ expiresAtMs: now + 3_600_000, from: 'default' });
    expect(telepagosTokenExpiry(now - 1, now)).toEqual({ expiresAtMs: now + 3_600_000, from: 'default' });
  });
});
