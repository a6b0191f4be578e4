/**
 * The typed TelePagos Empresas API v2 client: the only way the gateway talks to TelePagos. One method per
 * endpoint, each sending through the shared transport (timeouts, safe retries, breaker) with the bearer
 * token (cached, renewed before expiry, renewed once on 401), unwrapping the `{ status, ... }` envelope
 * (a refusal word is a refusal; otherwise the endpoint's documented payload decides, see
 * TELEPAGOS_SUCCESS_WORDS) and mapping the answer to domain objects. Only the cash-out POST is ever retried: TelePagos documents that the same
 * data with the same `reference_id` is a harmless replay answering the same id.
 */
import { maskAccountNumber } from '../../domain/identifiers.js';
import { periodProblem } from '../../domain/periods.js';
import type {
  Balance,
  CallContext,
  Cashin,
  Cashout,
  PaymentConcept,
  QrAmountType,
  SalePoint,
  Statistics,
  Transaction,
  TransactionOperation,
} from '../../domain/models.js';
import { forRequest, type Logger } from '../../logging.js';
import { traceIdOf } from '../../observability/tracing.js';
import type { Secret } from '../../secret.js';
import { refusedWhen } from '../authenticated.js';
import { providerCall, type ProviderCall, type ProviderRequest, type ReadAnswer } from '../call.js';
import { clientLogger, createTransport, credentialStore, type CommonClientOptions } from '../client-options.js';
import { badResponse } from '../errors.js';
import type { BreakerState, UpstreamTransport } from '../http.js';
import Big from 'big.js';
import { jsonDecimal } from '../json-body.js';
import {
  AMOUNT_MAX_DECIMALS,
  DEFAULT_AMOUNT_WIRE_FORMAT,
  DEFAULT_BALANCE_UNIT,
  DEFAULT_TRANSACTIONS_ORDER,
  TELEPAGOS_PATHS as PATHS,
  TOKEN_REFUSED_PATTERN,
  isTelepagosId,
  telepagosErrorMessage,
  type AmountWireFormat,
  type BalanceUnit,
  type TransactionsOrder,
} from './assumptions.js';
import { presentTelepagosToken, telepagosCredentials } from './auth.js';
import type {
  CashoutRequestDto,
  PaymentLinkRequestDto,
  QrGenerateRequestDto,
  StaticOrderRequestDto,
  StaticQrQueryDto,
  TransactionsQueryDto,
  TransferLinkRequestDto,
  WireAmount,
} from './dto.js';
import {
  invalidInput,
  read,
  toBalance,
  toCashin,
  toConcepts,
  toDone,
  toOperations,
  toSalePoints,
  toStatistics,
  toTransactions,
  toTransactionsCarried,
  toTransactionsPage,
  unwrapEnvelope,
  wireAmount,
  wireDateTime,
  wireId,
  wireQrAmountType,
  type OrdinalCarry,
  type TransactionsPageAnswer,
  type TxRow,
} from './mappers.js';
import { mapBounded } from '../bounded.js';
import { wireObserver } from '../wire-surprises.js';
import type { WireSource } from '../wire.js';
import type { PaymentLink, PaymentLinkDistributionPart, QrCharge, QrOrder, TransferLink } from '../capabilities.js';

const PROVIDER = 'TELEPAGOS';

export interface TelepagosClientOptions extends CommonClientOptions {
  /** API user (from the web platform's API section, not the wallet login). */
  username: string;
  password: Secret;
  /** Pages of a transactions listing fetched at once after the first. Default DEFAULT_PAGE_CONCURRENCY (10). */
  pageConcurrency?: number;
  /** How request amounts are written (TELEPAGOS_AMOUNT_FORMAT): an exact JSON number (default) or a string. */
  amountFormat?: AmountWireFormat;
  /** The order `v2/account/transactions` lists in (TELEPAGOS_TRANSACTIONS_ORDER). Default newest first. */
  transactionsOrder?: TransactionsOrder;
  /** The unit of `balance.amount` (TELEPAGOS_BALANCE_UNIT). Default whole pesos. */
  balanceUnit?: BalanceUnit;
}

