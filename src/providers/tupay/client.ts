/**
 * The typed Tupay client: the only way the gateway talks to Tupay's merchant reconciliation API.
 *
 * Listings (`v1/deposits`, `v1/cashout`, `v1/balance/report`) accept at most 60 days per request and
 * answer 50 rows per page, so one call of ours becomes: the range split into windows of at most 60 days
 * (inclusive ends, at second precision: consecutive windows meet without overlap or gap), the windows
 * fetched concurrently (at most `pageConcurrency` at once), and within a window the pages followed from
 * 0 while `rows == maxRows`. Records come back oldest first and never twice.
 *
 * Several statuses in a filter: one query per status (Tupay filters), not one unfiltered walk filtered
 * here. Per window that costs Σ(⌊nₛ/50⌋ + 1) calls against ⌊N/50⌋ + 1 for every record: at worst
 * (statuses − 1) more calls, but the usual question ("which failed?", "which are pending?") leaves out
 * COMPLETED, the bulk of the traffic, and then saves every page of it. One status is always one query.
 */
// Deposit searches are the capability's own (DepositFinder): Tupay's client reads them as they are.
import type { DepositSearch } from '../capabilities.js';
import type { Balance, BalanceReportEntry, CallContext, Transaction } from '../../domain/models.js';
import type { WireObserver, WireSource } from '../wire.js';
import { wireObserver } from '../wire-surprises.js';
import type { Logger } from '../../logging.js';
import type { Secret } from '../../secret.js';
import { refusedWhen } from '../authenticated.js';
import { providerCall, type ProviderCall, type ProviderRequest } from '../call.js';
import { clientLogger, createTransport, credentialStore, type CommonClientOptions } from '../client-options.js';
import type { CredentialManager } from '../credentials.js';
import { ProviderError, badResponse } from '../errors.js';
import type { BreakerState, UpstreamTransport } from '../http.js';
import {
  DEFAULT_TUPAY_RANGE_END,
  DEFAULT_TUPAY_RANGE_UNIT,
  DEFAULT_TUPAY_REPORT_RANGE_FORMAT,
  TUPAY_DOCUMENT_PARAMS,
  TUPAY_FIRST_PAGE,
  TUPAY_SAFE_RANGE_SECONDS,
  TUPAY_PATHS,
  TUPAY_REPORT_DAY_SECONDS,
  TUPAY_SESSION_REFUSED_PATTERN,
  tupayErrorMessage,
  tupayHasNextPage,
  tupayReportDay,
  tupayWireRange,
  type TupayRangeEnd,
  type TupayRangeUnit,
  type TupayReportRangeFormat,
} from './assumptions.js';
import { destroyTupaySession, presentTupaySession, tupayCredentials } from './auth.js';
import type { TupayListQueryDto } from './dto.js';
import {
  compareOldestFirst,
  toBalanceReportEntry,
  toBalances,
  toCashoutTransaction,
  toDepositTransaction,
  readPageRows,
  toPage,
  unwrapTupayAnswer,
} from './mappers.js';
import { mapBounded } from '../bounded.js';
import { seekDeposit, type IdPoint } from './deposit-seek.js';

const PROVIDER = 'TUPAY';

export interface TupayClientOptions extends CommonClientOptions {
  /** The API user's email (Tupay enables it for the merchant and whitelists its IPs). */
  accessKey: string;
  /** The API user's password. */
  secretKey: Secret;
  /** How many windows (× statuses) are walked at once. Default 3. */
  pageConcurrency?: number;
  /** How the balance report's `from`/`to` are written (TUPAY_REPORT_RANGE_FORMAT). Default Unix seconds. */
  reportRangeFormat?: TupayReportRangeFormat;
  /** The Unix time unit of every `from`/`to` sent as a timestamp (TUPAY_RANGE_UNIT). Default seconds. */
  rangeUnit?: TupayRangeUnit;
  /** Whether Tupay lists a record created at `to` (TUPAY_RANGE_END). Default inclusive. */
  rangeEnd?: TupayRangeEnd;
}

