import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, FieldResolver, Info, Int, Resolver, Root } from 'type-graphql';
import type { GatewayContext } from '../../context.js';
import { checkFirst, connectionOf, decodeCursor, type Connection } from '../../graphql/relay/connection.js';
import { LocalDateScalar } from '../../graphql/scalars/index.js';
import { Account, type AccountValue } from '../accounts/account.type.js';
import type { TransactionQuery, TransactionQueryField, TransactionSource } from '../../providers/capabilities.js';
import { SalePoint, type SalePointValue } from '../sale-points/sale-point.type.js';
import { salePoints, salePointsArrived } from '../sale-points/sale-points.loaders.js';
import { checkRange } from './date-range.js';
import { Transaction, TransactionConnection, TransactionFilter, type TransactionValue } from './transaction.type.js';
import { preloadSalePoints } from './sale-point-join.js';
import { sharedFirstPage } from './shared-pages.js';
import { accountTransactions, newestTransactions, timeOf } from './transactions.loaders.js';

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

/** The filter in provider-neutral terms, unset and empty fields left out. */
function neutralQuery(filter: TransactionFilter): TransactionQuery {
  const query: TransactionQuery = {};
  if (filter.operation) query.operation = filter.operation;
  if (filter.direction) query.direction = filter.direction;
  if (filter.statuses?.length) query.statuses = filter.statuses;
  if (filter.kinds?.length) query.kinds = filter.kinds;
  const document = filter.customerDocument?.trim();
  if (document) query.customerDocument = document;
  return query;
}

interface Split {
  /** What the provider applies itself. */
  upstream: TransactionQuery;
  /** Whether the gateway must filter more (then every row of the range is needed). */
  rest: boolean;
}
/** No filter: shared, so the common case allocates nothing. */
const UNFILTERED: Split = Object.freeze({ upstream: Object.freeze({}), rest: false });

/** The filter split between the provider and the gateway. */
function split(source: TransactionSource, filter: TransactionFilter | undefined): Split {
  if (!filter) return UNFILTERED;
  const query = neutralQuery(filter);
  const upstream: Record<string, unknown> = {};
  let rest = false;
  for (const field of Object.keys(query) as TransactionQueryField[]) {
    if (source.upstreamFilters.includes(field)) upstream[field] = query[field];
    else rest = true;
  }
  return { upstream, rest };
}

const keyOf = (t: TransactionValue) => ({ sortKey: String(timeOf(t)), id: t.localId });
// Newest first: an item comes after the cursor when it is older.
const olderAfter = (item: string, cursor: string) => Number(cursor) - Number(item);

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
    @Info() info: GraphQLResolveInfo,
  ): Promise<Connection<TransactionValue>> {
    // Every argument is checked before anything is asked upstream.
    checkRange(from, to);
    checkFirst(first);
    if (after) decodeCursor(after);
    const source = ctx.providers.capable(account.provider, 'transactions');
    if (!source) return connectionOf([], keyOf, { first, after }, olderAfter);
    const range = { from, to };
    const { upstream, rest } = split(source, filter);
    if (source.newestTransactions && !after && !rest) {
      // A first page: only the provider pages it sits on; the provider's count is the total.
      const { items, total } = await newestTransactions(ctx, source, range, upstream, first);
      await preloadSalePoints(ctx, info, items);
      return sharedFirstPage(items, first, total, () => {
        const page = connectionOf(items, keyOf, { first }, olderAfter);
        return { ...page, totalCount: total, pageInfo: { ...page.pageInfo, hasNextPage: total > items.length } };
      });
    }
    const all = await accountTransactions(ctx, source, range, upstream);
    const page = connectionOf(all.filter(matches(filter)), keyOf, { first, after }, olderAfter);
    await preloadSalePoints(ctx, info, page.nodes);
    return page;
  }
}

@Resolver(() => Transaction)
export class TransactionResolver {
  @FieldResolver(() => SalePoint, { nullable: true, description: 'The sale point the transaction came through, when there is one.' })
  salePoint(@Root() transaction: TransactionValue, @Ctx() ctx: GatewayContext): SalePointValue | null | Promise<SalePointValue | null> {
    const name = transaction.salePointName;
    if (!name || !ctx.providers.capable(transaction.provider, 'salePoints')) return null;
    // Synchronous when the transactions field has already waited for the list (sale-point-join.ts).
    const arrived = salePointsArrived(ctx);
    if (arrived) return arrived.byName.get(name) ?? null;
    return salePoints(ctx).then((index) => index.byName.get(name) ?? null);
  }
}
