/**
 * What a provider can do, one interface per capability. Each provider folder exports one adapter that
 * carries the capabilities it has; modules ask the registry for "every configured provider that can X"
 * (ProviderRegistry.all) or "this provider, if it can X" (ProviderRegistry.capable) and never branch on
 * a provider's name.
 */
import type {
  Balance,
  BalanceReportEntry,
  CallContext,
  Cashin,
  Cashout,
  Payment,
  PaymentConcept,
  PaymentItem,
  QrAmountType,
  SalePoint,
  Statistics,
  Transaction,
  TransactionDirection,
  TransactionKind,
  TransactionOperation,
} from '../domain/models.js';
import type { Currency } from '../domain/money.js';
import type { BreakerState } from './http.js';
import type { ProviderId } from './provider.js';

// ── Neutral requests ────────────────────────────────────────────────────────────────────────────
// What modules send, in the gateway's words; each provider folder converts them to its own wire input.
// Amounts are positive decimal text with at most two decimals ("1500.50"), checked before sending.

/** Money out to a bank account: give exactly one of `cbu` and `alias`. */
export interface CashoutRequest {
  /** Destination CBU/CVU. */
  cbu?: string;
  alias?: string;
  /** The destination holder's CUIT. */
  cuit: string;
  amount: string;
  /** The merchant's reference for this transfer (unique per transfer). */
  referenceId: string;
  /** A payment concept id (ReferenceSource.concepts). */
  concept: string;
  description: string;
}

/** A one-off QR to be paid. */
export interface QrChargeRequest {
  amount: string;
  concept: string;
  description: string;
}

export interface QrCharge {
  /** EMVCo string to render as a QR. */
  qrCode: string;
  qrOrderId: string;
}

/** A link asking a payer (by CBU/CVU and CUIT) to transfer. */
export interface TransferLinkRequest {
  cbu: string;
  cuit: string;
  amount: string;
  concept: string;
  description: string;
}

export interface TransferLink {
  paymentLink: string;
}

/** Where one part of each payment of a link goes. */
export interface PaymentLinkDistributionPart {
  cbu: string;
  amount: string;
}

/** A payment link, single or multiple use. */
export interface PaymentLinkRequest {
  amount: string;
  concept: string;
  /** A Date or an ISO-8601 date-time. */
  expiresAt: Date | string;
  multipleUse: boolean;
  /** Split of each payment; the parts must add up to `amount`. */
  distribution?: PaymentLinkDistributionPart[];
}

export interface PaymentLink {
  url: string;
  id: string;
}

/** A QR order at one of the provider's sale points. */
export interface SalePointQrOrderRequest {
  salePointId: string;
  amount: string;
  concept: string;
  description: string;
}

export interface QrOrder {
  qrOrderId: string;
}

/** A new checkout payment; where the provider notifies its changes is the adapter's business. */
export interface NewPayment {
  amount: string;
  currency: 'ARS';
  /** The merchant's own reference (no idempotency key). */
  externalId: string;
  /** Where the payer is sent after paying. */
  redirectUrl: string;
  motive?: string;
  /** What is being bought. */
  items?: PaymentItem[];
  /** ISO-8601 date-time. */
  expiresAt?: string;
}

/** Both ends inclusive, at second precision. */
export interface DateRange {
  from: Date;
  to: Date;
}

/** Ranges of a deposit search, read in order, and how many pages of them all may be read. */
export interface DepositRangeSearch {
  ranges: readonly DateRange[];
  maxPages: number;
}
/** A search guided by id order among every deposit made at or before `notAfter`. */
export interface DepositSeekSearch {
  notAfter: Date;
  maxPages: number;
}
export type DepositSearch = DepositRangeSearch | DepositSeekSearch;

/**
 * Calendar days, both inclusive, `YYYY-MM-DD`, as the caller means them: days of the merchant's time zone
 * at the provider (the adapter's `utcOffset`). Validated before any adapter sees it.
 */
export interface DayRange {
  from: string;
  to: string;
}

/** A provider-neutral transaction filter; every field optional, combined with AND. */
export interface TransactionQuery {
  /** The provider's operation id (see `transactionOperations`). */
  operation?: string;
  direction?: TransactionDirection;
  statuses?: readonly string[];
  kinds?: readonly TransactionKind[];
  /** The customer's document (DNI, CUIT…). */
  customerDocument?: string;
}
export type TransactionQueryField = keyof TransactionQuery;

/** Instants in milliseconds, both ends inclusive: the read API's days in the caller's time zone. */
export interface InstantRange {
  from: number;
  to: number;
}

