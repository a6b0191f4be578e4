/** The wire settings' type (src/config.ts reads them; each provider's config block tells its sandbox to play them). */
import type { AmountWireFormat, BalanceUnit, TransactionsOrder } from './telepagos/assumptions.js';
import type { TupayRangeEnd, TupayRangeUnit, TupayReportRangeFormat } from './tupay/assumptions.js';

/**
 * How Pasarela writes what a provider's documents leave open: one switch per guess (each named in the
 * provider's assumptions.ts), so a wrong guess is a configuration change. They hold for the embedded
 * sandboxes too.
 */
export interface ProviderWireChoices {
  /** TELEPAGOS_AMOUNT_FORMAT=number|string, default number: request amounts as exact JSON numbers or as strings. */
  telepagosAmountFormat: AmountWireFormat;
  /** TUPAY_REPORT_RANGE_FORMAT=unix-seconds|date, default unix-seconds: the balance report's `from`/`to`. */
  tupayReportRangeFormat: TupayReportRangeFormat;
  /** TELEPAGOS_TRANSACTIONS_ORDER=newest-first|oldest-first, default newest-first: the order TelePagos lists transactions in. */
  telepagosTransactionsOrder: TransactionsOrder;
  /** TELEPAGOS_BALANCE_UNIT=pesos|cents, default pesos: the unit of the balance's integer `amount`. */
  telepagosBalanceUnit: BalanceUnit;
  /** TUPAY_RANGE_UNIT=seconds|milliseconds, default seconds: the Unix time unit of the listings' `from`/`to`. */
  tupayRangeUnit: TupayRangeUnit;
  /** TUPAY_RANGE_END=inclusive|exclusive, default inclusive: whether a record created at `to` is listed. */
  tupayRangeEnd: TupayRangeEnd;
}
