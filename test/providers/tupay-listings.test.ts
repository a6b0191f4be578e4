/** The Tupay client's reads over real HTTP, checked against what the sandbox holds. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TUPAY_MAX_RANGE_SECONDS, TUPAY_MAX_ROWS } from '../../src/providers/tupay/assumptions.js';
import { CASHOUT_STATUS_TABLE, DEPOSIT_STATUS_TABLE, newestFirst } from '../../src/providers/tupay/mappers.js';
import type { TupayClient } from '../../src/providers/tupay/client.js';
import { isoSeconds, type Cashout, type Deposit } from '../../src/sandbox/tupay/records.js';
import type { LoggedRequest } from '../../src/sandbox/request-log.js';
import { call } from '../helpers/http.js';
import { DAY, NOW, NOW_SEC, ROUTES, clientFactory, decimal, querySec, startTupay, type TupaySandbox } from './tupay-fixture.js';
import type { TupayCredentials } from '../../src/sandbox/tupay/index.js';

let sandbox: TupaySandbox;
let credentials: TupayCredentials;
const clients = clientFactory(() => ({ sandbox, credentials }));
let client: TupayClient;

beforeAll(async () => {
  ({ sandbox, credentials } = await startTupay());
  client = clients.make();
});
afterAll(async () => {
  await clients.closeAll();
  await sandbox.close();
});
beforeEach(() => sandbox.log.clear());

const daysAgo = (days: number): Date => new Date(NOW.getTime() - days * DAY * 1000);
const sec = (date: Date): number => Math.floor(date.getTime() / 1000);
const ids = (records: readonly { id: number }[]): string[] => records.map((r) => String(r.id));

interface Walk {
  from: number;
  to: number;
  pages: number[];
  query: Record<string, unknown>;
}

/** The requests of one route grouped by window (and filters), pages in the order sent. */
function walks(route: string): Walk[] {
  const byKey = new Map<string, Walk>();
  for (const { query } of sandbox.log.list(route) as LoggedRequest[]) {
    const { page, ...rest } = query;
    const key = JSON.stringify(rest);
    const walk = byKey.get(key) ?? { from: querySec(rest.from), to: querySec(rest.to), pages: [], query: rest };
    walk.pages.push(Number(page));
    byKey.set(key, walk);
  }
  return [...byKey.values()].sort((a, b) => a.from - b.from);
}

/** Windows of at most 60 days that tile [fromSec, toSec] exactly: no overlap, no gap. */
function expectTiling(windows: { from: number; to: number }[], fromSec: number, toSec: number): void {
  expect(windows[0]?.from).toBe(fromSec);
  expect(windows.at(-1)?.to).toBe(toSec);
  windows.forEach((w, i) => {
    expect(w.to - w.from).toBeLessThanOrEqual(TUPAY_MAX_RANGE_SECONDS);
    expect(w.from).toBeLessThanOrEqual(w.to);
    if (i > 0) expect(w.from).toBe(windows[i - 1]!.to + 1);
  });
}

/** Pages 0, 1, … with every page full but the last, as many as the window's records need. */
function expectPages(walk: Walk, records: number): void {
  expect(walk.pages).toEqual(Array.from({ length: Math.floor(records / TUPAY_MAX_ROWS) + 1 }, (_, i) => i));
}