/** Both ends inclusive, at second precision (milliseconds are dropped). */
export interface TupayRange {
  from: Date;
  to: Date;
}

export interface TupayDepositFilter {
  /** Tupay's own words (`COMPLETED`, `DECLINED`…); several mean one query per status. */
  statuses?: readonly string[];
  /** `XA` or `XAQR`. */
  paymentMethod?: string;
  /** ISO 3166 alpha-2; Tupay serves `PE` only. */
  country?: string;
  clientDocument?: string;
}

/** Cash-outs carry no payment method: Tupay accepts the parameter but filters nothing, so we offer none. */
export type TupayCashoutFilter = Omit<TupayDepositFilter, 'paymentMethod'>;

export const DEFAULT_PAGE_CONCURRENCY = 3;
/** A window this deep in pages (500,000 records in 60 days) means Tupay ignores `page`: stop, loudly. */
const MAX_PAGES_PER_WINDOW = 10_000;

/**
 * Every window spans `to − from` = 60 days − 1 s at most (a second inside the documented edge): 60 days
 * exactly, both ends included (a second less when `to` is exclusive: TUPAY_RANGE_ENDS). Report windows
 * start on a UTC day, so they are whole days and no day's row is asked for twice (with `to` exclusive a
 * day may be asked twice: its row counts once).
 */
export const WINDOW_SECONDS = TUPAY_SAFE_RANGE_SECONDS + 1;

// ── Ranges ─────────────────────────────────────────────────────────────────────────────────────────

/** The whole seconds a request asks for, both included (sent as tupayWireRange writes them). */
export interface RangeWindow {
  fromSec: number;
  toSec: number;
}

/** [fromSec, toSec] as consecutive windows of `spanSec` seconds (the last one shorter): no overlap, no gap. */
export function splitRange(fromSec: number, toSec: number, spanSec: number): RangeWindow[] {
  const windows: RangeWindow[] = [];
  for (let start = fromSec; start <= toSec; start += spanSec) {
    windows.push({ fromSec: start, toSec: Math.min(start + spanSec - 1, toSec) });
  }
  return windows;
}

type WindowQuery = (w: RangeWindow) => Pick<TupayListQueryDto, 'from' | 'to'>;
/** A window as the listings take it: Unix time in the unit and end reading of the settings (tupayWireRange). */
const unixRange =
  (unit: TupayRangeUnit, end: TupayRangeEnd): WindowQuery =>
  (w) =>
    tupayWireRange(w.fromSec, w.toSec, unit, end);
/** A report window in the `date` form: its first and last UTC day. */
const dayRange: WindowQuery = (w) => ({ from: tupayReportDay(w.fromSec), to: tupayReportDay(w.toSec) });

function invalidRange(endpoint: string, detail: string): ProviderError {
  return new ProviderError(`Cannot ask Tupay ${endpoint}: ${detail}`, { provider: PROVIDER, reason: 'INVALID_INPUT', endpoint });
}

/** The range in Unix seconds, checked before anything is sent. */
function rangeSeconds(range: TupayRange, endpoint: string): RangeWindow {
  const fromSec = Math.floor(range.from.getTime() / 1000);
  const toSec = Math.floor(range.to.getTime() / 1000);
  if (!Number.isFinite(fromSec) || !Number.isFinite(toSec)) throw invalidRange(endpoint, 'from and to must be valid dates');
  if (fromSec < 0) throw invalidRange(endpoint, 'from must not be before 1970');
  if (fromSec > toSec) throw invalidRange(endpoint, 'from must not be after to');
  return { fromSec, toSec };
}

// ── Listings ───────────────────────────────────────────────────────────────────────────────────────

