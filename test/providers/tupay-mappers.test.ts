/** Tupay wire → domain, without HTTP: defensive reading, status tables, window splitting. */
import { describe, expect, it, vi } from 'vitest';
import { ProviderError } from '../../src/providers/errors.js';
import { TUPAY_MAX_RANGE_SECONDS } from '../../src/providers/tupay/assumptions.js';
import { splitRange } from '../../src/providers/tupay/client.js';
import {
  toBalanceReportEntry,
  toBalances,
  toCashoutTransaction,
  toDepositTransaction,
  readPageRows,
  toPage,
  tupayFailure,
} from '../../src/providers/tupay/mappers.js';
import type { WireSurprise } from '../../src/providers/wire.js';

const source = { endpoint: 'GET v1/deposits' };

const deposit = {
  idDeposit: 300000346,
  creationDate: '2026-10-24T18:01:50Z',
  paymentMethodCode: 'XAQR',
  clientDocument: '33534194',
  amount: 1770.96,
  currency: 'PEN',
  status: 'COMPLETED',
};

function badResponse(read: () => unknown): ProviderError {
  let error: unknown;
  try {
    read();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ProviderError);
  expect(error).toMatchObject({ reason: 'BAD_RESPONSE', code: 'PROVIDER_UNAVAILABLE' });
  return error as ProviderError;
}

describe('splitRange', () => {
  it.each([
    [0, 0],
    [1_000, 1_000 + TUPAY_MAX_RANGE_SECONDS],
    [1_000, 1_000 + TUPAY_MAX_RANGE_SECONDS + 1],
    [1_700_000_000, 1_700_000_000 + 120 * 86_400],
    [1_700_000_123, 1_700_000_123 + 365 * 86_400 + 17],
  ])('tiles [%i, %i] with windows of at most 60 days', (from, to) => {
    const windows = splitRange(from, to, TUPAY_MAX_RANGE_SECONDS + 1);
    expect(windows[0]?.fromSec).toBe(from);
    expect(windows.at(-1)?.toSec).toBe(to);
    windows.forEach((w, i) => {
      expect(w.toSec - w.fromSec).toBeLessThanOrEqual(TUPAY_MAX_RANGE_SECONDS);
      if (i > 0) expect(w.fromSec).toBe(windows[i - 1]!.toSec + 1);
    });
    expect(windows).toHaveLength(Math.ceil((to - from + 1) / (TUPAY_MAX_RANGE_SECONDS + 1)));
  });

  it('uses one request for exactly 60 days', () => {
    expect(splitRange(10, 10 + TUPAY_MAX_RANGE_SECONDS, TUPAY_MAX_RANGE_SECONDS + 1)).toEqual([{ fromSec: 10, toSec: 10 + TUPAY_MAX_RANGE_SECONDS }]);
  });
});

describe('transactions', () => {
  it('maps a deposit, keeping amounts exact', () => {
    expect(toDepositTransaction(deposit, 'data[0]', source)).toEqual({
      provider: 'TUPAY',
      id: '300000346',
      kind: 'DEPOSIT',
      direction: 'IN',
      amount: { amount: '1770.96', currency: 'PEN' },
      createdAt: '2026-10-24T18:01:50Z',
      operation: 'XAQR',
      status: 'COMPLETED',
      providerStatus: 'COMPLETED',
      counterparty: { document: '33534194' },
    });
    expect(toDepositTransaction({ ...deposit, amount: '19675.8', idDeposit: '77' }, 'data[0]', source)).toMatchObject({
      id: '77',
      amount: { amount: '19675.80', currency: 'PEN' },
    });
  });

  it.each([
    ['PENDING', 'PENDING'],
    ['APPROVED', 'IN_PROGRESS'],
    ['COMPLETED', 'COMPLETED'],
    ['CANCELLED', 'CANCELLED'],
    ['DECLINED', 'REJECTED'],
  ])('reads deposit status %s as %s', (word, status) => {
    expect(toDepositTransaction({ ...deposit, status: word }, 'd', source).status).toBe(status);
  });

  it.each([
    ['ON_HOLD', 'PENDING'],
    ['PENDING', 'PENDING'],
    ['DELIVERED', 'IN_PROGRESS'],
    ['COMPLETED', 'COMPLETED'],
    ['REJECTED', 'REJECTED'],
    ['CANCELLED', 'CANCELLED'],
    ['DECLINED', 'REJECTED'],
  ])('reads cash-out status %s as %s', (word, status) => {
    const { idDeposit: _, paymentMethodCode: __, ...rest } = deposit;
    expect(toCashoutTransaction({ ...rest, idCashout: 5, status: word }, 'c', source)).toMatchObject({ id: '5', kind: 'CASHOUT', direction: 'OUT', status });
  });

  it('reads a status word it does not know as UNKNOWN, keeps the word and tells the source', () => {
    const observe = vi.fn();
    const read = toDepositTransaction({ ...deposit, status: 'REFUNDED' }, 'data[2]', { ...source, observe });
    expect(read).toMatchObject({ status: 'UNKNOWN', providerStatus: 'REFUNDED' });
    expect(observe).toHaveBeenCalledWith(expect.objectContaining({ kind: 'unknown_status', field: 'data[].status', detail: 'REFUNDED' }));
    // Inherited object keys are no status words.
    expect(toDepositTransaction({ ...deposit, status: 'toString' }, 'd', source).status).toBe('UNKNOWN');
  });

  it.each([
    ['a record that is not an object', null, 'data[3] is missing'],
    ['no id', { ...deposit, idDeposit: undefined }, 'data[3].idDeposit'],
    ['a fractional id', { ...deposit, idDeposit: 1.5 }, 'data[3].idDeposit'],
    ['no amount', { ...deposit, amount: undefined }, 'data[3].amount'],
    ['an amount that is no number', { ...deposit, amount: 'many' }, 'data[3].amount'],
    ['an unsupported currency', { ...deposit, currency: 'BRL' }, 'data[3].currency'],
    ['no creation date', { ...deposit, creationDate: undefined }, 'data[3].creationDate'],
    ['an unreadable creation date', { ...deposit, creationDate: 'yesterday' }, 'data[3].creationDate'],
  ])('refuses a deposit with %s as BAD_RESPONSE naming the field', (_name, raw, field) => {
    expect(badResponse(() => toDepositTransaction(raw, 'data[3]', source)).message).toContain(field);
  });

  it('leaves out what is optional and absent', () => {
    const { paymentMethodCode: _, clientDocument: __, ...bare } = deposit;
    const read = toDepositTransaction(bare, 'd', source);
    expect(read).not.toHaveProperty('operation');
    expect(read).not.toHaveProperty('counterparty');
  });
});

