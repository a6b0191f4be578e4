/** Tupay sandbox conformance: GET /v1/balance and /v1/balance/report, consistent with the records. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../helpers/http.js';
import { TUPAY_MAX_RANGE_SECONDS } from '../../src/providers/tupay/assumptions.js';
import type { RunningSandbox } from '../../src/sandbox/server.js';
import type { TupayState } from '../../src/sandbox/tupay/index.js';
import { DAY, NOW_SEC, cents, fetchAll, login, startFixture, withCookie } from './tupay-support.js';

let sandbox: RunningSandbox<TupayState>;
let url: string;
let token: string;

beforeAll(async () => {
  sandbox = await startFixture();
  url = sandbox.url;
  token = await login(url);
});
afterAll(() => sandbox.close());

type Balance = { totalBalance: number; availableBalance: number; pendingSettlementAmount: number };

async function balances(): Promise<Record<string, Balance>> {
  const response = await call(url, 'GET', '/v1/balance', { headers: withCookie(token) });
  expect(response.status).toBe(200);
  return Object.fromEntries(response.body.balances.map((b: any) => [b.currency, b.data]));
}

const control = (path: string, body: unknown) => call(url, 'POST', `/_sandbox${path}`, { body });

describe('GET /v1/balance', () => {
  it('lists PEN and USD PRIMARY balances where total = available + pending', async () => {
    const response = await call(url, 'GET', '/v1/balance', { headers: withCookie(token) });
    expect(response.body.balances.map((b: any) => [b.currency, b.type])).toEqual([
      ['PEN', 'PRIMARY'],
      ['USD', 'PRIMARY'],
    ]);
    for (const { data } of response.body.balances) {
      expect(cents(data.totalBalance)).toBe(cents(data.availableBalance) + cents(data.pendingSettlementAmount));
    }
  });

  it('moves with a control-created deposit: nothing while PENDING, pending when APPROVED, available when COMPLETED', async () => {
    const before = (await balances()).PEN!;
    const created = await control('/deposits', { amount: '150.25', paymentMethod: 'XAQR' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'PENDING', amount: 150.25, currency: 'PEN', paymentMethodCode: 'XAQR' });
    const net = cents(created.body.amount) - cents(created.body.fee);
    expect((await balances()).PEN).toEqual(before);

    await control(`/deposits/${created.body.idDeposit}/status`, { status: 'APPROVED' });
    expect(cents((await balances()).PEN!.pendingSettlementAmount)).toBe(cents(before.pendingSettlementAmount) + net);

    const completed = await control(`/deposits/${created.body.idDeposit}/status`, { status: 'COMPLETED' });
    expect(completed.body.status).toBe('COMPLETED');
    const after = (await balances()).PEN!;
    expect(cents(after.availableBalance)).toBe(cents(before.availableBalance) + net);
    expect(after.pendingSettlementAmount).toBe(before.pendingSettlementAmount);

    // The same record is listed by the API, as a client confirming a notification would find it.
    const listed = await fetchAll(url, '/v1/deposits', token, { from: NOW_SEC - DAY, to: NOW_SEC + DAY });
    expect(listed.records.find((d: any) => d.idDeposit === created.body.idDeposit)).toEqual(completed.body);
  });

  it('holds a cash-out amount, fee and tax while it is open and gives it back when REJECTED', async () => {
    const before = (await balances()).USD!;
    const created = await control('/cashouts', { amount: 80, currency: 'USD' });
    expect(created.body).toMatchObject({ status: 'PENDING', amount: 80, merchantCurrency: 'USD', creditedCurrency: 'PEN' });
    const debit = cents(created.body.merchantAmount) + cents(created.body.fee) + cents(created.body.tax);
    expect(cents((await balances()).USD!.availableBalance)).toBe(cents(before.availableBalance) - debit);
    await control(`/cashouts/${created.body.idCashout}/status`, { status: 'REJECTED' });
    expect((await balances()).USD).toEqual(before);
  });

  it('refuses invalid control input before changing anything', async () => {
    const before = await balances();
    const count = sandbox.state.deposits.size;
    expect((await control('/deposits', { amount: '1.234' })).status).toBe(400);
    expect((await control('/deposits', { amount: 10, paymentMethod: 'CARD' })).status).toBe(400);
    expect((await control('/deposits/1/status', { status: 'COMPLETED' })).status).toBe(404);
    const first = sandbox.state.deposits.at(0)!;
    expect((await control(`/deposits/${first.id}/status`, { status: 'SETTLED' })).status).toBe(400);
    expect(sandbox.state.deposits.size).toBe(count);
    expect(await balances()).toEqual(before);
  });
});

describe('GET /v1/balance/report', () => {
  const firstDay = Math.floor(NOW_SEC / DAY) - 9;
  const range = { from: firstDay * DAY, to: NOW_SEC };
  // Rows cover whole days: compare with every record of those days, even one created after `to`.
  const wholeDays = { from: range.from, to: (firstDay + 10) * DAY - 1 };

  it('has one row per day and currency, matching the records of that day', async () => {
    const { records: rows, pages } = await fetchAll(url, '/v1/balance/report', token, range);
    expect(pages.length).toBe(1);
    expect(rows).toHaveLength(10 * 2);
    const deposits = (await fetchAll(url, '/v1/deposits', token, wholeDays)).records;
    const cashouts = (await fetchAll(url, '/v1/cashout', token, wholeDays)).records;
    const sameDay = (date: string, row: any) => date.slice(0, 10) === row.date.slice(0, 10);
    const sum = (values: number[]) => values.reduce((a, b) => a + cents(b), 0);

    rows.forEach((row: any, i: number) => {
      expect(row.date).toBe(new Date((firstDay + Math.floor(i / 2)) * DAY * 1000).toISOString().replace('.000Z', 'Z'));
      expect(row.currency).toBe(i % 2 === 0 ? 'PEN' : 'USD');
      const settled = deposits.filter((d: any) => d.status === 'COMPLETED' && d.currency === row.currency && sameDay(d.creationDate, row));
      const held = cashouts.filter(
        (c: any) => ['ON_HOLD', 'PENDING', 'DELIVERED', 'COMPLETED'].includes(c.status) && c.merchantCurrency === row.currency && sameDay(c.creationDate, row),
      );
      expect(cents(row.depositTotal)).toBe(sum(settled.map((d: any) => d.amount)));
      expect(cents(row.depositFeeTotal)).toBe(sum(settled.map((d: any) => d.fee)));
      expect(cents(row.cashoutTotal)).toBe(sum(held.flatMap((c: any) => [c.merchantAmount, c.fee, c.tax])));
      expect(cents(row.netAmount)).toBe(cents(row.depositTotal) - cents(row.depositFeeTotal) - cents(row.cashoutTotal));
      const previous = rows[i - 2];
      if (previous) expect(cents(row.totalBalance)).toBe(cents(previous.totalBalance) + cents(row.netAmount));
    });
    expect(rows.some((row: any) => row.depositTotal > 0)).toBe(true);
  });

  it("ends at today's available balance", async () => {
    const { records: rows } = await fetchAll(url, '/v1/balance/report', token, range);
    const now = await balances();
    for (const currency of ['PEN', 'USD']) {
      const last = rows.filter((row: any) => row.currency === currency).at(-1);
      expect(last.totalBalance).toBe(now[currency]!.availableBalance);
    }
  });

  it('pages a 60-day report (122 rows) and refuses a bad range', async () => {
    const { records, pages } = await fetchAll(url, '/v1/balance/report', token, { from: NOW_SEC - TUPAY_MAX_RANGE_SECONDS, to: NOW_SEC });
    expect(records).toHaveLength(61 * 2);
    expect(pages.map((p) => p.rows)).toEqual([50, 50, 22]);
    const bad = await call(url, 'GET', '/v1/balance/report', { headers: withCookie(token), query: { from: NOW_SEC, to: NOW_SEC - DAY } });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe(400);
  });
});

describe('POST /_sandbox/reset', () => {
  it('restores the seeded history and balances, and forgets sessions', async () => {
    const fresh = await startFixture();
    try {
      await control('/deposits', { amount: 10 });
      expect(sandbox.state.deposits.size).toBeGreaterThan(fresh.state.deposits.size);
      expect((await call(url, 'POST', '/_sandbox/reset')).status).toBe(204);
      expect(sandbox.state.deposits.size).toBe(fresh.state.deposits.size);
      expect((await call(url, 'GET', '/v1/balance', { headers: withCookie(token) })).status).toBe(401);
      token = await login(url);
      const seeded = await call(fresh.url, 'GET', '/v1/balance', { headers: withCookie(await login(fresh.url)) });
      expect(await balances()).toEqual(Object.fromEntries(seeded.body.balances.map((b: any) => [b.currency, b.data])));
    } finally {
      await fresh.close();
    }
  });
});