/**
 * Where a newest-first walk of a source stands: small, JSON, opaque to modules (it travels inside the
 * activity cursor). Each source reads only the positions it wrote.
 */
export type WalkPosition = { readonly [key: string]: string | number | WalkPosition };

export interface WalkOptions {
  /**
   * Provider pages one step may read at once (default 1: the fewest calls, for a page of the feed). A
   * reader of everything (the CSV export) asks for more, fetched concurrently, to spend less time waiting.
   */
  pages?: number;
}

/** One step of a newest-first walk. */
export interface WalkStep {
  /**
   * Rows of this step, in any order; the gateway keeps those of the range. A row may be older than the
   * range (a provider day reaches past it), never newer than a row of an earlier step.
   */
  transactions: Transaction[];
  /** Every row not yet returned was created at or before this instant (ms); -Infinity when `next` is undefined. */
  notAfter: number;
  /** The next step's position; undefined when the walk is over. */
  next?: WalkPosition;
}

export interface BalanceSource {
  readonly provider: ProviderId;
  /** The account's primary balance is the one in this currency. */
  readonly homeCurrency: Currency;
  /** Every balance the provider reports, one per currency. */
  balances(call: CallContext): Promise<Balance[]>;
}

export interface TransactionSource {
  readonly provider: ProviderId;
  /**
   * The filter fields the provider applies itself. The gateway filters every field again, so this only
   * says which fields narrow the upstream call (and which make a first-page shortcut impossible).
   */
  readonly upstreamFilters: readonly TransactionQueryField[];
  /** Every transaction of the range that the upstream filters let through, in any order. */
  transactions(range: DayRange, query: TransactionQuery, call: CallContext): Promise<Transaction[]>;
  /**
   * Optional shortcut for a first page: the newest `count` transactions and the total matching, asking
   * only the provider pages needed. Used when the query sets no field outside `upstreamFilters`.
   */
  newestTransactions?(range: DayRange, query: TransactionQuery, count: number, call: CallContext): Promise<{ transactions: Transaction[]; total: number }>;
  /**
   * The IANA zone of the days `transactions` reads (the merchant's zone at the provider). The read API
   * reads the caller's days in the caller's zone: it asks for the provider days covering them and keeps
   * the rows of its instants. A source without one is asked for two more days on each side.
   */
  readonly timeZone?: string;
  /**
   * Optional incremental reading for the merged activity feed: the range's transactions newest first,
   * one provider step (a page, a window) per call, from `position` (undefined: the newest end). Steps
   * are as small as the provider allows, so a page of the feed asks only for what it shows.
   */
  walk?(range: InstantRange, query: TransactionQuery, position: WalkPosition | undefined, call: CallContext, options?: WalkOptions): Promise<WalkStep>;
  /**
   * The provider calls a walk of `range` is priced at before anything is read (the read API refuses an
   * operation priced over its budget, src/graphql/limits.ts): to find the newest `rows` rows, or to read
   * the whole range (`all`: what a filter the provider cannot apply itself may take, matching nothing).
   * What the range's length and the provider's paging tell; the data can make a walk longer, and the
   * operation's call ceiling (src/domain/call-allowance.ts) stops it there.
   */
  walkPrice?(range: InstantRange, query: TransactionQuery, rows: number | 'all'): number;
  /**
   * Refuses (InvalidPositionError) a walk position this source could not have written for `range`: every
   * position of a cursor is checked before any call is made.
   */
  checkPosition?(range: InstantRange, position: WalkPosition): void;
}

export interface BalanceReportSource {
  readonly provider: ProviderId;
  /** The end-of-day balances of the asked days (and of no other day), in any order. */
  balanceReport(range: DayRange, call: CallContext): Promise<BalanceReportEntry[]>;
}

/** Sale points: a transaction's `salePointName` names one of them. */
export interface SalePointSource {
  readonly provider: ProviderId;
  salePoints(call: CallContext): Promise<SalePoint[]>;
}

/** Managing the sale points it lists and charging at them (one provider offers it). */
export interface SalePointSink extends SalePointSource {
  /** Whether `id` has the shape of this provider's sale point ids (any other names no sale point: nothing is sent). */
  isId(id: string): boolean;
  createSalePoint(name: string, call: CallContext): Promise<{ id: string }>;
  deleteSalePoint(id: string, call: CallContext): Promise<void>;
  /** A sale point's static QR (an image), open or closed amount. */
  staticQr(salePointId: string, amountType: QrAmountType, call: CallContext): Promise<string>;
  createQrOrder(input: SalePointQrOrderRequest, call: CallContext): Promise<QrOrder>;
}

