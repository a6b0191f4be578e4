/**
 * TelePagos as the gateway's capabilities see it: balance, transactions (with a first-page shortcut), sale
 * points (listed and managed), cash-outs, cash-ins and reference data.
 */
import type { ProvidersConfig } from '../../config.js';
import type { CallContext } from '../../domain/models.js';
import type { SharedClientOptions } from '../adapter.js';
import type {
  CashoutRequest,
  SentCashoutSearch,
  BalanceSource,
  CashinSink,
  CashinSource,
  CashoutSink,
  CashoutSource,
  DayRange,
  InstantRange,
  ProviderAdapter,
  ReferenceSource,
  SalePointSink,
  SalePointSource,
  TransactionQuery,
  TransactionSource,
  WalkOptions,
  WalkPosition,
  WalkStep,
} from '../capabilities.js';
import { localDate } from '../../domain/time-zone.js';
import { CASHOUT_LISTING_CLOCK_SKEW_MS, OPERATION_IDS, TELEPAGOS_TIME_ZONE, TRANSACTIONS_PAGE_SIZE, isTelepagosId } from './assumptions.js';
import { TelepagosClient, type ListingPosition } from './client.js';
import { cashoutInput, paymentLinkInput, qrChargeInput, salePointQrOrderInput, transferLinkInput } from './requests.js';
import { compareDecimals } from '../../domain/money.js';
import { normalizeCuit } from '../../domain/identifiers.js';
import { NO_CARRY, type OrdinalCarry } from './mappers.js';
import { InvalidPositionError, optionalPositionInt, positionInt } from '../walk.js';

const MAX_OFFSET = 100_000_000;
const CARRY_DATE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const DIGEST = /^[A-Za-z0-9_-]{16}$/;

/** The JSON of a listing position (undefined fields left out). */
function walkPosition(at: ListingPosition): WalkPosition {
  return {
    offset: at.offset,
    ...(at.total !== undefined && { total: at.total }),
    ...(at.pageSize !== undefined && { pageSize: at.pageSize }),
    carry: { date: at.carry.date, counts: at.carry.counts },
  };
}

/**
 * A walk of the whole range is priced as if the account had this many rows a day: TelePagos tells how
 * many there are only once page 1 is read. A busier account reaches the operation's call ceiling sooner
 * (src/domain/call-allowance.ts), with an error saying so; a quieter one costs less than its price.
 */
export const PRICED_ROWS_PER_DAY = 1;
const DAY_MS = 86_400_000;

/**
 * A listing position as listingStep wrote it, or InvalidPositionError: the page size as TelePagos
 * reported it, the offset a whole number of its pages before the listing's last row (listingStep
 * resumes on a page boundary of a listing it has not read to its end).
 */
function listingPosition(position: WalkPosition): ListingPosition {
  const offset = positionInt(position, 'offset', 0, MAX_OFFSET);
  const total = optionalPositionInt(position, 'total', 0, MAX_OFFSET);
  const pageSize = optionalPositionInt(position, 'pageSize', 1, 10_000);
  const carry = position.carry;
  if (typeof carry !== 'object' || typeof carry.date !== 'string' || typeof carry.counts !== 'object') throw new InvalidPositionError('bad carry');
  if (carry.date !== '' && !CARRY_DATE.test(carry.date)) throw new InvalidPositionError('bad carry date');
  const counts: OrdinalCarry['counts'] = {};
  const entries = Object.entries(carry.counts);
  if (entries.length > 1_000) throw new InvalidPositionError('bad carry');
  for (const [digest, count] of entries) {
    if (!DIGEST.test(digest) || typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > MAX_OFFSET)
      throw new InvalidPositionError('bad carry');
    counts[digest] = count;
  }
  if ((total === undefined) !== (pageSize === undefined) || (pageSize === undefined && offset !== 0)) throw new InvalidPositionError('bad position');
  if (total !== undefined && pageSize !== undefined && (offset % pageSize !== 0 || offset >= total)) throw new InvalidPositionError('bad offset');
  return { offset, total, pageSize, carry: { date: carry.date, counts } };
}