describe('pages', () => {
  it('reads rows and maxRows, defaulting them to the data sent and to 50', () => {
    expect(toPage({ page: 0, rows: 50, maxRows: 50, data: [] }, source)).toEqual({ rows: 50, maxRows: 50, data: [] });
    expect(toPage({ data: [1, 2] }, source)).toEqual({ rows: 2, maxRows: 50, data: [1, 2] });
  });

  it.each([[undefined], ['<html>'], [{ rows: 1 }], [{ data: {} }], [{ data: [], maxRows: 'fifty' }], [{ data: [], rows: -1 }]])('refuses %j', (body) => {
    badResponse(() => toPage(body, source));
  });
});

describe('balances', () => {
  it('keeps one balance per currency, the PRIMARY one, leaving absent parts out', () => {
    const balances = toBalances(
      {
        balances: [
          { currency: 'PEN', type: 'RESERVE', data: { totalBalance: 5 } },
          { currency: 'PEN', type: 'PRIMARY', data: { totalBalance: 235282.08, availableBalance: 235282.08, pendingSettlementAmount: 0 } },
          { currency: 'USD', type: 'PRIMARY', data: { totalBalance: 19675.8 } },
        ],
      },
      { endpoint: 'GET v1/balance' },
    );
    expect(balances).toEqual([
      {
        primary: true,
        total: { amount: '235282.08', currency: 'PEN' },
        available: { amount: '235282.08', currency: 'PEN' },
        pending: { amount: '0.00', currency: 'PEN' },
      },
      { primary: true, total: { amount: '19675.80', currency: 'USD' } },
    ]);
  });

  it('refuses a balance without its total', () => {
    const error = badResponse(() => toBalances({ balances: [{ currency: 'PEN', type: 'PRIMARY', data: {} }] }, source));
    expect(error.message).toContain('balances[0].data.totalBalance');
  });
});

describe('balance report rows', () => {
  const row = {
    idMerchant: 1201,
    date: '2026-11-22T00:00:00Z',
    currency: 'USD',
    depositTotal: 415.46,
    cashoutTotal: 0,
    depositFeeTotal: 12.05,
    netAmount: 403.41,
    totalBalance: 20298.97,
  };

  it('maps a row to its UTC day and amounts', () => {
    expect(toBalanceReportEntry(row, 'data[0]', source)).toEqual({
      date: '2026-11-22',
      currency: 'USD',
      balance: { amount: '20298.97', currency: 'USD' },
      depositTotal: { amount: '415.46', currency: 'USD' },
      cashoutTotal: { amount: '0.00', currency: 'USD' },
      feeTotal: { amount: '12.05', currency: 'USD' },
      netAmount: { amount: '403.41', currency: 'USD' },
    });
  });

  it('refuses a row without a readable date', () => {
    expect(badResponse(() => toBalanceReportEntry({ ...row, date: 'Nov 22' }, 'data[0]', source)).message).toContain('data[0].date');
  });
});