export const DEFAULT_PAGE_CONCURRENCY = 10;

// ── Inputs and results ──────────────────────────────────────────────────────────────────────────

export interface TransactionsQuery {
  /** `YYYY-MM-DD`, inclusive, Argentina days. */
  from: string;
  to: string;
  /** An operation id from `operations()`. */
  operation?: string;
}

export interface TransactionsPageQuery extends TransactionsQuery {
  /** From 1. */
  page: number;
}

export interface TransactionsPage {
  transactions: Transaction[];
  page: number;
  pages: number;
  /** Rows matching the whole query. */
  total: number;
  /** Rows per page, as TelePagos reports it. */
  pageSize: number;
}

/** Where a newest-first walk of a listing stands: the next row, counted from the newest. */
export interface ListingPosition {
  /** Rows of the listing before the next one, newest first (0: the start). */
  offset: number;
  /** The listing's `number_of_results` when `offset` was counted; undefined at the start. */
  total?: number;
  /** Rows per page as TelePagos reported it; undefined at the start. */
  pageSize?: number;
  /** Identical rows already read at the last second read (ids count them across pages). */
  carry: OrdinalCarry;
}

export interface ListingStep {
  /** This step's rows, newest first. */
  transactions: Transaction[];
  /** Undefined when the listing is read to its end. */
  next?: ListingPosition;
}

export interface CreateCashoutInput {
  /** Destination CBU/CVU; give exactly one of `cbu` and `alias`. */
  cbu?: string;
  alias?: string;
  /** The destination holder's CUIT (TelePagos checks it). */
  cuit: string;
  /** Positive decimal string, at most two decimals: "1500.50". */
  amount: string;
  /** Unique per transfer: resending the same data with it never sends a second transfer. */
  referenceId: string;
  /** A concept id from `concepts()`. */
  concept: string;
  description: string;
}

// What TelePagos's creations answer: the capabilities' own result types (../capabilities.ts), read as they are.
export type { PaymentLink, PaymentLinkDistributionPart, QrCharge, QrOrder, TransferLink };

export interface CreateQrChargeInput {
  amount: string;
  concept: string;
  description: string;
}

export interface CreateTransferLinkInput {
  /** The payer's CBU/CVU. */
  cbu: string;
  /** The payer's CUIT. */
  cuit: string;
  amount: string;
  concept: string;
  description: string;
}

export interface CreatePaymentLinkInput {
  amount: string;
  concept: string;
  /** A Date or an ISO-8601 date-time; sent as Argentina time. */
  expiresAt: Date | string;
  multipleUse: boolean;
  /** Split of each payment; the parts must add up to `amount`. */
  distribution?: PaymentLinkDistributionPart[];
}

export interface CreateSalePointQrOrderInput {
  salePointId: string;
  amount: string;
  concept: string;
  description: string;
}

// ── Plumbing ────────────────────────────────────────────────────────────────────────────────────

/** Endpoint labels are stable, never a concrete id: `GET v2/payment/cashout/{id}`. */
type Request = ProviderRequest;

const get = (path: string, query?: Request['query']): Request => ({ method: 'GET', path, endpoint: `GET ${path}`, query });
const post = (path: string, json: unknown): Request => ({ method: 'POST', path, endpoint: `POST ${path}`, json });
/** `GET base/{name}` with the value appended to the path. */
const getAt = (base: string, name: string, value: string): Request => ({
  method: 'GET',
  path: `${base}/${encodeURIComponent(value)}`,
  endpoint: `GET ${base}/{${name}}`,
});

/** Ids of TelePagos records are integers: anything else names nothing, so nothing is sent. */
function checkRecordId(id: string, endpoint: string): void {
  if (!isTelepagosId(id)) throw invalidInput(endpoint, 'id must be a TelePagos numeric id');
}