/**
 * Pages of TRANSACTIONS_PAGE_SIZE, newest first: the newest `rows` are on the first pages; the whole
 * range on as many as PRICED_ROWS_PER_DAY rows a day fill (at least one: page 1 is always read).
 */
function walkPrice(range: InstantRange, rows: number | 'all'): number {
  const days = Math.max(1, Math.ceil((range.to - range.from + 1) / DAY_MS));
  const whole = Math.max(1, Math.ceil((days * PRICED_ROWS_PER_DAY) / TRANSACTIONS_PAGE_SIZE));
  return rows === 'all' ? whole : Math.min(whole, Math.max(1, Math.ceil(rows / TRANSACTIONS_PAGE_SIZE)));
}

/** TelePagos filters by operation itself; its dates are Argentina days (ARGENTINA_UTC_OFFSET), as the caller's are. */
const UPSTREAM_FILTERS = ['operation'] as const;

export class TelepagosAdapter implements ProviderAdapter {
  readonly id = 'TELEPAGOS' as const;
  readonly balances: BalanceSource;
  readonly transactions: TransactionSource;
  readonly salePoints: SalePointSource;
  readonly salePointSink: SalePointSink;
  readonly cashouts: CashoutSource;
  readonly cashoutSink: CashoutSink;
  readonly cashins: CashinSource;
  readonly cashinSink: CashinSink;
  readonly reference: ReferenceSource;

  constructor(readonly client: TelepagosClient) {
    const provider = this.id;
    const query = (range: DayRange, q: TransactionQuery) => ({ from: range.from, to: range.to, operation: q.operation });
    this.balances = { provider, homeCurrency: 'ARS', balances: async (call: CallContext) => [await client.balance(call)] };
    this.transactions = {
      provider,
      upstreamFilters: UPSTREAM_FILTERS,
      transactions: (range, q, call) => client.transactions(query(range, q), call),
      timeZone: TELEPAGOS_TIME_ZONE,
      // The first-page shortcut and the feed's page-by-page walk read page 1 as the newest rows: only
      // for a listing newest first (TELEPAGOS_TRANSACTIONS_ORDER); otherwise whole listings are read.
      ...(client.transactionsOrder === 'newest-first' && {
        newestTransactions: (range: DayRange, q: TransactionQuery, count: number, call: CallContext) => client.newestTransactions(query(range, q), count, call),
        walk: (range: InstantRange, q: TransactionQuery, position: WalkPosition | undefined, call: CallContext, options?: WalkOptions) =>
          this.walk(range, q, position, call, options?.pages),
        walkPrice: (range: InstantRange, _q: TransactionQuery, rows: number | 'all') => walkPrice(range, rows),
        checkPosition: (_range: InstantRange, position: WalkPosition) => void listingPosition(position),
      }),
    };
    this.salePoints = { provider, salePoints: (call: CallContext) => client.salePoints(call) };
    this.salePointSink = {
      ...this.salePoints,
      isId: isTelepagosId,
      createSalePoint: (name, call) => client.createSalePoint(name, call),
      deleteSalePoint: (id, call) => client.deleteSalePoint(id, call),
      staticQr: (id, amountType, call) => client.staticQr(id, amountType, call),
      createQrOrder: (input, call) => client.createSalePointQrOrder(salePointQrOrderInput(input), call),
    };
    this.cashouts = { provider, isId: isTelepagosId, voucher: (id, call) => client.cashoutVoucher(id, call) };
    this.cashoutSink = {
      provider,
      createCashout: (input, call) => client.createCashout(cashoutInput(input), call),
      replaysByReference: true,
      findSent: (input, sinceMs, call) => findSentCashout(client, input, sinceMs, call),
    };
    this.cashins = { provider, isId: isTelepagosId, cashin: (id, call) => client.cashin(id, call) };
    this.cashinSink = {
      provider,
      createQrCharge: (input, call) => client.createQrCharge(qrChargeInput(input), call),
      createTransferLink: (input, call) => client.createTransferLink(transferLinkInput(input), call),
      createPaymentLink: (input, call) => client.createPaymentLink(paymentLinkInput(input), call),
    };
    this.reference = {
      provider,
      concepts: (call) => client.concepts(call),
      operations: (call) => client.operations(call),
      statistics: (period, call) => client.statistics(period, call),
    };
  }