describe('refusals', () => {
  const response = (status: number, body: unknown) => ({ status, headers: {}, body });

  it('makes 403 code 83 an actionable FORBIDDEN', () => {
    const error = tupayFailure(response(403, { code: 83, description: 'IP address 10.0.0.9 is not whitelisted' }), source);
    expect(error).toMatchObject({ code: 'PROVIDER_ERROR', reason: 'FORBIDDEN', providerMessage: 'IP address 10.0.0.9 is not whitelisted' });
    expect(error.message).toMatch(/whitelist/);
  });

  it('keeps the safe description of other refusals, and reads a text body', () => {
    expect(tupayFailure(response(400, { code: 400, description: 'The maximum difference between from and to is 60 days' }), source)).toMatchObject({
      reason: 'INVALID_INPUT',
      providerMessage: 'The maximum difference between from and to is 60 days',
    });
    expect(tupayFailure(response(418, 'teapot token=abc123'), source)).toMatchObject({ reason: 'REJECTED', providerMessage: 'teapot token [redacted]' });
  });
});

describe('tolerant reading', () => {
  const observed = () => {
    const surprises: WireSurprise[] = [];
    return { surprises, source: { ...source, observe: (s: WireSurprise) => surprises.push(s) } };
  };

  it('reads the documented record without a single surprise', () => {
    const { surprises, source: src } = observed();
    toDepositTransaction(deposit, 'data[0]', src);
    expect(surprises).toEqual([]);
  });

  it.each([
    ['documented', '2026-10-24T18:01:50Z'],
    ['with an offset', '2026-10-24T13:01:50-05:00'],
    ['with milliseconds', '2026-10-24T18:01:50.000Z'],
    ['without an offset, in Lima time', '2026-10-24T13:01:50'],
    ['with a space, in Lima time', '2026-10-24 13:01:50'],
  ])('reads a creation date %s as the same instant', (_name, creationDate) => {
    expect(toDepositTransaction({ ...deposit, creationDate }, 'd', source).createdAt).toBe('2026-10-24T18:01:50Z');
  });

  it('reads a bare date as midnight in Lima', () => {
    expect(toDepositTransaction({ ...deposit, creationDate: '2026-10-24' }, 'd', source).createdAt).toBe('2026-10-24T05:00:00Z');
  });

  it('reads amounts and ids as numbers or strings, exactly, telling each coercion', () => {
    const { surprises, source: src } = observed();
    const read = toDepositTransaction({ ...deposit, idDeposit: '300000346', amount: '1770.96' }, 'data[0]', src);
    expect(read).toMatchObject({ id: '300000346', amount: { amount: '1770.96', currency: 'PEN' } });
    expect(surprises.map((s) => [s.kind, s.field, s.detail])).toEqual([
      ['coerced_type', 'data[].idDeposit', 'string for number'],
      ['coerced_type', 'data[].amount', 'string for number'],
    ]);
  });

  it('keeps a record with no status (or a number) as UNKNOWN, and reads lower-case words', () => {
    expect(toDepositTransaction({ ...deposit, status: undefined }, 'd', source)).toMatchObject({ status: 'UNKNOWN', providerStatus: '' });
    expect(toDepositTransaction({ ...deposit, status: 42 }, 'd', source)).toMatchObject({ status: 'UNKNOWN', providerStatus: '42' });
    expect(toDepositTransaction({ ...deposit, status: 'completed' }, 'd', source).status).toBe('COMPLETED');
  });

  it('reads null optional fields as absent and tells unknown fields', () => {
    const { surprises, source: src } = observed();
    const read = toDepositTransaction({ ...deposit, clientDocument: null, paymentMethodCode: null, riskScore: 3 }, 'data[0]', src);
    expect(read).not.toHaveProperty('counterparty');
    expect(surprises).toEqual([expect.objectContaining({ kind: 'unknown_field', field: 'data[].riskScore' })]);
  });

  it('reads rows and maxRows as digits', () => {
    expect(toPage({ page: '0', rows: '50', maxRows: '50', data: [] }, source)).toEqual({ rows: 50, maxRows: 50, data: [] });
  });

  it('skips a record it cannot read, keeping the others', () => {
    const { surprises, source: src } = observed();
    const read = readPageRows([deposit, { ...deposit, amount: 'many' }, deposit], src, toDepositTransaction);
    expect(read.rows).toHaveLength(2);
    expect(read.skipped.map((e) => e.message)).toEqual([expect.stringContaining('data[1].amount')]);
    expect(surprises).toEqual([expect.objectContaining({ kind: 'skipped_row', field: 'data[]' })]);
  });

  it('reads report days in any date form, keeping their own date', () => {
    const row = { date: '2026-01-31', currency: 'PEN', totalBalance: '10.5' };
    expect(toBalanceReportEntry(row, 'data[0]', source)).toMatchObject({ date: '2026-01-31', balance: { amount: '10.50' } });
  });
});