/** The query of one walk: everything but the page. */
type WalkQuery = Omit<TupayListQueryDto, 'page'>;
type Filters = Omit<WalkQuery, 'from' | 'to'>;

interface Listing<T> {
  path: string;
  endpoint: string;
  toDomain(raw: unknown, path: string, source: WireSource): T;
}

const DEPOSITS: Listing<Transaction> = { path: TUPAY_PATHS.deposits, endpoint: `GET ${TUPAY_PATHS.deposits}`, toDomain: toDepositTransaction };
const CASHOUTS: Listing<Transaction> = { path: TUPAY_PATHS.cashouts, endpoint: `GET ${TUPAY_PATHS.cashouts}`, toDomain: toCashoutTransaction };
const REPORT: Listing<BalanceReportEntry> = {
  path: TUPAY_PATHS.balanceReport,
  endpoint: `GET ${TUPAY_PATHS.balanceReport}`,
  toDomain: toBalanceReportEntry,
};
const BALANCE: ProviderRequest = { method: 'GET', path: TUPAY_PATHS.balance, endpoint: `GET ${TUPAY_PATHS.balance}` };
/** The GET of one page of a listing. */
const listingPage = (listing: Listing<unknown>, query: TupayListQueryDto): ProviderRequest => ({
  method: 'GET',
  path: listing.path,
  endpoint: listing.endpoint,
  query: { ...query },
});
const sessionRefused = refusedWhen(TUPAY_SESSION_REFUSED_PATTERN, tupayErrorMessage);

/** One filter set per query: the document under both spellings, and one query per distinct status. */
function filterQueries(filter: TupayDepositFilter): Filters[] {
  const base: Filters = {
    ...(filter.paymentMethod !== undefined && { paymentMethod: filter.paymentMethod }),
    ...(filter.country !== undefined && { country: filter.country }),
  };
  if (filter.clientDocument !== undefined) for (const name of TUPAY_DOCUMENT_PARAMS) base[name] = filter.clientDocument;
  const statuses = [...new Set(filter.statuses ?? [])];
  return statuses.length === 0 ? [base] : statuses.map((status) => ({ ...base, status }));
}

function uniqueBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

// ── The client ─────────────────────────────────────────────────────────────────────────────────────

export class TupayClient {
  private readonly transport: UpstreamTransport;
  private readonly credentials: CredentialManager;
  /** One authenticated call: send, take a 2xx body (or throw the `{ code, description }` refusal), read it. */
  private readonly call: ProviderCall<unknown>;
  private readonly logger: Logger;
  private readonly observe: WireObserver;
  private readonly concurrency: number;
  private readonly listRange: WindowQuery;
  private readonly reportRange: WindowQuery;
  /** The span of one request's window: one second less when `to` is exclusive, so `to − from` stays inside 60 days. */
  private readonly windowSeconds: number;

  constructor(options: TupayClientOptions) {
    const end = options.rangeEnd ?? DEFAULT_TUPAY_RANGE_END;
    this.listRange = unixRange(options.rangeUnit ?? DEFAULT_TUPAY_RANGE_UNIT, end);
    this.reportRange = (options.reportRangeFormat ?? DEFAULT_TUPAY_REPORT_RANGE_FORMAT) === 'date' ? dayRange : this.listRange;
    this.windowSeconds = end === 'exclusive' ? WINDOW_SECONDS - 1 : WINDOW_SECONDS;
    this.logger = clientLogger(PROVIDER, options);
    this.observe = wireObserver(this.logger, options.onWireSurprise);
    this.transport = createTransport(PROVIDER, options, this.logger);
    this.concurrency = Math.max(1, Math.floor(options.pageConcurrency ?? DEFAULT_PAGE_CONCURRENCY));
    this.credentials = tupayCredentials({
      transport: this.transport,
      user: { accessKey: options.accessKey, secretKey: options.secretKey },
      baseUrl: options.baseUrl,
      store: credentialStore(options),
      logger: this.logger,
      onRenewed: options.onCredentialRenewed,
    });
    this.call = providerCall({
      transport: this.transport,
      credentials: this.credentials,
      present: presentTupaySession,
      refused: sessionRefused,
      unwrap: unwrapTupayAnswer,
      observe: this.observe,
    });
  }

