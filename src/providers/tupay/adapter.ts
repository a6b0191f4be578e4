/** Tupay as the gateway's capabilities see it: balances in several currencies, deposits and cash-outs, a daily balance report. */
import type { ProvidersConfig } from '../../config.js';
import type { CallContext, TransactionKind } from '../../domain/models.js';
import type { SharedClientOptions } from '../adapter.js';
import type {
  BalanceReportSource,
  BalanceSource,
  DayRange,
  DepositFinder,
  InstantRange,
  ProviderAdapter,
  TransactionQuery,
  TransactionSource,
  WalkPosition,
  WalkStep,
} from '../capabilities.js';
import { daysInstants } from '../../domain/time-zone.js';
import { positionInt } from '../walk.js';
import { TUPAY_CASHOUT_PAYMENT_METHOD_FILTERS, TUPAY_LOCAL_CURRENCY, TUPAY_PAYMENT_METHODS, TUPAY_TIME_ZONE } from './assumptions.js';
import { TupayClient, WINDOW_SECONDS, type TupayRange } from './client.js';

/**
 * The activity walk's first window, in seconds: a week. Tupay lists oldest first, so the newest rows of
 * a window are known only once every page of it is read; a short first window keeps a first page of the
 * feed to one call per listing when the week holds it. Each next window doubles (up to Tupay's 60 days)
 * after a quiet one and halves after a busy one (a cursor resumes by re-reading its window: keep it small).
 */
export const FIRST_WALK_WINDOW_SECONDS = 7 * 86_400;
/** Rows a walk window aims at: about two pages of each listing, so a page of the feed that re-reads its window stays cheap. */
const WALK_WINDOW_ROWS = 100;
/** The shortest walk window (a busy merchant's hour). */
const MIN_WALK_WINDOW_SECONDS = 3_600;

/** The next window's span: halved after a busy window, doubled after a quiet one (up to Tupay's 60 days). */
function nextSpan(span: number, rows: number): number {
  if (rows > 2 * WALK_WINDOW_ROWS) return Math.max(MIN_WALK_WINDOW_SECONDS, Math.floor(span / 2));
  if (rows > WALK_WINDOW_ROWS) return span;
  return Math.min(span * 2, WINDOW_SECONDS);
}

/** A walk position as `walk` wrote it for `range`, or InvalidPositionError: a window end inside the range, a span `nextSpan` can give. */
function windowAt(range: InstantRange, position: WalkPosition): { end: number; span: number } {
  const [fromSec, toSec] = [Math.floor(range.from / 1000), Math.floor(range.to / 1000)];
  return { end: positionInt(position, 'end', fromSec, toSec), span: positionInt(position, 'span', MIN_WALK_WINDOW_SECONDS, WINDOW_SECONDS) };
}

/**
 * Every window of the range, both listings (or the one the kinds ask for) at least a page each, whatever
 * `rows` asks: Tupay lists oldest first, so a quiet account is walked to the range's start before a page
 * of the feed can tell it has no older row. Windows as a quiet account has them (each twice the last, up
 * to 60 days): the fewest; a busy account's halve, and the call ceiling stops what its data adds.
 */
function walkPrice(range: InstantRange, query: TransactionQuery): number {
  const [fromSec, toSec] = [Math.floor(range.from / 1000), Math.floor(range.to / 1000)];
  let windows = 1;
  for (let end = toSec, span = FIRST_WALK_WINDOW_SECONDS; end - span + 1 > fromSec; span = Math.min(span * 2, WINDOW_SECONDS)) {
    end -= span;
    windows++;
  }
  const cashouts = paymentMethodFilter(query.operation).cashouts;
  const listings = (['DEPOSIT', 'CASHOUT'] as const).filter(
    (kind) => (!query.kinds?.length || query.kinds.includes(kind)) && (kind === 'DEPOSIT' || cashouts),
  ).length;
  return windows * listings;
}

/** Tupay works in instants; a calendar day of its own is a day in Lima (TUPAY_TIME_ZONE), where the merchant is. */
function limaDays(range: DayRange): TupayRange {
  const { from, to } = daysInstants(range.from, range.to, TUPAY_TIME_ZONE);
  return { from: new Date(from), to: new Date(to) };
}

/**
 * Tupay filters by listing (deposits, cash-outs), by the customer's document and by payment method (a
 * transaction's `operation`: `paymentMethod`, XA or XAQR) itself.
 */
const UPSTREAM_FILTERS = ['kinds', 'customerDocument', 'operation'] as const;

