/**
 * An account's transactions over a range, as the read API needs them: every kind the provider has,
 * merged, newest first; fetched once per request for the same range and server-side filters.
 */
import { callContext, perKey, type GatewayContext } from '../../context.js';
import type { Transaction } from '../../domain/models.js';
import { toGlobalId } from '../../graphql/relay/global-id.js';
import type { DayRange, TransactionQuery, TransactionSource } from '../../providers/capabilities.js';
import type { ProviderId } from '../../providers/provider.js';
import { sharedValues } from './shared-pages.js';
import type { TransactionValue } from './transaction.type.js';

/** A loader key: the provider, the range and the filter fields the provider applies itself. */
type Key = DayRange & TransactionQuery & { provider: ProviderId };

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

/** The provider's transaction source (loader keys name only providers that have one). */
function sourceOf(ctx: GatewayContext, provider: ProviderId): TransactionSource {
  const source = ctx.providers.capable(provider, 'transactions');
  if (!source) throw new Error(`${provider} lists no transactions`);
  return source;
}

/**
 * The newest `count` transactions of a range (with the provider's own filters) and the total: only the
 * provider pages needed. For sources with the shortcut, and a query with no filter the gateway applies itself.
 */
export function newestTransactions(
  ctx: GatewayContext,
  source: TransactionSource,
  range: DayRange,
  query: TransactionQuery,
  count: number,
): Promise<{ items: TransactionValue[]; total: number }> {
  return perKey(ctx, 'transactions.newest', async (key) => {
    // The parsed key is both the range and the query (sources read only their fields): nothing more to allocate.
    const parsed = JSON.parse(key) as Key & { count: number };
    const { transactions, total } = await sourceOf(ctx, parsed.provider).newestTransactions!(parsed, parsed, parsed.count, callContext(ctx));
    // The same list for every request that shared the provider's answers: its values are made once.
    return { items: sharedValues(transactions, (list) => newestFirst(list.map(transactionValue))), total };
  }).load(JSON.stringify({ provider: source.provider, ...range, ...query, count }));
}

/** Every transaction of a range the provider lets through its own filters, newest first. */
export function accountTransactions(ctx: GatewayContext, source: TransactionSource, range: DayRange, query: TransactionQuery): Promise<TransactionValue[]> {
  return perKey(ctx, 'transactions', async (key) => {
    const parsed = JSON.parse(key) as Key;
    return newestFirst((await sourceOf(ctx, parsed.provider).transactions(parsed, parsed, callContext(ctx))).map(transactionValue));
  }).load(JSON.stringify({ provider: source.provider, ...range, ...query }));
}