/** Writes a checked request amount in the configured form. */
type AmountWriter = (amount: string, endpoint: string, field?: string) => WireAmount;

/**
 * The amount writer of a format: checked by `wireAmount` (money must not depend on TelePagos noticing),
 * then the caller's text as a string, or a JSON number of its exact digits with two decimals (`1500.50`).
 */
export function amountWriter(format: AmountWireFormat): AmountWriter {
  if (format === 'string') return wireAmount;
  return (amount, endpoint, field) => jsonDecimal(new Big(wireAmount(amount, endpoint, field)).toFixed(AMOUNT_MAX_DECIMALS));
}

/** The cash-out body: exactly one destination, a checked amount. */
function cashoutBody(input: CreateCashoutInput, amount: AmountWriter): CashoutRequestDto {
  const endpoint = `POST ${PATHS.cashout}`;
  if ((input.cbu === undefined) === (input.alias === undefined)) throw invalidInput(endpoint, 'give exactly one of cbu and alias');
  return {
    ...(input.cbu !== undefined ? { cvu: input.cbu } : { alias: input.alias }),
    cuit: input.cuit,
    amount: amount(input.amount, endpoint),
    reference_id: input.referenceId,
    concept: input.concept,
    description: input.description,
  };
}

/** 401, or an error message about the token with any HTTP status (403, 200…): renew once, replay once. */
const tokenRefused = refusedWhen(TOKEN_REFUSED_PATTERN, telepagosErrorMessage);

/** Transactions newest first (by `createdAt`; a stable sort keeps the listing's order within a second). */
function newestFirst(transactions: readonly Transaction[]): Transaction[] {
  return [...transactions].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
}

/** The rows of the pages a caller is answered from, each row left out told to the caller once. */
function reportSkipped(pages: readonly TransactionsPageAnswer[], ctx: CallContext | undefined): TxRow[] {
  for (const page of pages) for (const error of page.skipped) ctx?.onSkippedRow?.(error);
  return pages.flatMap((p) => p.rows);
}

/** What a listing asks TelePagos, page aside. */
function listing(query: TransactionsQuery): Pick<TransactionsQueryDto, 'date_from' | 'date_to' | 'operation'> {
  return { date_from: query.from, date_to: query.to, operation: query.operation };
}

const range = (from: number, to: number): number[] => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

// ── The client ──────────────────────────────────────────────────────────────────────────────────

export class TelepagosClient {
  private readonly transport: UpstreamTransport;
  /** One authenticated call: send, unwrap the envelope (or throw the refusal), read the answer's payload. */
  private readonly call: ProviderCall<Record<string, unknown>>;
  private readonly logger: Logger;
  private readonly pageConcurrency: number;
  private readonly amount: AmountWriter;
  private readonly balanceUnit: BalanceUnit;
  /** The order TelePagos lists transactions in (TELEPAGOS_TRANSACTIONS_ORDER): the newest-first shortcuts need `newest-first`. */
  readonly transactionsOrder: TransactionsOrder;
  /** The balance's reader, one function for every call so that callers of one flight share its reading (call.ts). */
  private readonly readBalance = (body: Record<string, unknown>, source: WireSource): Balance => toBalance(body, source, this.balanceUnit);
  /** The listings' page readers, one per page number (see `pageReader`). */
  private readonly pageReaders = new Map<number, ReadAnswer<Record<string, unknown>, TransactionsPageAnswer>>();

  constructor(options: TelepagosClientOptions) {
    this.logger = clientLogger(PROVIDER, options);
    this.transport = createTransport(PROVIDER, options, this.logger);
    const observe = wireObserver(this.logger, options.onWireSurprise);
    const credentials = telepagosCredentials({
      transport: this.transport,
      account: { username: options.username, password: options.password },
      baseUrl: options.baseUrl,
      store: credentialStore(options),
      logger: this.logger,
      onRenewed: options.onCredentialRenewed,
      observe,
    });
    this.call = providerCall({
      transport: this.transport,
      credentials,
      present: presentTelepagosToken,
      refused: tokenRefused,
      unwrap: unwrapEnvelope,
      observe,
    });
    this.pageConcurrency = Math.max(1, Math.floor(options.pageConcurrency ?? DEFAULT_PAGE_CONCURRENCY));
    this.amount = amountWriter(options.amountFormat ?? DEFAULT_AMOUNT_WIRE_FORMAT);
    this.transactionsOrder = options.transactionsOrder ?? DEFAULT_TRANSACTIONS_ORDER;
    this.balanceUnit = options.balanceUnit ?? DEFAULT_BALANCE_UNIT;
  }