/** Cash-outs by the provider's id: the voucher proves one exists. */
export interface CashoutSource {
  readonly provider: ProviderId;
  /** Whether `id` has the shape of this provider's cash-out ids (any other names no cash-out: nothing is sent). */
  isId(id: string): boolean;
  /** The transfer receipt (base64 PDF); a NOT_FOUND provider error when the id names no cash-out. */
  voucher(id: string, call: CallContext): Promise<string>;
}

/** What a search of the account's listing found for a transfer whose answer was lost. */
export type SentCashoutSearch =
  /** Exactly one row matches: the transfer was made (the listing carries no cash-out id). */
  | { found: 'one'; transaction: Transaction }
  /** No row matches (yet: a transfer may take a moment to be listed). */
  | { found: 'none' }
  /** Several rows match: which one is ours cannot be told. */
  | { found: 'several'; count: number };

/** Sending money out (a bank transfer). */
export interface CashoutSink {
  readonly provider: ProviderId;
  createCashout(input: CashoutRequest, call: CallContext): Promise<Cashout>;
  /**
   * Whether the provider documents that sending the same data and reference again returns the first
   * transfer's result and moves no money (then a retry after a lost answer re-sends the reference).
   */
  readonly replaysByReference: boolean;
  /**
   * Optional: looks in the account's documented reads for a transfer of `input` made at or after
   * `sinceMs` (epoch ms: the first attempt whose answer was lost), for a gateway that lost its answer.
   */
  findSent?(input: CashoutRequest, sinceMs: number, call: CallContext): Promise<SentCashoutSearch>;
}

/** Cash-ins (credited transfers, QR payments) by the provider's id. */
export interface CashinSource {
  readonly provider: ProviderId;
  /** Whether `id` has the shape of this provider's cash-in ids (any other names no cash-in: nothing is sent). */
  isId(id: string): boolean;
  cashin(id: string, call: CallContext): Promise<Cashin>;
}

/** Asking to be paid: a QR charge, a transfer link, a payment link. */
export interface CashinSink {
  readonly provider: ProviderId;
  createQrCharge(input: QrChargeRequest, call: CallContext): Promise<QrCharge>;
  createTransferLink(input: TransferLinkRequest, call: CallContext): Promise<TransferLink>;
  createPaymentLink(input: PaymentLinkRequest, call: CallContext): Promise<PaymentLink>;
}

/** Checkout payments by the provider's id. */
export interface PaymentSource {
  readonly provider: ProviderId;
  payment(id: string, call: CallContext): Promise<Payment>;
}

/** Creating checkout payments. */
export interface PaymentSink {
  readonly provider: ProviderId;
  /** `publicUrl` is the gateway's public base URL: the adapter makes the payment notify the gateway there. */
  createPayment(input: NewPayment, publicUrl: string, call: CallContext): Promise<Payment>;
}

/**
 * Finding a notified deposit in the provider's listing, for a provider whose notifications name a
 * deposit it offers no read by id for: searched in `searches`, in order, until found.
 */
export interface DepositFinder {
  readonly provider: ProviderId;
  /**
   * `complete` is false when a search ran out of pages before its ranges (or, for a seek by id order,
   * before its answer) did: the deposit may be there, unread.
   */
  findDeposit(ids: readonly string[], searches: readonly DepositSearch[], call: CallContext): Promise<{ deposit?: Transaction; complete: boolean }>;
}

/** Reference data: payment concepts, operation types, monthly statistics. */
export interface ReferenceSource {
  readonly provider: ProviderId;
  concepts(call: CallContext): Promise<PaymentConcept[]>;
  operations(call: CallContext): Promise<TransactionOperation[]>;
  statistics(period: string, call: CallContext): Promise<Statistics>;
}

/** Every capability, by the name the registry is asked with. */
export interface Capabilities {
  balances: BalanceSource;
  transactions: TransactionSource;
  balanceReport: BalanceReportSource;
  salePoints: SalePointSource;
  salePointSink: SalePointSink;
  cashouts: CashoutSource;
  cashoutSink: CashoutSink;
  cashins: CashinSource;
  cashinSink: CashinSink;
  payments: PaymentSource;
  paymentSink: PaymentSink;
  reference: ReferenceSource;
  depositFinder: DepositFinder;
}
export type CapabilityName = keyof Capabilities;

/** One provider as the gateway holds it: the capabilities it has, its breaker, and how to let it go. */
export interface ProviderAdapter extends Partial<Capabilities> {
  readonly id: ProviderId;
  readonly breakerState: BreakerState;
  close(): Promise<void>;
}
