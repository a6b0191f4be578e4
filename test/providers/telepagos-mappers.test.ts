/** TelePagos wire → domain, without HTTP: the reading rules the sandbox cannot vary. */
import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/providers/errors.js';
import { telepagosTokenExpiry } from '../../src/providers/telepagos/auth.js';
import { expiresAtToEpochMs } from '../../src/providers/telepagos/assumptions.js';
import type { WireSurprise } from '../../src/providers/wire.js';
import {
  readTxRows,
  toBalance,
  toCashin,
  toConcepts,
  toDone,
  toOperations,
  toSalePoints,
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
    expect(refused(200, { status: ' Failed ', message: 'Saldo insuficiente' })).toMatchObject({ reason: 'REJECTED', providerMessage: 'Saldo insuficiente' });
    expect(refused(200, { status: false, message: 'Cuenta no encontrada' }).reason).toBe('NOT_FOUND');
    expect(unwrapEnvelope({ status: 200, headers: {}, body: { status: 'ok', amount: 1 } }, source)).toEqual({ status: 'ok', amount: 1 });
    badResponse(() => unwrapEnvelope({ status: 200, headers: {}, body: '<html>' }, source));
  });

  it('judges any other answer by its payload: other words and none are read, told as surprises, never a verdict', () => {
    const surprises: WireSurprise[] = [];
    const src = { ...source, observe: (s: WireSurprise) => surprises.push(s) };
    const balance = (body: Record<string, unknown>) => toBalance(unwrapEnvelope({ status: 200, headers: {}, body }, src), src);
    expect(balance({ status: 'ok', amount: 1 })).toEqual({ total: { amount: '1.00', currency: 'ARS' }, primary: true });
    expect(surprises).toEqual([]);
    for (const status of ['success', 'OK', true, 'procesado', undefined, 7]) expect(balance({ status, amount: 1 }).total.amount).toBe('1.00');
    expect(surprises.map((s) => [s.kind, s.field, s.detail])).toEqual([
      ['coerced_type', 'status', 'success for ok'],
      ['coerced_type', 'status', 'OK for ok'],
      ['coerced_type', 'status', 'boolean for ok'],
      ['unknown_status', 'status', 'procesado'],
      ['unknown_status', 'status', '(none)'],
      ['unknown_status', 'status', 'number'],
    ]);
    // A success word without the payload is still no answer.
    expect(badResponse(() => balance({ status: 'success' })).message).toContain('amount');
    // With no payload documented but `status`, only a success word is success.
    expect(toDone(unwrapEnvelope({ status: 200, headers: {}, body: { status: 'OK' } }, source), source)).toBeUndefined();
    badResponse(() => toDone(unwrapEnvelope({ status: 200, headers: {}, body: { status: 'procesado' } }, source), source));
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

describe('tolerant reading', () => {
  const observed = () => {
    const surprises: WireSurprise[] = [];
    return { surprises, source: { ...source, observe: (s: WireSurprise) => surprises.push(s) } };
  };
  const one = (raw: Record<string, unknown>, src = source) => toTransactions(readTxRows([raw], src).rows)[0]!;
  const reference = one(row);

  it('reads the documented row without a single surprise', () => {
    const { surprises, source: src } = observed();
    one(row, src);
    expect(surprises).toEqual([]);
  });

  it.each([
    ['ISO 8601 in UTC', '2025-06-15T13:58:32Z', 'iso-utc'],
    ['ISO 8601 with an offset', '2025-06-15T08:58:32-05:00', 'iso-offset'],
    ['ISO 8601 with milliseconds', '2025-06-15T13:58:32.000Z', 'iso-utc'],
    ['ISO 8601 without an offset (Argentina time)', '2025-06-15T10:58:32', 'iso-without-offset'],
  ])('reads a date in %s as the same instant, the same row id, and tells the form', (_name, date, form) => {
    const { surprises, source: src } = observed();
    const tx = one({ ...row, date }, src);
    expect([tx.createdAt, tx.id]).toEqual([reference.createdAt, reference.id]);
    expect(surprises).toEqual([expect.objectContaining({ kind: 'coerced_type', field: 'transactions[].date', detail: form })]);
  });

  it('reads a bare date as midnight in Argentina', () => {
    expect(one({ ...row, date: '2025-06-15' }).createdAt).toBe('2025-06-15T00:00:00-03:00');
  });

  it('reads the amount as a number or a numeric string, exactly', () => {
    const { surprises, source: src } = observed();
    expect(one({ ...row, amount: 1500.5 }, src).amount).toEqual({ amount: '1500.50', currency: 'ARS' });
    expect(one({ ...row, amount: '12345678901234.57' }).amount.amount).toBe('12345678901234.57');
    expect(one({ ...row, amount: ' 0.10 ' }).amount.amount).toBe('0.10');
    expect(surprises).toEqual([expect.objectContaining({ kind: 'coerced_type', field: 'transactions[].amount', detail: 'number for string' })]);
  });

  it('reads income as "1"/"0" or a boolean', () => {
    expect(one({ ...row, income: '1', operation: 'cashin' }).direction).toBe('IN');
    expect(one({ ...row, income: false }).direction).toBe('OUT');
  });

  it('keeps a row with an empty, missing or unknown status as UNKNOWN with the word, and tells it', () => {
    const { surprises, source: src } = observed();
    expect(one({ ...row, status: '' }, src)).toMatchObject({ status: 'UNKNOWN', providerStatus: '' });
    expect(one({ ...row, status: null }, src)).toMatchObject({ status: 'UNKNOWN', providerStatus: '' });
    expect(one({ ...row, status: 'En revisión' }, src)).toMatchObject({ status: 'UNKNOWN', providerStatus: 'En revisión' });
    expect(surprises.map((s) => [s.kind, s.detail])).toEqual([
      ['unknown_status', '(none)'],
      ['unknown_status', '(none)'],
      ['unknown_status', 'En revisión'],
    ]);
  });

  it('reads null optional fields as absent, numbers as text, and tells unknown fields', () => {
    const { surprises, source: src } = observed();
    const tx = one({ ...row, holder: null, cuit: 20123456786, sale_point_name: undefined, brand_new: 1 }, src);
    expect(tx.counterparty).toEqual({ name: undefined, cuit: '20123456786', cbu: '0000071000000000999993' });
    expect(surprises.map((s) => [s.kind, s.field])).toEqual([
      ['unknown_field', 'transactions[].brand_new'],
      ['coerced_type', 'transactions[].cuit'],
    ]);
  });

  it('reads the page counts as numbers or digits', () => {
    const page = toTransactionsPage({ status: 'ok', transactions: [row], number_of_results: '1', page: '1', pages: '1', pagination: '20' }, 1, source);
    expect(page).toMatchObject({ total: 1, page: 1, pages: 1, pageSize: 20, listed: 1, skipped: [] });
  });

  it('counts a skipped row as listed (TelePagos counts it) and tells it', () => {
    const { surprises, source: src } = observed();
    const page = toTransactionsPage({ status: 'ok', transactions: [row, { ...row, amount: 'x' }], number_of_results: 2, pages: 1, pagination: 20 }, 1, src);
    expect([page.rows.length, page.skipped.length, page.listed]).toEqual([1, 1, 2]);
    expect(surprises).toEqual([
      expect.objectContaining({ kind: 'skipped_row', field: 'transactions[]', detail: 'transactions[].amount is missing or not an amount' }),
    ]);
  });
});

describe('tolerant reference data', () => {
  it('reads concept ids as numbers or strings, bare strings as concepts, and skips an unreadable one', () => {
    const concepts = toConcepts(
      { concepts: [{ id: 7, description: 'Varios' }, 'ALQ', { id: null, description: 'x' }, { id: 'FAC', description: 'Facturas', extra: true }] },
      source,
    );
    expect(concepts).toEqual([
      { id: '7', description: 'Varios' },
      { id: 'ALQ', description: 'ALQ' },
      { id: 'FAC', description: 'Facturas' },
    ]);
  });

  it('reads operations and sale points with numeric or string ids', () => {
    expect(toOperations({ operations: [{ id: 5, name: 'Cobro', type: 'ingreso' }] }, source)).toEqual([{ id: '5', name: 'Cobro', type: 'ingreso' }]);
    expect(toSalePoints({ sale_points: [{ id: '12', name: 'Caja', status: 'active' }, { id: 13 }] }, source)).toEqual([
      { id: '12', name: 'Caja', status: 'active' },
    ]);
  });
});
