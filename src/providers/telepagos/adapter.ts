/**
 * TelePagos as the gateway's capabilities see it: balance, transactions (with a first-page shortcut), sale
 * points (listed and managed), cash-outs, cash-ins and reference data.
 */
import type { ProvidersConfig } from '../../config.js';
import type { CallContext } from '../../domain/models.js';
import type { SharedClientOptions } from '../adapter.js';
import type {
  BalanceSource,
  CashinSink,
  CashinSource,
  CashoutSink,
  CashoutSource,
  DayRange,
  ProviderAdapter,
  ReferenceSource,
  SalePointSink,
  SalePointSource,
  TransactionQuery,
  TransactionSource,
} from '../capabilities.js';
import { isTelepagosId } from './assumptions.js';
import { TelepagosClient } from './client.js';

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
      newestTransactions: (range, q, count, call) => client.newestTransactions(query(range, q), count, call),
    };
    this.salePoints = { provider, salePoints: (call: CallContext) => client.salePoints(call) };
    this.salePointSink = {
      ...this.salePoints,
      isId: isTelepagosId,
      createSalePoint: (name, call) => client.createSalePoint(name, call),
      deleteSalePoint: (id, call) => client.deleteSalePoint(id, call),
      staticQr: (id, amountType, call) => client.staticQr(id, amountType, call),
      createQrOrder: (input, call) => client.createSalePointQrOrder(input, call),
    };
    this.cashouts = { provider, isId: isTelepagosId, voucher: (id, call) => client.cashoutVoucher(id, call) };
    this.cashoutSink = { provider, createCashout: (input, call) => client.createCashout(input, call) };
    this.cashins = { provider, isId: isTelepagosId, cashin: (id, call) => client.cashin(id, call) };
    this.cashinSink = {
      provider,
      createQrCharge: (input, call) => client.createQrCharge(input, call),
      createTransferLink: (input, call) => client.createTransferLink(input, call),
      createPaymentLink: (input, call) => client.createPaymentLink(input, call),
    };
    this.reference = {
      provider,
      concepts: (call) => client.concepts(call),
      operations: (call) => client.operations(call),
      statistics: (period, call) => client.statistics(period, call),
    };
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
  const amountFormat = config.wire?.telepagosAmountFormat;
  return new TelepagosAdapter(new TelepagosClient({ ...shared, baseUrl: url, username, password, amountFormat }));
}