  /** The circuit's state, for readiness and metrics. */
  get breakerState(): BreakerState {
    return this.transport.breakerState;
  }

  async close(): Promise<void> {
    await this.transport.close();
  }

  // ── Account ───────────────────────────────────────────────────────────────────────────────────

  /** The ARS balance, `amount` read in the unit of `balanceUnit` (whole pesos by default: TelePagos truncates the cents). */
  async balance(ctx?: CallContext): Promise<Balance> {
    return this.call(get(PATHS.balance), ctx, this.readBalance);
  }

  async concepts(ctx?: CallContext): Promise<PaymentConcept[]> {
    return this.call(get(PATHS.concepts), ctx, toConcepts);
  }

  /** The values of the transactions' `operation` filter. */
  async operations(ctx?: CallContext): Promise<TransactionOperation[]> {
    return this.call(get(PATHS.transactionsFilters), ctx, toOperations);
  }

  /**
   * `period` is assumed `YYYY-MM` (STATISTICS_PERIOD_PATTERN), but any plausible form is sent for
   * TelePagos to judge (periodProblem). Only for users tied to the collecting account (others: FORBIDDEN).
   */
  async statistics(period: string, ctx?: CallContext): Promise<Statistics> {
    const request = getAt(PATHS.statistics, 'period', period);
    const problem = periodProblem(period);
    if (problem) throw invalidInput(request.endpoint, `period ${problem}`);
    return this.call(request, ctx, (body, source) => toStatistics(period, body, source));
  }

  // ── Transactions ──────────────────────────────────────────────────────────────────────────────

  private page(query: TransactionsQuery, page: number, ctx: CallContext | undefined): Promise<TransactionsPageAnswer> {
    const wire: TransactionsQueryDto = { ...listing(query), paginate: 1, page };
    return this.call(get(PATHS.transactions, { ...wire }), ctx, this.pageReader(page));
  }

  /**
   * The reader of page `page`, the same function for every call of that page number, so that the
   * callers of one flight share their reading (call.ts). One is kept per page number ever read: as many
   * as the longest listing has pages.
   */
  private pageReader(page: number): ReadAnswer<Record<string, unknown>, TransactionsPageAnswer> {
    let reader = this.pageReaders.get(page);
    if (!reader) {
      reader = (body, source) => toTransactionsPage(body, page, source);
      this.pageReaders.set(page, reader);
    }
    return reader;
  }

  /**
   * One page, newest first. Ids count identical rows within this page only: use `transactions()` for ids
   * that agree across a whole listing.
   */
  async transactionsPage(query: TransactionsPageQuery, ctx?: CallContext): Promise<TransactionsPage> {
    const answer = await this.page(query, query.page, ctx);
    reportSkipped([answer], ctx);
    const { rows, page, pages, total, pageSize } = answer;
    return { transactions: toTransactions(rows), page, pages, total, pageSize };
  }