describe('deposits', () => {
  it('splits 120 days into ≤ 60-day windows that tile the range and returns exactly the records in it', async () => {
    const range = { from: daysAgo(120), to: NOW };
    const expected = sandbox.state.deposits.range(sec(range.from), NOW_SEC);
    expect(expected.length).toBeGreaterThan(300);

    const deposits = await client.deposits(range);

    expect(deposits.map((d) => d.id)).toEqual(ids(expected));
    expect(new Set(deposits.map((d) => d.id)).size).toBe(deposits.length);
    const windows = walks(ROUTES.deposits);
    expect(windows.length).toBeGreaterThanOrEqual(2);
    expectTiling(windows, sec(range.from), NOW_SEC);
    for (const w of windows) expectPages(w, sandbox.state.deposits.range(w.from, w.to).length);
    expect(windows.some((w) => w.pages.length >= 3)).toBe(true);
  });

  it('maps every field of a deposit from the wire', async () => {
    const range = { from: daysAgo(10), to: NOW };
    const records = sandbox.state.deposits.range(sec(range.from), NOW_SEC);
    const deposits = await client.deposits(range);
    records.forEach((d: Deposit, i) => {
      expect(deposits[i]).toEqual({
        provider: 'TUPAY',
        id: String(d.id),
        kind: 'DEPOSIT',
        direction: 'IN',
        amount: { amount: decimal(d.amountCents), currency: d.currency },
        createdAt: isoSeconds(d.createdSec),
        operation: d.paymentMethod,
        status: DEPOSIT_STATUS_TABLE[d.status],
        providerStatus: d.status,
        counterparty: { document: d.clientDocument },
        externalId: d.externalId,
        updatedAt: isoSeconds(d.lastChangeSec),
      });
    });
  });

  it('asks for one more (empty) page when a window holds an exact multiple of 50 records', async () => {
    const fromSec = NOW_SEC - 50 * DAY;
    const inRange = sandbox.state.deposits.range(fromSec, NOW_SEC);
    // The 100th record's second, where the 101st was created later (so `to` cuts exactly there).
    const last = [99, 149, 199].find((i) => inRange[i + 1] && inRange[i]!.createdSec < inRange[i + 1]!.createdSec);
    expect(last).toBeDefined();
    const toSec = inRange[last!]!.createdSec;

    const deposits = await client.deposits({ from: new Date(fromSec * 1000), to: new Date(toSec * 1000) });

    expect(deposits).toHaveLength(last! + 1);
    const [walk] = walks(ROUTES.deposits);
    expect(walk?.pages).toEqual(Array.from({ length: (last! + 1) / 50 + 1 }, (_, i) => i));
  });

  it('treats both ends as inclusive at second precision', async () => {
    const [, target] = sandbox.state.deposits.range(NOW_SEC - 5 * DAY, NOW_SEC);
    const at = new Date(target!.createdSec * 1000 + 999);
    const deposits = await client.deposits({ from: at, to: at });
    expect(deposits.map((d) => d.id)).toContain(String(target!.id));
    expect(deposits.every((d) => d.createdAt === isoSeconds(target!.createdSec))).toBe(true);
  });

  it('filters by one status on Tupay’s side', async () => {
    const range = { from: daysAgo(120), to: NOW };
    const expected = sandbox.state.deposits.range(sec(range.from), NOW_SEC).filter((d) => d.status === 'DECLINED');
    const deposits = await client.deposits(range, { statuses: ['DECLINED'] });
    expect(deposits.map((d) => d.id)).toEqual(ids(expected));
    expect(deposits.every((d) => d.status === 'REJECTED' && d.providerStatus === 'DECLINED')).toBe(true);
    expect(walks(ROUTES.deposits).every((w) => w.query.status === 'DECLINED')).toBe(true);
  });

  it('sends one query per status for several, merging them oldest first', async () => {
    const range = { from: daysAgo(90), to: NOW };
    const wanted = ['PENDING', 'CANCELLED', 'APPROVED'];
    const expected = sandbox.state.deposits.range(sec(range.from), NOW_SEC).filter((d) => wanted.includes(d.status));
    expect(expected.length).toBeGreaterThan(0);

    const deposits = await client.deposits(range, { statuses: [...wanted, 'CANCELLED'] });

    expect(deposits.map((d) => d.id)).toEqual(ids(expected));
    const sent = walks(ROUTES.deposits);
    expect(sent).toHaveLength(2 * wanted.length); // 90 days = 2 windows, one walk per status each
    expect(new Set(sent.map((w) => w.query.status))).toEqual(new Set(wanted));
  });

  it('filters by payment method and by client document, sending both spellings of the document', async () => {
    const range = { from: daysAgo(60), to: NOW };
    const all = sandbox.state.deposits.range(sec(range.from), NOW_SEC);
    const byMethod = await client.deposits(range, { paymentMethod: 'XAQR', country: 'PE' });
    expect(byMethod.map((d) => d.id)).toEqual(ids(all.filter((d) => d.paymentMethod === 'XAQR')));
    expect(byMethod.every((d) => d.operation === 'XAQR')).toBe(true);

    sandbox.log.clear();
    const document = sandbox.state.documents[0]!;
    const byDocument = await client.deposits(range, { clientDocument: document, statuses: ['COMPLETED'] });
    expect(byDocument.map((d) => d.id)).toEqual(ids(all.filter((d) => d.clientDocument === document && d.status === 'COMPLETED')));
    for (const { query } of walks(ROUTES.deposits)) {
      expect(query).toMatchObject({ clientDocument: document, clienteDocument: document, status: 'COMPLETED' });
    }
  });

  it('shows a deposit created and completed on Tupay’s side with its new status', async () => {
    const created = await call(sandbox.url, 'POST', '/_sandbox/deposits', {
      body: { amount: '250.00', clientDocument: '44556677', paymentMethod: 'XAQR' },
    });
    expect(created.status).toBe(201);
    const id = created.body.idDeposit as number;
    const range = { from: daysAgo(1), to: new Date(NOW.getTime() + DAY * 1000) };
    const [pending] = await client.deposits(range, { clientDocument: '44556677' });
    expect(pending).toMatchObject({ id: String(id), status: 'PENDING', providerStatus: 'PENDING' });

    const before = await client.balances();
    expect((await call(sandbox.url, 'POST', `/_sandbox/deposits/${id}/status`, { body: { status: 'COMPLETED' } })).status).toBe(200);
    const [completed] = await client.deposits(range, { clientDocument: '44556677' });
    expect(completed).toMatchObject({
      id: String(id),
      status: 'COMPLETED',
      providerStatus: 'COMPLETED',
      amount: { amount: '250.00', currency: 'PEN' },
      operation: 'XAQR',
      counterparty: { document: '44556677' },
    });
    const after = await client.balances();
    const pen = (list: typeof before) => list.find((b) => b.total.currency === 'PEN')!.total.amount;
    // Completed deposits add amount − fee (2.9 %: 7.25) to the balance.
    expect(Math.round(Number(pen(after)) * 100) - Math.round(Number(pen(before)) * 100)).toBe(24_275);
  });

  it('refuses an inverted range without calling Tupay', async () => {
    await expect(client.deposits({ from: NOW, to: daysAgo(1) })).rejects.toMatchObject({ reason: 'INVALID_INPUT', code: 'PROVIDER_ERROR' });
    expect(sandbox.log.count()).toBe(0);
  });
});