  /**
   * The listing of the Argentina days covering the range, newest first, one page per step. TelePagos
   * lists newest first, so the walk reads page 1 and only the pages after it that the feed reaches.
   */
  private async walk(range: InstantRange, q: TransactionQuery, position: WalkPosition | undefined, call: CallContext, pages = 1): Promise<WalkStep> {
    const days = { from: localDate(range.from, TELEPAGOS_TIME_ZONE), to: localDate(range.to, TELEPAGOS_TIME_ZONE), operation: q.operation };
    const at = position ? listingPosition(position) : { offset: 0, carry: NO_CARRY };
    const step = await this.client.listingStep(days, at, call, Math.max(1, Math.min(pages, 50)));
    const oldest = step.transactions.at(-1);
    // Rows come newest first: nothing unread is newer than the last row read (ties continue on the next page).
    const notAfter = !step.next ? -Infinity : oldest ? Date.parse(oldest.createdAt) : Infinity;
    return { transactions: step.transactions, notAfter, next: step.next && walkPosition(step.next) };
  }

  get breakerState() {
    return this.client.breakerState;
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

export function telepagosAdapter(config: ProvidersConfig, shared: SharedClientOptions): TelepagosAdapter | undefined {
  if (!config.telepagos) return undefined;
  const { url, username, password } = config.telepagos;
  const { telepagosAmountFormat: amountFormat, telepagosTransactionsOrder: transactionsOrder, telepagosBalanceUnit: balanceUnit } = config.wire ?? {};
  return new TelepagosAdapter(new TelepagosClient({ ...shared, baseUrl: url, username, password, amountFormat, transactionsOrder, balanceUnit }));
}

/**
 * A transfer in the account's listing (the documented read that shows it): outgoing, same amount, same
 * CUIT, same CBU/CVU when one was given, dated from the first attempt (less the clock skew) on — the
 * match CASHOUT_LISTING_MATCH states. The listing carries no cash-out id and no reference_id.
 */
async function findSentCashout(client: TelepagosClient, input: CashoutRequest, sinceMs: number, call: CallContext): Promise<SentCashoutSearch> {
  const fromMs = sinceMs - CASHOUT_LISTING_CLOCK_SKEW_MS;
  const toMs = Date.now() + CASHOUT_LISTING_CLOCK_SKEW_MS;
  const rows = await client.transactions(
    { from: localDate(fromMs, TELEPAGOS_TIME_ZONE), to: localDate(toMs, TELEPAGOS_TIME_ZONE), operation: OPERATION_IDS.cashout },
    call,
  );
  const cuit = normalizeCuit(input.cuit);
  const matches = rows.filter((row) => {
    const at = Date.parse(row.createdAt);
    return (
      row.direction === 'OUT' &&
      row.kind === 'CASHOUT' &&
      at >= fromMs &&
      at <= toMs &&
      compareDecimals(row.amount.amount, input.amount) === 0 &&
      cuit !== null &&
      normalizeCuit(row.counterparty?.cuit ?? '') === cuit &&
      (input.cbu === undefined || row.counterparty?.cbu === input.cbu)
    );
  });
  if (matches.length === 1) return { found: 'one', transaction: matches[0]! };
  return matches.length === 0 ? { found: 'none' } : { found: 'several', count: matches.length };
}