  /**
   * One step of a newest-first walk: the page holding the row at `at.offset`, from that row on. The
   * ids agree with `transactions()` over the same listing (identical rows are counted across pages
   * through `at.carry`). Movements arriving meanwhile are newer than every row read, so they push the
   * rest down: a grown `number_of_results` moves the offset by as many rows (one more call when that
   * lands on another page). A shrunken one (rows gone) cannot be followed and is an error.
   */
  async listingStep(query: TransactionsQuery, at: ListingPosition, ctx?: CallContext, pages = 1): Promise<ListingStep> {
    let offset = at.offset;
    let pageSize = at.pageSize ?? 1;
    let page = at.pageSize === undefined ? 1 : Math.floor(offset / pageSize) + 1;
    let answer = await this.page(query, page, ctx);
    if (at.total !== undefined && answer.total !== at.total) {
      if (answer.total < at.total) {
        throw badResponse(PROVIDER, `GET ${PATHS.transactions}`, 'transactions disappeared while being paged', ctx?.requestId);
      }
      offset += answer.total - at.total;
      pageSize = Math.max(1, answer.pageSize);
      const moved = Math.floor(offset / pageSize) + 1;
      if (moved !== page) answer = await this.page(query, (page = moved), ctx);
    }
    pageSize = Math.max(1, answer.pageSize);
    // More pages at once when asked (read concurrently); only those still counting the same total are
    // kept, so a listing that moved meanwhile is followed from the last consistent page on.
    const more = await mapBounded(range(page + 1, Math.min(answer.pages, page + pages - 1)), this.pageConcurrency, (n) => this.page(query, n, ctx));
    const consistent = more.findIndex((p) => p.total !== answer.total || p.pageSize !== answer.pageSize);
    const read = [answer, ...(consistent < 0 ? more : more.slice(0, consistent))];
    const last = page + read.length - 1;
    // Resuming inside a page (after growth): the rows before `offset` were read already.
    const rows = reportSkipped(read, ctx).slice(Math.max(0, offset - (page - 1) * pageSize));
    const { transactions, carry } = toTransactionsCarried(rows, at.carry);
    const further = last < answer.pages && read.every((p) => p.listed > 0);
    return { transactions, next: further ? { offset: last * pageSize, total: answer.total, pageSize, carry } : undefined };
  }

  /**
   * Every transaction of the range, in TelePagos' order: page 1 tells how many pages there are, the rest
   * are fetched concurrently (at most `pageConcurrency` at once). A movement arriving meanwhile shifts
   * rows across pages (newest first); that shows as changed counts, and the listing is read once more.
   * Identical reads in flight are one read, shared whole when clean (`ProviderCall.whole`).
   */
  async transactions(query: TransactionsQuery, ctx?: CallContext): Promise<Transaction[]> {
    const key = `all\u0000${JSON.stringify(listing(query))}`;
    return this.call.whole({ key, endpoint: `GET ${PATHS.transactions}` }, ctx, (call) => this.readAll(query, call));
  }

  private async readAll(query: TransactionsQuery, ctx: CallContext): Promise<Transaction[]> {
    const first = await this.readAllPages(query, ctx);
    if (first.consistent) return toTransactions(reportSkipped(first.pages, ctx));
    forRequest(this.logger, ctx?.requestId, traceIdOf(ctx?.trace)).warn(
      { endpoint: `GET ${PATHS.transactions}` },
      'telepagos transactions changed while paging; reading them again',
    );
    const second = await this.readAllPages(query, ctx);
    if (second.consistent) return toTransactions(reportSkipped(second.pages, ctx));
    throw badResponse(PROVIDER, `GET ${PATHS.transactions}`, 'the transactions kept changing while being paged', ctx?.requestId);
  }

  /**
   * The newest `count` transactions of the range and how many there are in all. TelePagos lists newest
   * first, so page 1 and only the pages those rows sit on are read: a dashboard's last 50 cost 4 calls,
   * not the whole range. If rows shift between pages meanwhile, the whole listing is read instead.
   * Identical reads in flight are one read, shared whole when clean (`ProviderCall.whole`): the
   * dashboards of a crowd share their pages and the rows mapped from them (one array for all of them,
   * which src/modules/transactions/shared-pages.ts builds its values from once).
   */
  async newestTransactions(query: TransactionsQuery, count: number, ctx?: CallContext): Promise<{ transactions: Transaction[]; total: number }> {
    // The read is named by what its pages ask TelePagos, whatever page they are.
    const key = `newest\u0000${count}\u0000${JSON.stringify(listing(query))}`;
    return this.call.whole({ key, endpoint: `GET ${PATHS.transactions}` }, ctx, (call) => this.readNewest(query, count, call));
  }

