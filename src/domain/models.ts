/**
 * Domain objects: what provider mappers produce and GraphQL resolvers consume. Provider field names
 * never appear here, and GraphQL names never appear below it (see docs/contributing.md, "Architecture").
 */
import type { Context as TraceContext } from '@opentelemetry/api';
import type { CancelSignal } from '../cancellation.js';
import type { ProviderId } from '../providers/provider.js';
import type { CallAllowance } from './call-allowance.js';
import type { Currency, Money } from './money.js';

export type TransactionStatus = 'PENDING' | 'IN_PROGRESS' | 'COMPLETED' | 'REJECTED' | 'CANCELLED' | 'UNKNOWN';
export type TransactionKind = 'DEPOSIT' | 'CASHOUT' | 'TRANSFER';
export type TransactionDirection = 'IN' | 'OUT';

/** ISO-8601 date-time with the provider's offset, e.g. "2026-01-10T13:41:57-03:00". */
export type IsoDateTime = string;
/** Calendar date, "2026-01-10". */
export type LocalDate = string;

export interface Counterparty {
  name?: string;
  cuit?: string;
  cbu?: string;
  document?: string;
}

export interface Transaction {
  provider: ProviderId;
  /**
   * Stable within the provider: its own id where it has one (Tupay), otherwise a digest of the
   * record's content (TelePagos transactions carry no id).
   */
  id: string;
  kind: TransactionKind;
  direction: TransactionDirection;
  amount: Money;
  createdAt: IsoDateTime;
  /** The provider's operation code (TelePagos `operation`, Tupay payment method). */
  operation?: string;
  status: TransactionStatus;
  /** The provider's own status word. */
  providerStatus: string;
  counterparty?: Counterparty;
  /** TelePagos: the sale point's name, resolved to a SalePoint by the read API. */
  salePointName?: string;
  /** The merchant's own id for it, where the provider keeps one (Tupay `externalId`). */
  externalId?: string;
  /** When the provider last changed it, where it says (Tupay `lastChangeDate`). */
  updatedAt?: IsoDateTime;
}

export interface Balance {
  total: Money;
  available?: Money;
  pending?: Money;
  /** The account's primary balance (Tupay: type PRIMARY; TelePagos: its only one). */
  primary: boolean;
}

export interface BalanceReportEntry {
  date: LocalDate;
  currency: Currency;
  /** Balance at the end of the day. */
  balance?: Money;
  depositTotal?: Money;
  cashoutTotal?: Money;
  feeTotal?: Money;
  netAmount?: Money;
}

export interface PaymentConcept {
  id: string;
  description: string;
}

export interface TransactionOperation {
  id: string;
  name: string;
  type: string;
}

export interface SalePoint {
  id: string;
  name: string;
  status: string;
}

export type QrAmountType = 'CLOSED' | 'OPEN';

export interface Cashin {
  provider: ProviderId;
  id: string;
  amount: Money;
  concept?: string;
  description?: string;
  buyer?: Counterparty;
  transactionId?: string;
  qrOrderId?: string;
  linkId?: string;
  /** Where the provider's record has a state of its own (a Tupay deposit); a TelePagos cash-in has none. */
  status?: TransactionStatus;
  providerStatus?: string;
}

export interface Cashout {
  provider: ProviderId;
  id: string;
}

export type PaymentStatus = 'PENDING' | 'SUCCESS' | 'OVERPAID' | 'UNDERPAID' | 'EXPIRED' | 'REJECTED' | 'CANCELLED' | 'UNDER_REVIEW';

export interface TransferDestination {
  cvu?: string;
  alias?: string;
}

/** One thing a checkout payment's payer is buying. */
export interface PaymentItem {
  name: string;
  /** A positive integer. */
  quantity: number;
  /** Decimal text, at most two decimals: the price of one. */
  unitPrice?: string;
}

export interface Payment {
  provider: ProviderId;
  id: string;
  status: PaymentStatus;
  providerStatus: string;
  amount: Money;
  /** Sum of the transfers received so far. */
  amountReceived: Money;
  externalId?: string;
  paymentUrl?: string;
  transferDestinations: TransferDestination[];
  createdAt?: IsoDateTime;
  updatedAt?: IsoDateTime;
  expiresAt?: IsoDateTime;
  motive?: string;
}

export interface Statistics {
  period: string;
  openCvuCount: number;
  totalCashin?: string;
  totalCashout?: string;
  paymentServicesCount: number;
  smsSentCount: number;
}

/** Per-call context from the GraphQL request: cancellation and the request id sent upstream. */
export interface CallContext {
  signal?: CancelSignal;
  requestId?: string;
  /**
   * The trace the calls belong to (an OpenTelemetry context: the operation's span, or the client's
   * remote context when tracing is off); sent upstream as `traceparent`. See src/observability/tracing.ts.
   */
  trace?: TraceContext;
  /**
   * Told of each row a listing left out because it could not be read (a BAD_RESPONSE error naming the
   * row and field): the rest of the page is still answered, and the caller reports this next to it.
   */
  onSkippedRow?: (error: Error) => void;
  /**
   * The operation's provider-call allowance (MAX_PROVIDER_CALLS_PER_OPERATION): each call takes one, and
   * a call with none left is not sent. Absent for calls that must run to their end (detachedCallContext).
   */
  calls?: CallAllowance;
}