/**
 * What a query's `operation` asks of each listing. A documented payment method goes upstream as
 * `paymentMethod` on deposits; any other word is matched by the gateway alone (nothing undocumented is
 * sent). Cash-outs carry no payment method (TUPAY_CASHOUT_PAYMENT_METHOD_FILTERS), so a query for one
 * matches none of them and that listing is not asked.
 */
function paymentMethodFilter(operation: string | undefined): { paymentMethod?: string; cashouts: boolean } {
  if (operation === undefined) return { cashouts: true };
  const documented = (TUPAY_PAYMENT_METHODS as readonly string[]).includes(operation);
  return { ...(documented && { paymentMethod: operation }), cashouts: TUPAY_CASHOUT_PAYMENT_METHOD_FILTERS };
}

export class TupayAdapter implements ProviderAdapter {
  readonly id = 'TUPAY' as const;
  readonly balances: BalanceSource;
  readonly transactions: TransactionSource;
  readonly balanceReport: BalanceReportSource;
  readonly depositFinder: DepositFinder;

  constructor(readonly client: TupayClient) {
    const provider = this.id;
    this.balances = { provider, homeCurrency: TUPAY_LOCAL_CURRENCY, balances: (call: CallContext) => client.balances(call) };
    this.transactions = {
      provider,
      upstreamFilters: UPSTREAM_FILTERS,
      transactions: (range, query, call) => this.listings(range, query, call),
      timeZone: TUPAY_TIME_ZONE,
      walk: (range, query, position, call) => this.walk(range, query, position, call),
      walkPrice: (range, query) => walkPrice(range, query),
      checkPosition: (range, position) => void windowAt(range, position),
    };
    this.balanceReport = { provider, balanceReport: (range, call) => this.report(range, call) };
    this.depositFinder = { provider, findDeposit: (ids, searches, call) => client.findDeposit(ids, searches, call) };
  }

  private async listings(range: DayRange, query: TransactionQuery, call: CallContext) {
    return this.window(limaDays(range), query, call);
  }

  /**
   * Windows newest first: [end − span + 1 s, end], both listings of a window at once (every page of each,
   * since Tupay pages oldest first), the next window ending a second before this one starts.
   */
  private async walk(range: InstantRange, query: TransactionQuery, position: WalkPosition | undefined, call: CallContext): Promise<WalkStep> {
    const [fromSec, toSec] = [Math.floor(range.from / 1000), Math.floor(range.to / 1000)];
    const { end, span } = position ? windowAt(range, position) : { end: toSec, span: FIRST_WALK_WINDOW_SECONDS };
    const start = Math.max(fromSec, end - span + 1);
    const transactions = await this.window({ from: new Date(start * 1000), to: new Date(end * 1000 + 999) }, query, call);
    if (start <= fromSec) return { transactions, notAfter: -Infinity };
    return { transactions, notAfter: start * 1000 - 1, next: { end: start - 1, span: nextSpan(span, transactions.length) } };
  }

  private async window(instants: TupayRange, query: TransactionQuery, call: CallContext) {
    const wants = (kind: TransactionKind) => !query.kinds?.length || query.kinds.includes(kind);
    const filter = { clientDocument: query.customerDocument };
    const { paymentMethod, cashouts: cashoutsMatch } = paymentMethodFilter(query.operation);
    const [deposits, cashouts] = await Promise.all([
      wants('DEPOSIT') ? this.client.deposits(instants, { ...filter, ...(paymentMethod !== undefined && { paymentMethod }) }, call) : [],
      wants('CASHOUT') && cashoutsMatch ? this.client.cashouts(instants, filter, call) : [],
    ]);
    return [...deposits, ...cashouts];
  }

  private async report(range: DayRange, call: CallContext) {
    const entries = await this.client.balanceReport(limaDays(range), call);
    // The Lima-day range reaches into the next UTC day, and Tupay reports UTC days: keep the asked ones.
    return entries.filter((e) => e.date >= range.from && e.date <= range.to);
  }

  get breakerState() {
    return this.client.breakerState;
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

export function tupayAdapter(config: ProvidersConfig, shared: SharedClientOptions): TupayAdapter | undefined {
  if (!config.tupay) return undefined;
  const { url, accessKey, secretKey } = config.tupay;
  const { tupayReportRangeFormat: reportRangeFormat, tupayRangeUnit: rangeUnit, tupayRangeEnd: rangeEnd } = config.wire ?? {};
  return new TupayAdapter(new TupayClient({ ...shared, baseUrl: url, accessKey, secretKey, reportRangeFormat, rangeUnit, rangeEnd }));
}