  private async readNewest(query: TransactionsQuery, count: number, ctx: CallContext): Promise<{ transactions: Transaction[]; total: number }> {
    if (this.transactionsOrder !== 'newest-first') {
      // Listed oldest first: the newest rows are on the last pages, so the whole listing is read.
      const all = await this.transactions(query, ctx);
      return { transactions: newestFirst(all).slice(0, count), total: all.length };
    }
    const first = await this.page(query, 1, ctx);
    const needed = Math.min(first.pages, Math.ceil(count / Math.max(1, first.pageSize)));
    const rest = await mapBounded(range(2, needed), this.pageConcurrency, (page) => this.page(query, page, ctx));
    if (rest.some((p) => p.total !== first.total)) {
      const all = await this.transactions(query, ctx);
      return { transactions: all.slice(0, count), total: all.length };
    }
    return { transactions: toTransactions(reportSkipped([first, ...rest], ctx).slice(0, count)), total: first.total };
  }

  /** Skipped rows count as listed: TelePagos' counts include them. */
  private async readAllPages(query: TransactionsQuery, ctx: CallContext | undefined): Promise<{ pages: TransactionsPageAnswer[]; consistent: boolean }> {
    const first = await this.page(query, 1, ctx);
    const rest = await mapBounded(range(2, first.pages), this.pageConcurrency, (page) => this.page(query, page, ctx));
    const pages = [first, ...rest];
    const listed = pages.reduce((sum, p) => sum + p.listed, 0);
    const consistent = listed === first.total && pages.every((p) => p.total === first.total && p.pages === first.pages);
    return { pages, consistent };
  }

  // ── Transfers out and money received ──────────────────────────────────────────────────────────

  /**
   * Sends a transfer. Retried on timeouts and 5xx with the same body: TelePagos answers a replay of the
   * same data and `reference_id` with the first transfer's id and moves no money (other data with it is
   * a CONFLICT).
   */
  async createCashout(input: CreateCashoutInput, ctx?: CallContext): Promise<Cashout> {
    const body = cashoutBody(input, this.amount);
    const audit = {
      referenceId: input.referenceId,
      amount: String(body.amount),
      destination: input.cbu !== undefined ? maskAccountNumber(input.cbu) : input.alias,
    };
    try {
      const id = await this.call({ ...post(PATHS.cashout, body), retry: 'replayable' }, ctx, (answer, source) => read.cashoutId(answer, source));
      forRequest(this.logger, ctx?.requestId, traceIdOf(ctx?.trace)).info({ ...audit, cashoutId: id }, 'telepagos cash-out sent');
      return { provider: PROVIDER, id };
    } catch (error) {
      // The logger serializes a ProviderError through its safe toJSON.
      forRequest(this.logger, ctx?.requestId, traceIdOf(ctx?.trace)).warn({ ...audit, error }, 'telepagos cash-out failed');
      throw error;
    }
  }

  /** The transfer's receipt: a base64-encoded PDF. */
  async cashoutVoucher(id: string, ctx?: CallContext): Promise<string> {
    const request = getAt(PATHS.cashout, 'id', id);
    checkRecordId(id, request.endpoint);
    return this.call(request, ctx, (body, source) => read.text(body, 'voucher', source));
  }

  async cashin(id: string, ctx?: CallContext): Promise<Cashin> {
    const request = getAt(PATHS.cashin, 'id', id);
    checkRecordId(id, request.endpoint);
    return this.call(request, ctx, (body, source) => toCashin(id, body, source));
  }

  // ── Collecting ────────────────────────────────────────────────────────────────────────────────

