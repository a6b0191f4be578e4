/** TelePagos as the gateway's capabilities see it: balance, transactions (with a first-page shortcut), sale points. */
import type { ProvidersConfig } from '../../config.js';
import type { CallContext } from '../../domain/models.js';
import type { SharedClientOptions } from '../adapter.js';
import type { BalanceSource, DayRange, ProviderAdapter, SalePointSource, TransactionQuery, TransactionSource } from '../capabilities.js';
import { TelepagosClient } from './client.js';

/** TelePagos filters by operation itself; its dates are Argentina days (ARGENTINA_UTC_OFFSET), as the caller's are. */
const UPSTREAM_FILTERS = ['operation'] as const;

export class TelepagosAdapter implements ProviderAdapter {
  readonly id = 'TELEPAGOS' as const;
  readonly balances: BalanceSource;
  readonly transactions: TransactionSource;
  readonly salePoints: SalePointSource;

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