describe('cash-outs', () => {
  it('returns exactly the cash-outs of 120 days, mapped, over tiled windows', async () => {
    const range = { from: daysAgo(120), to: NOW };
    const expected = sandbox.state.cashouts.range(sec(range.from), NOW_SEC);
    const cashouts = await client.cashouts(range);

    expect(cashouts.map((c) => c.id)).toEqual(ids(expected));
    expected.forEach((c: Cashout, i) => {
      expect(cashouts[i]).toEqual({
        provider: 'TUPAY',
        id: String(c.id),
        kind: 'CASHOUT',
        direction: 'OUT',
        amount: { amount: decimal(c.amountCents), currency: c.currency },
        createdAt: isoSeconds(c.createdSec),
        status: CASHOUT_STATUS_TABLE[c.status],
        providerStatus: c.status,
        counterparty: { document: c.clientDocument },
        externalId: c.externalId,
        updatedAt: isoSeconds(c.lastChangeSec),
      });
    });
    const windows = walks(ROUTES.cashouts);
    expectTiling(windows, sec(range.from), NOW_SEC);
    for (const w of windows) expectPages(w, sandbox.state.cashouts.range(w.from, w.to).length);
  });

  it('filters by statuses and document', async () => {
    const range = { from: daysAgo(120), to: NOW };
    const document = sandbox.state.documents[1]!;
    const expected = sandbox.state.cashouts
      .range(sec(range.from), NOW_SEC)
      .filter((c) => c.clientDocument === document && (c.status === 'REJECTED' || c.status === 'DECLINED'));
    const cashouts = await client.cashouts(range, { clientDocument: document, statuses: ['REJECTED', 'DECLINED'] });
    expect(cashouts.map((c) => c.id)).toEqual(ids(expected));
    expect(cashouts.every((c) => c.status === 'REJECTED')).toBe(true);
  });

  it('sorts newest first on request', async () => {
    const cashouts = await client.cashouts({ from: daysAgo(20), to: NOW });
    const sorted = newestFirst(cashouts);
    expect(sorted.map((c) => c.id)).toEqual(cashouts.map((c) => c.id).reverse());
  });
});