  /** The circuit's state, for readiness and metrics. */
  get breakerState(): BreakerState {
    return this.transport.breakerState;
  }

  /** Deposits created in the range, oldest first. */
  deposits(range: TupayRange, filter: TupayDepositFilter = {}, ctx?: CallContext): Promise<Transaction[]> {
    return this.transactions(DEPOSITS, range, filter, ctx);
  }

  /**
   * One deposit by id, for which Tupay has no query. Each search reads, in all at most its `maxPages`
   * pages, its ranges in turn, or (a seek) wherever the ids read so far say the deposit is, at any age
   * (deposit-seek.ts); it stops at the page that holds one of `ids` (the first of them there, in their
   * order). `complete` is false when a search ran out of pages before its ranges did (the deposit may be
   * there, unread), true when a seek proved Tupay does not list it.
   */
  async findDeposit(ids: readonly string[], searches: readonly DepositSearch[], ctx?: CallContext): Promise<{ deposit?: Transaction; complete: boolean }> {
    const source = this.source(DEPOSITS.endpoint, ctx);
    /** The oldest and newest row of every page read: where a seek starts from. */
    const points: IdPoint[] = [];
    const read = async (fromSec: number, toSec: number, page: number) => {
      const { rows, maxRows, data } = await this.call(listingPage(DEPOSITS, { ...this.listRange({ fromSec, toSec }), page }), ctx, toPage);
      const deposits = data.map((raw, i) => DEPOSITS.toDomain(raw, `data[${i}]`, source));
      for (const d of [deposits[0], deposits.at(-1)]) {
        if (d && /^\d+$/.test(d.id)) points.push({ sec: Math.floor(Date.parse(d.createdAt) / 1000), id: BigInt(d.id) });
      }
      return { deposits, more: data.length > 0 && tupayHasNextPage({ rows, maxRows }) };
    };
    let complete = true;
    for (const search of searches) {
      if ('notAfter' in search) {
        const notAfterSec = rangeSeconds({ from: new Date(0), to: search.notAfter }, DEPOSITS.endpoint).toSec;
        const sought = await seekDeposit(ids, notAfterSec, search.maxPages, (from, to) => read(from, to, TUPAY_FIRST_PAGE), points);
        if (sought.deposit) return { deposit: sought.deposit, complete: true };
        // Every age was sought: a proven absence settles what the searches before it left unread.
        if (sought.absent) return { complete: true };
        complete = false;
        continue;
      }
      const { ranges, maxPages } = search;
      let pagesLeft = maxPages;
      for (const range of ranges) {
        const { fromSec, toSec } = rangeSeconds(range, DEPOSITS.endpoint);
        let more = true;
        for (let page = TUPAY_FIRST_PAGE; more && pagesLeft > 0; page++, pagesLeft--) {
          const answer = await read(fromSec, toSec, page);
          const deposit = ids.map((id) => answer.deposits.find((d) => d.id === id)).find((d) => d !== undefined);
          if (deposit) return { deposit, complete: true };
          more = answer.more;
        }
        if (more) {
          complete = false;
          break;
        }
      }
    }
    return { complete };
  }

  /** Cash-outs created in the range, oldest first. */
  cashouts(range: TupayRange, filter: TupayCashoutFilter = {}, ctx?: CallContext): Promise<Transaction[]> {
    return this.transactions(CASHOUTS, range, filter, ctx);
  }

  /** One balance per currency; `primary` marks Tupay's PRIMARY balance. */
  async balances(ctx?: CallContext): Promise<Balance[]> {
    return this.call(BALANCE, ctx, toBalances);
  }

