/** Tupay as the gateway's capabilities see it: balances in several currencies, deposits and cash-outs, a daily balance report. */
import type { ProvidersConfig } from '../../config.js';
import type { CallContext, TransactionKind } from '../../domain/models.js';
import type { SharedClientOptions } from '../adapter.js';
import type { BalanceReportSource, BalanceSource, DayRange, DepositFinder, ProviderAdapter, TransactionQuery, TransactionSource } from '../capabilities.js';
import { dayRangeInstants, isoOffset } from '../day-range.js';
import { TUPAY_LOCAL_CURRENCY, TUPAY_UTC_OFFSET_MINUTES } from './assumptions.js';
import { TupayClient } from './client.js';

/** Tupay works in instants; a calendar day is a day in Lima, where the merchant is. */
export const TUPAY_UTC_OFFSET = isoOffset(TUPAY_UTC_OFFSET_MINUTES);

/** Tupay filters by listing (deposits, cash-outs) and by the customer's document itself. */
const UPSTREAM_FILTERS = ['kinds', 'customerDocument'] as const;

export class TupayAdapter implements ProviderAdapter {
  readonly id = 'TUPAY' as const;
  readonly balances: BalanceSource;
  readonly transactions: TransactionSource;
  readonly balanceReport: BalanceReportSource;
  readonly depositFinder: DepositFinder;

  constructor(readonly client: TupayClient) {
    const provider = this.id;
    this.balances = { provider, homeCurrency: TUPAY_LOCAL_CURRENCY, balances: (call: CallContext) => client.balances(call) };
    this.transactions = { provider, upstreamFilters: UPSTREAM_FILTERS, transactions: (range, query, call) => this.listings(range, query, call) };
    this.balanceReport = { provider, balanceReport: (range, call) => this.report(range, call) };
    this.depositFinder = { provider, findDeposit: (ids, searches, call) => client.findDeposit(ids, searches, call) };
  }

  private async listings(range: DayRange, query: TransactionQuery, call: CallContext) {
    const instants = dayRangeInstants(range, TUPAY_UTC_OFFSET);
    const wants = (kind: TransactionKind) => !query.kinds?.length || query.kinds.includes(kind);
    const filter = { clientDocument: query.customerDocument };
    const [deposits, cashouts] = await Promise.all([
      wants('DEPOSIT') ? this.client.deposits(instants, filter, call) : [],
      wants('CASHOUT') ? this.client.cashouts(instants, filter, call) : [],
    ]);
    return [...deposits, ...cashouts];
  }

  private async report(range: DayRange, call: CallContext) {
    const entries = await this.client.balanceReport(dayRangeInstants(range, TUPAY_UTC_OFFSET), call);
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
  const reportRangeFormat = config.wire?.tupayReportRangeFormat;
  return new TupayAdapter(new TupayClient({ ...shared, baseUrl: url, accessKey, secretKey, reportRangeFormat }));
}