describe('balances', () => {
  it('returns one PRIMARY balance per currency with the sandbox’s amounts', async () => {
    const balances = await client.balances();
    expect(balances.map((b) => b.total.currency).sort()).toEqual(['PEN', 'USD']);
    for (const balance of balances) {
      const { availableCents, pendingCents } = sandbox.state.balances[balance.total.currency as 'PEN' | 'USD'];
      expect(balance).toEqual({
        primary: true,
        total: { amount: decimal(availableCents + pendingCents), currency: balance.total.currency },
        available: { amount: decimal(availableCents), currency: balance.total.currency },
        pending: { amount: decimal(pendingCents), currency: balance.total.currency },
      });
    }
  });
});

describe('balance report', () => {
  it('returns one entry per UTC day and currency over 100 days, consistent day to day and with today’s balance', async () => {
    const range = { from: daysAgo(100), to: NOW };
    const report = await client.balanceReport(range);

    const firstDay = Math.floor(sec(range.from) / DAY);
    const lastDay = Math.floor(NOW_SEC / DAY);
    expect(report).toHaveLength((lastDay - firstDay + 1) * 2);
    expect(report[0]?.date).toBe(isoSeconds(firstDay * DAY).slice(0, 10));
    expect(report.at(-1)?.date).toBe(isoSeconds(lastDay * DAY).slice(0, 10));
    expect(new Set(report.map((e) => `${e.date}:${e.currency}`)).size).toBe(report.length);

    const cents = (amount: string | undefined): number => Math.round(Number(amount) * 100);
    for (const currency of ['PEN', 'USD'] as const) {
      const rows = report.filter((e) => e.currency === currency);
      rows.forEach((row, i) => {
        expect(cents(row.netAmount?.amount)).toBe(cents(row.depositTotal?.amount) - cents(row.feeTotal?.amount) - cents(row.cashoutTotal?.amount));
        if (i > 0) expect(cents(row.balance?.amount)).toBe(cents(rows[i - 1]!.balance?.amount) + cents(row.netAmount?.amount));
      });
      expect(cents(rows.at(-1)?.balance?.amount)).toBe(sandbox.state.balances[currency].availableCents);
    }

    // One day's deposits, summed from the ledger.
    const day = firstDay + 70;
    const completed = sandbox.state.deposits.range(day * DAY, day * DAY + DAY - 1).filter((d) => d.status === 'COMPLETED' && d.currency === 'PEN');
    const row = report.find((e) => e.date === isoSeconds(day * DAY).slice(0, 10) && e.currency === 'PEN');
    expect(row?.depositTotal?.amount).toBe(decimal(completed.reduce((sum, d) => sum + d.amountCents, 0)));

    // Windows start on a UTC day and hold whole days.
    const windows = walks(ROUTES.report);
    expect(windows.length).toBe(2);
    expectTiling(windows, firstDay * DAY, NOW_SEC);
    expect(windows[1]!.from % DAY).toBe(0);
  });
});