  /**
   * One entry per UTC day and currency, oldest first. Rows are whole days, so the range is widened to
   * the start of its first day and split on day boundaries.
   */
  async balanceReport(range: TupayRange, ctx?: CallContext): Promise<BalanceReportEntry[]> {
    const { fromSec, toSec } = rangeSeconds(range, REPORT.endpoint);
    const dayStart = fromSec - (fromSec % TUPAY_REPORT_DAY_SECONDS);
    const windows = splitRange(dayStart, toSec, this.windowSeconds);
    const entries = await this.walkAll(REPORT, windows, [{}], ctx, this.reportRange);
    return uniqueBy(entries, (e) => `${e.date}:${e.currency}`);
  }

  /**
   * Ends the session at Tupay. Safe when never logged in (nothing is sent); failures are logged, not
   * thrown (the session then ends on its own after 15 idle minutes). The credential is forgotten
   * before the DELETE goes out, so a call racing the logout opens a new session instead of presenting
   * the cookie being destroyed.
   */
  async logout(): Promise<void> {
    try {
      const token = await this.credentials.forget();
      if (token === undefined) return;
      await destroyTupaySession(this.transport, token);
      this.logger.info('tupay session destroyed');
    } catch (error) {
      const safe = error instanceof ProviderError ? error : { name: error instanceof Error ? error.name : typeof error };
      this.logger.warn({ error: safe }, 'tupay logout failed; the session will expire on its own');
    }
  }

  /** Logs out, then closes the connections. */
  async close(): Promise<void> {
    await this.logout();
    await this.transport.close();
  }

  private async transactions(listing: Listing<Transaction>, range: TupayRange, filter: TupayDepositFilter, ctx?: CallContext): Promise<Transaction[]> {
    const { fromSec, toSec } = rangeSeconds(range, listing.endpoint);
    const records = await this.walkAll(listing, splitRange(fromSec, toSec, this.windowSeconds), filterQueries(filter), ctx);
    // A record that moved between pages while we read them (or matched two status queries) counts once.
    return uniqueBy(records, (t) => t.id).sort(compareOldestFirst);
  }

  /** Every record of every window × filter set, at most `concurrency` walks at once. */
  private async walkAll<T>(
    listing: Listing<T>,
    windows: RangeWindow[],
    filters: Filters[],
    ctx?: CallContext,
    rangeOf: WindowQuery = this.listRange,
  ): Promise<T[]> {
    const walks: WalkQuery[] = windows.flatMap((w) => filters.map((f) => ({ ...f, ...rangeOf(w) })));
    const results = await mapBounded(walks, this.concurrency, (query) => this.walk(listing, query, ctx));
    return results.flat();
  }

  /** One window's pages, from 0 while `rows == maxRows` (an exact multiple of 50 ends on an empty page). */
  private async walk<T>(listing: Listing<T>, query: WalkQuery, ctx?: CallContext): Promise<T[]> {
    const records: T[] = [];
    const source = this.source(listing.endpoint, ctx);
    for (let page = TUPAY_FIRST_PAGE; page < TUPAY_FIRST_PAGE + MAX_PAGES_PER_WINDOW; page++) {
      const { rows, maxRows, data } = await this.call(listingPage(listing, { ...query, page }), ctx, toPage);
      const read = readPageRows(data, source, listing.toDomain);
      for (const record of read.rows) records.push(record);
      for (const error of read.skipped) ctx?.onSkippedRow?.(error);
      // An empty page can hold no next one, whatever `rows` claims.
      if (data.length === 0 || !tupayHasNextPage({ rows, maxRows })) return records;
    }
    throw badResponse(PROVIDER, listing.endpoint, `still full after ${MAX_PAGES_PER_WINDOW} pages`, ctx?.requestId);
  }

  private source(endpoint: string, ctx?: CallContext): WireSource {
    return { endpoint, requestId: ctx?.requestId, observe: this.observe };
  }
}