  /** A one-payment (dynamic) QR for this amount. */
  async createQrCharge(input: CreateQrChargeInput, ctx?: CallContext): Promise<QrCharge> {
    const body: QrGenerateRequestDto = {
      amount: this.amount(input.amount, `POST ${PATHS.qrGenerate}`),
      concept: input.concept,
      description: input.description,
    };
    return this.call(post(PATHS.qrGenerate, body), ctx, (answer, source) => ({
      qrCode: read.text(answer, 'qr_code', source),
      qrOrderId: read.id(answer, 'qr_order_id', source),
    }));
  }

  /** A link with which the payer (that CBU/CVU and CUIT) transfers this amount. */
  async createTransferLink(input: CreateTransferLinkInput, ctx?: CallContext): Promise<TransferLink> {
    const body: TransferLinkRequestDto = {
      cvu: input.cbu,
      cuit: input.cuit,
      amount: this.amount(input.amount, `POST ${PATHS.transferLinkGenerate}`),
      concept: input.concept,
      description: input.description,
    };
    return this.call(post(PATHS.transferLinkGenerate, body), ctx, (answer, source) => ({ paymentLink: read.text(answer, 'payment_link', source) }));
  }

  async createPaymentLink(input: CreatePaymentLinkInput, ctx?: CallContext): Promise<PaymentLink> {
    const endpoint = `POST ${PATHS.paymentLinkGenerate}`;
    const body: PaymentLinkRequestDto = {
      expiration_date: wireDateTime(input.expiresAt, endpoint, 'expiresAt'),
      amount: this.amount(input.amount, endpoint),
      multiple_use: input.multipleUse,
      concept: input.concept,
      ...(input.distribution && {
        distribution: input.distribution.map((part, i) => ({ cvu: part.cbu, amount: this.amount(part.amount, endpoint, `distribution[${i}].amount`) })),
      }),
    };
    return this.call(post(PATHS.paymentLinkGenerate, body), ctx, (answer, source) => ({
      url: read.text(answer, 'link', source),
      id: read.id(answer, 'link_id', source),
    }));
  }

  // ── Sale points ───────────────────────────────────────────────────────────────────────────────

  async salePoints(ctx?: CallContext): Promise<SalePoint[]> {
    return this.call(get(PATHS.salePoint), ctx, toSalePoints);
  }

  async createSalePoint(name: string, ctx?: CallContext): Promise<{ id: string }> {
    return this.call(post(PATHS.salePoint, { name }), ctx, (answer, source) => ({ id: read.id(answer, 'sale_point_id', source) }));
  }

  async deleteSalePoint(id: string, ctx?: CallContext): Promise<void> {
    const request: Request = { method: 'DELETE', path: PATHS.salePoint, endpoint: `DELETE ${PATHS.salePoint}`, json: { sale_point_id: wireId(id) } };
    await this.call(request, ctx, toDone);
  }

  /**
   * The sale point's printed QR: CLOSED is paired with orders (the issuer sets the amount), OPEN lets the
   * payer type it. Its parameters go in the query string (STATIC_QR_PARAMETERS_IN).
   */
  async staticQr(salePointId: string, amountType: QrAmountType, ctx?: CallContext): Promise<string> {
    const query: StaticQrQueryDto = { type_amount: wireQrAmountType(amountType), sale_point_id: wireId(salePointId) };
    return this.call(get(PATHS.salePointStaticQr, { ...query }), ctx, (answer, source) => read.text(answer, 'qr_code', source));
  }

  /** An order for the sale point's CLOSED static QR: the next payment of that QR pays this amount. */
  async createSalePointQrOrder(input: CreateSalePointQrOrderInput, ctx?: CallContext): Promise<QrOrder> {
    const body: StaticOrderRequestDto = {
      amount: this.amount(input.amount, `POST ${PATHS.staticQrOrder}`),
      concept: input.concept,
      description: input.description,
      sale_point_id: wireId(input.salePointId),
    };
    return this.call(post(PATHS.staticQrOrder, body), ctx, (answer, source) => ({ qrOrderId: read.id(answer, 'qr_order_id', source) }));
  }
}
