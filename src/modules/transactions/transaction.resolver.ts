import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { GatewayContext } from '../../context.js';
import { checkFirst, connectionOf, decodeCursor, type Connection } from '../../graphql/relay/connection.js';
import { LocalDateScalar } from '../../graphql/scalars/index.js';
import { Account, type AccountValue } from '../accounts/account.type.js';
import type { BalanceProvider } from '../accounts/accounts.loaders.js';
import { SalePoint, type SalePointValue } from '../sale-points/sale-point.type.js';
import { salePoints } from '../sale-points/sale-points.loaders.js';
import { checkRange } from './date-range.js';
import { Transaction, TransactionConnection, TransactionFilter, type TransactionValue } from './transaction.type.js';
import { accountTransactions, newestTelepagosTransactions, timeOf, type UpstreamQuery } from './transactions.loaders.js';

/** Filters the providers do not apply themselves. */
function matches(filter: TransactionFilter | undefined): (t: TransactionValue) => boolean {
  if (!filter) return () => true;
  const statuses = filter.statuses?.length ? new Set<string>(filter.statuses) : undefined;
  const kinds = filter.kinds?.length ? new Set<string>(filter.kinds) : undefined;
  const document = filter.customerDocument?.trim();
  return (t) =>
    (!filter.direction || t.direction === filter.direction) &&
    (!statuses || statuses.has(t.status)) &&
    (!kinds || kinds.has(t.kind)) &&
    (!filter.operation || t.operation === filter.operation) &&
    (!document || t.counterparty?.document === document || t.counterparty?.cuit === document);
}

/** Whether the gateway itself must filter (then every row of the range is needed). */
function filtersHere(filter: TransactionFilter | undefined): boolean {
  return Boolean(filter && (filter.direction || filter.statuses?.length || filter.kinds?.length || filter.customerDocument?.trim()));
}

const keyOf = (t: TransactionValue) => ({ sortKey: String(timeOf(t)), id: t.localId });
// Newest first: an item comes after the cursor when it is older.
const olderAfter = (item: string, cursor: string) => Number(cursor) - Number(item);

function upstreamQuery(provider: BalanceProvider, from: string, to: string, filter?: TransactionFilter): UpstreamQuery {
  if (provider === 'TELEPAGOS') return { from, to, operation: filter?.operation || undefined };
  return { from, to, kinds: filter?.kinds?.length ? filter.kinds : undefined, customerDocument: filter?.customerDocument?.trim() || undefined };
}

@Resolver(() => Account)
export class AccountTransactionsResolver {
  @FieldResolver(() => TransactionConnection, {
    description:
      'Transactions created between from and to (inclusive), newest first. Ranges longer than a provider allows are split into allowed windows; provider pages are followed transparently.',
  })
  async transactions(
    @Root() account: AccountValue,
    @Arg('from', () => LocalDateScalar) from: string,
    @Arg('to', () => LocalDateScalar) to: string,
    @Arg('filter', () => TransactionFilter, { nullable: true }) filter: TransactionFilter | undefined,
    @Arg('first', () => Int, { nullable: true, defaultValue: 50 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | undefined,
    @Ctx() ctx: GatewayContext,
  ): Promise<Connection<TransactionValue>> {
    // Every argument is checked before anything is asked upstream.
    checkRange(from, to);
    checkFirst(first);
    if (after) decodeCursor(after);
    const provider = account.provider as BalanceProvider;
    const query = upstreamQuery(provider, from, to, filter);
    if (provider === 'TELEPAGOS' && !after && !filtersHere(filter)) {
      // A first page: only the provider pages it sits on; the provider's count is the total.
      const { items, total } = await newestTelepagosTransactions(ctx, query, first);
      const page = connectionOf(items, keyOf, { first }, olderAfter);
      return { ...page, totalCount: total, pageInfo: { ...page.pageInfo, hasNextPage: total > items.length } };
    }
    const all = await accountTransactions(ctx, provider, query);
    return connectionOf(all.filter(matches(filter)), keyOf, { first, after }, olderAfter);
  }
}

@Resolver(() => Transaction)
export class TransactionResolver {
  @FieldResolver(() => SalePoint, { nullable: true, description: 'The sale point the transaction came through, when there is one.' })
  async salePoint(@Root() transaction: TransactionValue, @Ctx() ctx: GatewayContext): Promise<SalePointValue | null> {
    if (transaction.provider !== 'TELEPAGOS' || !transaction.salePointName) return null;
    return (await salePoints(ctx)).byName.get(transaction.salePointName) ?? null;
  }
}
