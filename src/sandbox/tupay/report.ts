/**
 * `v1/balance/report`: one row per UTC day and currency of the range (up to today), computed from the
 * records with the balance rules of state.ts, so the last row's `totalBalance` is today's available
 * balance. The sandbox issues no credit/debit notes or settlements: those totals are always 0.
 */
import { TUPAY_MAX_ROWS, TUPAY_REPORT_DAY_SECONDS } from '../../providers/tupay/assumptions.js';
import type { PagedEnvelope, RangeQuery } from './query.js';
import { CURRENCIES, MERCHANT, centsToAmount, isoSeconds, type Currency } from './records.js';
import { cashoutDebitCents, isSettledDeposit, type TupayState } from './state.js';

export interface BalanceReportRow {
  idMerchant: number;
  date: string;
  currency: Currency;
  depositTotal: number;
  cashoutTotal: number;
  noteTotal: number;
  settlementTotal: number;
  cancelledSettlementTotal: number;
  depositFeeTotal: number;
  netAmount: number;
  totalBalance: number;
}

interface DayTotals {
  depositCents: number;
  feeCents: number;
  cashoutCents: number;
}

type Buckets = Map<string, DayTotals>;

function bucket(buckets: Buckets, day: number, currency: Currency): DayTotals {
  const key = `${day}:${currency}`;
  let totals = buckets.get(key);
  if (!totals) buckets.set(key, (totals = { depositCents: 0, feeCents: 0, cashoutCents: 0 }));
  return totals;
}

const dayOf = (sec: number): number => Math.floor(sec / TUPAY_REPORT_DAY_SECONDS);

/** Day totals from `firstDay` to `lastDay`, and the available balance at the start of `firstDay`. */
function aggregate(state: TupayState, firstDay: number, lastDay: number): { buckets: Buckets; opening: Record<Currency, number> } {
  const buckets: Buckets = new Map();
  const opening = { ...state.opening };
  const endSec = (lastDay + 1) * TUPAY_REPORT_DAY_SECONDS - 1;
  const deposits = state.deposits.bounds(0, endSec);
  for (let i = deposits.start; i < deposits.end; i++) {
    const d = state.deposits.at(i)!;
    if (!isSettledDeposit(d)) continue;
    const day = dayOf(d.createdSec);
    if (day < firstDay) opening[d.currency] += d.amountCents - d.feeCents;
    else {
      const totals = bucket(buckets, day, d.currency);
      totals.depositCents += d.amountCents;
      totals.feeCents += d.feeCents;
    }
  }
  const cashouts = state.cashouts.bounds(0, endSec);
  for (let i = cashouts.start; i < cashouts.end; i++) {
    const c = state.cashouts.at(i)!;
    const debit = cashoutDebitCents(c);
    const day = dayOf(c.createdSec);
    if (day < firstDay) opening[c.currency] -= debit;
    else bucket(buckets, day, c.currency).cashoutCents += debit;
  }
  return { buckets, opening };
}

function reportRows(state: TupayState, range: RangeQuery): BalanceReportRow[] {
  const firstDay = dayOf(range.fromSec);
  const lastDay = Math.min(dayOf(range.toSec), dayOf(state.nowSec()));
  if (lastDay < firstDay) return [];
  const { buckets, opening: running } = aggregate(state, firstDay, lastDay);
  const rows: BalanceReportRow[] = [];
  for (let day = firstDay; day <= lastDay; day++) {
    for (const currency of CURRENCIES) {
      const t = buckets.get(`${day}:${currency}`) ?? { depositCents: 0, feeCents: 0, cashoutCents: 0 };
      const netCents = t.depositCents - t.feeCents - t.cashoutCents;
      running[currency] += netCents;
      rows.push({
        idMerchant: MERCHANT.idMerchant,
        date: isoSeconds(day * TUPAY_REPORT_DAY_SECONDS),
        currency,
        depositTotal: centsToAmount(t.depositCents),
        cashoutTotal: centsToAmount(t.cashoutCents),
        noteTotal: 0,
        settlementTotal: 0,
        cancelledSettlementTotal: 0,
        depositFeeTotal: centsToAmount(t.feeCents),
        netAmount: centsToAmount(netCents),
        totalBalance: centsToAmount(running[currency]),
      });
    }
  }
  return rows;
}

export function balanceReport(state: TupayState, range: RangeQuery): PagedEnvelope<BalanceReportRow> {
  const start = range.page * TUPAY_MAX_ROWS;
  const data = reportRows(state, range).slice(start, start + TUPAY_MAX_ROWS);
  return { page: range.page, rows: data.length, maxRows: TUPAY_MAX_ROWS, data };
}
