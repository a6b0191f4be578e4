/**
 * What a provider can do, one interface per capability. Each provider folder exports one adapter that
 * carries the capabilities it has; modules ask the registry for "every configured provider that can X"
 * (ProviderRegistry.all) or "this provider, if it can X" (ProviderRegistry.capable) and never branch on
 * a provider's name.
 */
import type { Balance, BalanceReportEntry, CallContext, SalePoint, Transaction, TransactionDirection, TransactionKind } from '../domain/models.js';
import type { Currency } from '../domain/money.js';
import type { BreakerState } from './http.js';
import type { ProviderId } from './provider.js';

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

/** Every capability, by the name the registry is asked with. */
export interface Capabilities {
  balances: BalanceSource;
  transactions: TransactionSource;
  balanceReport: BalanceReportSource;
  salePoints: SalePointSource;
}
export type CapabilityName = keyof Capabilities;

/** One provider as the gateway holds it: the capabilities it has, its breaker, and how to let it go. */
export interface ProviderAdapter extends Partial<Capabilities> {
  readonly id: ProviderId;
  readonly breakerState: BreakerState;
  close(): Promise<void>;
}
