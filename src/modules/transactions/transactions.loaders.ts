/**
 * An account's transactions over a range, as the read API needs them: every kind the provider has,
 * merged, newest first; fetched once per request for the same range and server-side filters.
 */
import { callContext, perKey, type GatewayContext } from '../../context.js';
import type { Transaction, TransactionKind } from '../../domain/models.js';
import { toGlobalId } from '../../graphql/relay/global-id.js';
import type { BalanceProvider } from '../accounts/accounts.loaders.js';
import { tupayRange } from './date-range.js';
import type { TransactionValue } from './transaction.type.js';

/** What the provider filters for us (the rest is filtered here). */
export interface UpstreamQuery {
  from: string;
  to: string;
  /** TelePagos operation id. */
  operation?: string;
  /** Tupay: which listings to ask for (both when absent). */
  kinds?: TransactionKind[];
  /** Tupay: the customer's document. */
  customerDocument?: string;
}

export function transactionValue(transaction: Transaction): TransactionValue {
  return {
    ...transaction,
    __typename: 'Transaction',
    id: toGlobalId('Transaction', transaction.provider, transaction.id),
    localId: transaction.id,
  };
}

/** Milliseconds since the epoch of a transaction: the sort key (ISO strings with offsets do not sort). */
export function timeOf(transaction: { createdAt: string }): number {
  return Date.parse(transaction.createdAt);
}

/** Newest first; ties keep the provider's order (Array.prototype.sort is stable). */
export function newestFirst<T extends { createdAt: string }>(list: T[]): T[] {
  return list.sort((a, b) => timeOf(b) - timeOf(a));
}

async function fetchTransactions(ctx: GatewayContext, provider: BalanceProvider, query: UpstreamQuery): Promise<Transaction[]> {
  const call = callContext(ctx);
  if (provider === 'TELEPAGOS') {
    return ctx.providers.telepagos.transactions({ from: query.from, to: query.to, operation: query.operation }, call);
  }
  const range = tupayRange(query.from, query.to);
  const wants = (kind: TransactionKind) => !query.kinds || query.kinds.includes(kind);
  const clientDocument = query.customerDocument;
  const [deposits, cashouts] = await Promise.all([
    wants('DEPOSIT') ? ctx.providers.tupay.deposits(range, { clientDocument }, call) : [],
    wants('CASHOUT') ? ctx.providers.tupay.cashouts(range, { clientDocument }, call) : [],
  ]);
  return [...deposits, ...cashouts];
}

/**
 * The newest `count` TelePagos transactions of a range (with its server-side filter) and the total:
 * only the provider pages needed. For a first page with no filter the gateway applies itself.
 */
export function newestTelepagosTransactions(ctx: GatewayContext, query: UpstreamQuery, count: number): Promise<{ items: TransactionValue[]; total: number }> {
  return perKey(ctx, 'transactions.newest', async (key) => {
    const { count: n, ...q } = JSON.parse(key) as UpstreamQuery & { count: number };
    const { transactions, total } = await ctx.providers.telepagos.newestTransactions({ from: q.from, to: q.to, operation: q.operation }, n, callContext(ctx));
    return { items: newestFirst(transactions.map(transactionValue)), total };
  }).load(JSON.stringify({ ...query, count }));
}

export function accountTransactions(ctx: GatewayContext, provider: BalanceProvider, query: UpstreamQuery): Promise<TransactionValue[]> {
  return perKey(ctx, 'transactions', async (key) => {
    const { provider: p, ...q } = JSON.parse(key) as UpstreamQuery & { provider: BalanceProvider };
    return newestFirst((await fetchTransactions(ctx, p, q)).map(transactionValue));
  }).load(JSON.stringify({ provider, ...query }));
}
