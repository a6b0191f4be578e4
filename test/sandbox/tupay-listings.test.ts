/** Tupay sandbox conformance: deposits and cash-outs listings — range rules, paging, filters, shapes. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../helpers/http.js';
import { TUPAY_MAX_RANGE_SECONDS, TUPAY_MAX_ROWS } from '../../src/providers/tupay/assumptions.js';
import type { RunningSandbox } from '../../src/sandbox/server.js';
import type { TupayState } from '../../src/sandbox/tupay/index.js';
import { DAY, NOW_SEC, fetchAll, login, startFixture, withCookie } from './tupay-support.js';

let sandbox: RunningSandbox<TupayState>;
let url: string;
let token: string;

beforeAll(async () => {
  sandbox = await startFixture();
  url = sandbox.url;
  token = await login(url);
});
afterAll(() => sandbox.close());

const LISTINGS = [
  { path: '/v1/deposits', ledger: () => sandbox.state.deposits, id: 'idDeposit' },
  { path: '/v1/cashout', ledger: () => sandbox.state.cashouts, id: 'idCashout' },
  { path: '/v1/cashouts', ledger: () => sandbox.state.cashouts, id: 'idCashout' },
] as const;

const FULL_RANGE = { from: NOW_SEC - TUPAY_MAX_RANGE_SECONDS, to: NOW_SEC };

const list = (path: string, query: Record<string, string | number | undefined>) => call(url, 'GET', path, { headers: withCookie(token), query });

describe.each(LISTINGS)('GET $path', ({ path, ledger, id }) => {
  it.each([
    ['from > to', { from: NOW_SEC, to: NOW_SEC - 1 }],
    ['more than 60 days', { from: NOW_SEC - TUPAY_MAX_RANGE_SECONDS - 1, to: NOW_SEC }],
    ['a non-integer from', { from: '1769860800.5', to: NOW_SEC }],
    ['a date instead of seconds', { from: '2026-01-01', to: NOW_SEC }],
    ['a missing from', { to: NOW_SEC }],
    ['a missing to', { from: NOW_SEC - DAY }],
    ['a negative page', { from: NOW_SEC - DAY, to: NOW_SEC, page: -1 }],
  ])('answers 400 { code, description } for %s', async (_case, query) => {
    const response = await list(path, query);
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ code: 400, description: expect.any(String) });
  });

  it('answers 401 without a session', async () => {
    const response = await call(url, 'GET', path, { query: FULL_RANGE });
    expect(response.status).toBe(401);
  });

  it('accepts exactly 60 days, and pages give every record of the range once, oldest first', async () => {
    const { records, pages } = await fetchAll(url, path, token, FULL_RANGE);
    const expected = ledger()
      .range(FULL_RANGE.from, FULL_RANGE.to)
      .map((r) => r.id);
    expect(expected.length).toBeGreaterThan(2 * TUPAY_MAX_ROWS);
    expect(records.map((r: any) => r[id])).toEqual(expected);
    expect(pages.slice(0, -1).every((p) => p.rows === TUPAY_MAX_ROWS && p.maxRows === TUPAY_MAX_ROWS)).toBe(true);
    expect(pages.at(-1)!.rows).toBeLessThan(TUPAY_MAX_ROWS);
    expect(pages.map((p) => p.page)).toEqual(pages.map((_, i) => i));
    const created = records.map((r: any) => Date.parse(r.creationDate) / 1000);
    expect(created.every((t, i) => t >= FULL_RANGE.from && t <= FULL_RANGE.to && (i === 0 || t >= created[i - 1]!))).toBe(true);
  });

  it('ends a range of exactly 100 records with a page of 0 rows', async () => {
    const times = ledger()
      .range(0, NOW_SEC)
      .map((r) => r.createdSec);
    // A window whose first and last records have no neighbour created in the same second.
    const k = times.findIndex((t, i) => i > 0 && times[i - 1]! < t && times[i + 100] !== undefined && times[i + 99]! < times[i + 100]!);
    const range = { from: times[k]!, to: times[k + 99]! };
    const { records, pages } = await fetchAll(url, path, token, range);
    expect(records).toHaveLength(100);
    expect(pages.map((p) => p.rows)).toEqual([50, 50, 0]);
    const beyond = await list(path, { ...range, page: 2 });
    expect(beyond.body).toEqual({ page: 2, rows: 0, maxRows: TUPAY_MAX_ROWS, data: [] });
  });

  it('filters by status, by either document spelling and by country', async () => {
    const records = ledger().range(FULL_RANGE.from, FULL_RANGE.to);
    const status = records[0]!.status;
    const document = records[0]!.clientDocument;
    const byStatus = await fetchAll(url, path, token, { ...FULL_RANGE, status });
    expect(byStatus.records.length).toBe(records.filter((r) => r.status === status).length);
    expect(byStatus.records.every((r: any) => r.status === status)).toBe(true);
    const expectedByDocument = records.filter((r) => r.clientDocument === document).map((r) => r.id);
    for (const spelling of ['clientDocument', 'clienteDocument']) {
      const byDocument = await fetchAll(url, path, token, { ...FULL_RANGE, [spelling]: document });
      expect(byDocument.records.map((r: any) => r[id])).toEqual(expectedByDocument);
    }
    const both = await fetchAll(url, path, token, { ...FULL_RANGE, status, clientDocument: document, clienteDocument: document });
    expect(both.records.length).toBe(records.filter((r) => r.status === status && r.clientDocument === document).length);
    expect((await fetchAll(url, path, token, { ...FULL_RANGE, country: 'PE' })).records.length).toBe(records.length);
    expect((await list(path, { ...FULL_RANGE, country: 'AR' })).body.rows).toBe(0);
  });

  it('refuses an unknown status or payment method with 400', async () => {
    expect((await list(path, { ...FULL_RANGE, status: 'SETTLED' })).status).toBe(400);
    expect((await list(path, { ...FULL_RANGE, paymentMethod: 'CARD' })).status).toBe(400);
  });
});

describe('deposit records', () => {
  it('have the Directa24 shape with amounts of at most 2 decimals', async () => {
    const { records } = await fetchAll(url, '/v1/deposits', token, FULL_RANGE);
    for (const d of records) {
      expect(Object.keys(d).sort()).toEqual(
        [
          'idDeposit',
          'externalId',
          'creationDate',
          'country',
          'paymentMethodCode',
          'paymentMethodName',
          'clientDocument',
          'amount',
          'currency',
          'localAmount',
          'localCurrency',
          'fee',
          'feeCurrency',
          'lastChangeDate',
          'status',
          'idUser',
          'idMerchant',
          'merchantName',
          'flags',
          'refundAttempted',
        ].sort(),
      );
      expect(d).toMatchObject({ country: 'PE', localCurrency: 'PEN', flags: [], idUser: expect.any(String), idDeposit: expect.any(Number) });
      expect(d.creationDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(['XA', 'XAQR']).toContain(d.paymentMethodCode);
      expect(d.clientDocument).toMatch(/^\d{8}$/);
      for (const amount of [d.amount, d.localAmount, d.fee]) expect(Math.round(amount * 100) / 100).toBe(amount);
      if (d.currency === 'PEN') expect(d.localAmount).toBe(d.amount);
    }
    expect(new Set(records.map((d: any) => d.status)).size).toBeGreaterThanOrEqual(3);
    expect(new Set(records.map((d: any) => d.clientDocument)).size).toBeLessThanOrEqual(10);
  });

  it('filter by payment method', async () => {
    const { records } = await fetchAll(url, '/v1/deposits', token, { ...FULL_RANGE, paymentMethod: 'XAQR' });
    const expected = sandbox.state.deposits.range(FULL_RANGE.from, FULL_RANGE.to).filter((d) => d.paymentMethod === 'XAQR');
    expect(records.length).toBe(expected.length);
    expect(records.every((d: any) => d.paymentMethodCode === 'XAQR')).toBe(true);
  });
});

describe('cash-out records', () => {
  it('have the Directa24 shape and are the same on both path spellings', async () => {
    const singular = await list('/v1/cashout', FULL_RANGE);
    const plural = await list('/v1/cashouts', FULL_RANGE);
    expect(plural.body).toEqual(singular.body);
    for (const c of singular.body.data) {
      expect(Object.keys(c).sort()).toEqual(
        [
          'idCashout',
          'externalId',
          'creationDate',
          'country',
          'currency',
          'amount',
          'creditedCurrency',
          'creditedAmount',
          'merchantCurrency',
          'merchantAmount',
          'fee',
          'feeCurrency',
          'tax',
          'lastChangeDate',
          'status',
          'clientDocument',
          'flags',
          'idMerchant',
          'merchantName',
          'reason',
          'existVoucher',
        ].sort(),
      );
      expect(c).toMatchObject({ country: 'PE', creditedCurrency: 'PEN', merchantAmount: c.amount, merchantCurrency: c.currency });
      expect(c.existVoucher).toBe(c.status === 'COMPLETED');
    }
  });

  it('accept the paymentMethod parameter without filtering on it (records carry no method)', async () => {
    const all = await list('/v1/cashout', FULL_RANGE);
    const withMethod = await list('/v1/cashout', { ...FULL_RANGE, paymentMethod: 'XA' });
    expect(withMethod.status).toBe(200);
    expect(withMethod.body).toEqual(all.body);
  });
});
