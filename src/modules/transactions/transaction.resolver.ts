import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, FieldResolver, Info, Int, Resolver, Root } from 'type-graphql';
import type { GatewayContext } from '../../context.js';
import { checkFirst, connectionOf, decodeCursor, type Connection } from '../../graphql/relay/connection.js';
import { LocalDateScalar } from '../../graphql/scalars/index.js';
import { Account, type AccountValue } from '../accounts/account.type.js';
import type { InstantRange, TransactionQuery, TransactionQueryField, TransactionSource } from '../../providers/capabilities.js';
import { SalePoint, type SalePointValue } from '../sale-points/sale-point.type.js';
import { salePoints, salePointsArrived } from '../sale-points/sale-points.loaders.js';
import { checkRange, checkTimeZone, coveringDays, readDays, sameInstants } from './date-range.js';
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
      'Transactions created between from and to (inclusive), newest first. Ranges longer than a provider allows are split into allowed windows; provider pages are followed transparently. ' +
      'from and to are calendar days in timeZone (an IANA name such as America/Argentina/Buenos_Aires or America/Lima); createdAt stays an instant. ' +
      "Omitted, timeZone is the account's own zone (TelePagos: America/Argentina/Buenos_Aires, Tupay: America/Lima), which is how these days were read before the argument existed.",
  })
  async transactions(
    @Root() account: AccountValue,
    @Arg('from', () => LocalDateScalar) from: string,
    @Arg('to', () => LocalDateScalar) to: string,
    @Arg('filter', () => TransactionFilter, { nullable: true }) filter: TransactionFilter | undefined,
    @Arg('first', () => Int, { nullable: true, defaultValue: 50 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | undefined,
    @Ctx() ctx: GatewayContext,
    @Arg('timeZone', () => String, {
      nullable: true,
      description: "IANA time zone the dates are read in; default: the account's own (TelePagos Buenos Aires, Tupay Lima).",
    })
    timeZone: string | null | undefined,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Connection<TransactionValue> & { partial: boolean }> {
    // Every argument is checked before anything is asked upstream.
    checkRange(from, to);
    if (timeZone !== undefined && timeZone !== null) checkTimeZone(timeZone);
    checkFirst(first);
    if (after) decodeCursor(after);
    const source = ctx.providers.capable(account.provider, 'transactions');
    if (!source) return { ...connectionOf([], keyOf, { first, after }, olderAfter), partial: false };
    const zone = timeZone ?? source.timeZone;
    const instants = zone ? readDays(from, to, zone) : undefined;
    const days = instants ? coveringDays(instants, source, { from, to }) : { from, to };
    // Days of the provider's own zone: the provider's listing is exactly the range (its count and shortcut hold).
    const exact = !instants || sameInstants(instants, source, days);
    const { upstream, rest } = split(source, filter);
    if (source.newestTransactions && !after && !rest && exact) {
      // A first page: only the provider pages it sits on; the provider's count is the total.
      const { items, total } = await newestTransactions(ctx, source, days, upstream, first);
      await preloadSalePoints(ctx, info, items);
      const shared = sharedFirstPage(items, first, total, () => {
        const page = connectionOf(items, keyOf, { first }, olderAfter);
        return { ...page, totalCount: total, pageInfo: { ...page.pageInfo, hasNextPage: total > items.length } };
      });
      return { ...shared, partial: false };
    }
    const all = await accountTransactions(ctx, source, days, upstream);
    const inRange = exact ? matches(filter) : withinAnd(instants!, matches(filter));
    const page = connectionOf(all.filter(inRange), keyOf, { first, after }, olderAfter);
    await preloadSalePoints(ctx, info, page.nodes);
    return { ...page, partial: false };
  }
}

/** The filter, and the row's instant within the range. */
function withinAnd(range: InstantRange, match: (t: TransactionValue) => boolean): (t: TransactionValue) => boolean {
  return (t) => {
    const at = timeOf(t);
    return at >= range.from && at <= range.to && match(t);
  };
}

/**
 * `Transaction.salePoint`: the row's sale point from this request's list, synchronously once the list
 * has arrived (sale-point-join.ts). Runs once per row, so the schema installs it as the field's plain
 * resolver (schema.ts, `ROW_RESOLVERS`); the decorated method below declares the field.
 */
export function salePointOf(transaction: TransactionValue, ctx: GatewayContext): SalePointValue | null | Promise<SalePointValue | null> {
  const name = transaction.salePointName;
  if (!name || !ctx.providers.capable(transaction.provider, 'salePoints')) return null;
  const arrived = salePointsArrived(ctx);
  if (arrived) return arrived.byName.get(name) ?? null;
  return salePoints(ctx).then((index) => index.byName.get(name) ?? null);
}

@Resolver(() => Transaction)
export class TransactionResolver {
  @FieldResolver(() => SalePoint, { nullable: true, description: 'The sale point the transaction came through, when there is one.' })
  salePoint(@Root() transaction: TransactionValue, @Ctx() ctx: GatewayContext): SalePointValue | null | Promise<SalePointValue | null> {
    return salePointOf(transaction, ctx);
  }
}
