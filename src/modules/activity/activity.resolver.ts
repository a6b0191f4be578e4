import Big from 'big.js';
import { responsePathAsArray, type GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, Info, Int, Query, Resolver } from 'type-graphql';
import { callContext, type GatewayContext } from '../../context.js';
import { toDecimal, type Currency } from '../../domain/money.js';
import { DEFAULT_TIME_ZONE, isoWeekStart, localDate, monthStart } from '../../domain/time-zone.js';
import { partialProviderError } from '../../graphql/errors.js';
import type { ArgumentPricing } from '../../graphql/limits.js';
import { checkFirst, type Connection } from '../../graphql/relay/connection.js';
import type { ProviderRegistry } from '../../providers/registry.js';
import { LocalDateScalar } from '../../graphql/scalars/index.js';
import type { ProviderId } from '../../providers/provider.js';
import { readDays } from '../transactions/date-range.js';
import { TransactionConnection, type TransactionValue } from '../transactions/transaction.type.js';
import { ActivityBucket, ActivityFilter, ActivityGroupBy, ActivitySummary } from './activity.type.js';
import { ActivityFeed, activityPrice, activitySources, checkActivityFilter, type ActivityQuery } from './feed.js';

const TIME_ZONE_RULE =
  'from and to are calendar days in timeZone (an IANA name, validated; default America/Argentina/Buenos_Aires; America/Lima is another), ' +
  'for every provider alike; a day runs from its local midnight to the last millisecond before the next. createdAt stays an instant.';

const TALO_LEFT_OUT =
  'Talo is not in it: Talo has no listing endpoint, and the payments Pasarela happens to know of (those it created or was notified about) ' +
  'would make a silently incomplete list; read them with payment(id:).';

/** The checked question of an activity query, before anything is asked upstream. */
export function activityQuery(from: string, to: string, timeZone: string | null | undefined, filter: ActivityFilter | null | undefined): ActivityQuery {
  const zone = timeZone ?? DEFAULT_TIME_ZONE;
  const range = readDays(from, to, zone);
  checkActivityFilter(filter ?? undefined);
  return { from, to, timeZone: zone, range, filter: filter ?? undefined };
}

/**
 * What `activity` and `activitySummary` cost in provider calls, from their arguments (the operation's
 * budget, src/graphql/limits.ts): a page walks each provider for `first` + 1 rows (the one more answers
 * hasNextPage), a summary every provider's whole range. Undefined for arguments the field refuses itself.
 */
export function activityPricing(providers: ProviderRegistry): ArgumentPricing {
  const price = (args: Record<string, unknown>, rows: (args: Record<string, unknown>) => number | 'all'): number | undefined => {
    try {
      const query = activityQuery(args.from as string, args.to as string, args.timeZone as string, args.filter as ActivityFilter | undefined);
      return activityPrice(query, activitySources(providers.all('transactions'), query.filter), rows(args));
    } catch {
      return undefined;
    }
  };
  return {
    'Query.activity': (args) => price(args, (a) => checkFirst(a.first as number) + 1),
    'Query.activitySummary': (args) => price(args, () => 'all'),
  };
}

/** A provider's failure next to the others' rows, at the field's path, formatted like any other error. */
function sourceFailure(ctx: GatewayContext, info: GraphQLResolveInfo): (provider: ProviderId, error: unknown) => void {
  const path = responsePathAsArray(info.path);
  return (provider, error) => ctx.partialErrors.push(partialProviderError(provider, error, path));
}

function bucketStart(at: number, timeZone: string, groupBy: ActivityGroupBy): string {
  const day = localDate(at, timeZone);
  return groupBy === ActivityGroupBy.DAY ? day : groupBy === ActivityGroupBy.WEEK ? isoWeekStart(day) : monthStart(day);
}

/** Provider pages a summary step reads at once (it reads the whole range; see the CSV export). */
const SUMMARY_PAGES_PER_STEP = 4;

/** An exact sum as the API writes amounts (at least two decimals). */
const fixed = (value: Big) => toDecimal(value.toFixed());

@Resolver()
export class ActivityResolver {
  @Query(() => TransactionConnection, {
    description:
      'Every provider’s movements in one newest-first list: TelePagos transactions and Tupay deposits and cash-outs, ordered by (createdAt descending, provider, id). ' +
      `${TIME_ZONE_RULE} ${TALO_LEFT_OUT} ` +
      'A page reads only the provider pages (TelePagos) and windows (Tupay, newest first, a week then doubling up to 60 days) its rows need, every provider at once. ' +
      'The cursor is opaque and names each provider’s place: paging forward never skips or repeats a row, even when providers have rows at the same second. ' +
      'A provider that fails leaves the others’ rows, an error naming it at this field’s path, and partial: true; its rows are missing from that page (a later page asks it again from where it was). ' +
      'totalCount is null: counting would read the whole range.',
  })
  async activity(
    @Arg('from', () => LocalDateScalar) from: string,
    @Arg('to', () => LocalDateScalar) to: string,
    @Arg('timeZone', () => String, { defaultValue: DEFAULT_TIME_ZONE, description: 'IANA time zone the dates are read in.' }) timeZone: string,
    @Arg('filter', () => ActivityFilter, { nullable: true }) filter: ActivityFilter | undefined,
    @Arg('first', () => Int, { nullable: true, defaultValue: 50 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | undefined,
    @Ctx() ctx: GatewayContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Connection<TransactionValue> & { partial: boolean }> {
    // Every argument (the cursor too) is checked before anything is asked upstream.
    const query = activityQuery(from, to, timeZone, filter);
    const size = checkFirst(first);
    const feed = new ActivityFeed(
      query,
      activitySources(ctx.providers.all('transactions'), query.filter),
      callContext(ctx),
      sourceFailure(ctx, info),
      after ?? undefined,
    );
    const edges: { cursor: string; node: TransactionValue }[] = [];
    while (edges.length < size) {
      const node = await feed.peek();
      if (!node) break;
      feed.take();
      edges.push({ cursor: feed.cursor(), node });
    }
    const hasNextPage = (await feed.peek()) !== undefined;
    return {
      edges,
      nodes: edges.map((edge) => edge.node),
      pageInfo: {
        hasNextPage,
        hasPreviousPage: after !== undefined && after !== null,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges.at(-1)?.cursor ?? null,
      },
      totalCount: null,
      partial: feed.partial,
    };
  }

  @Query(() => ActivitySummary, {
    description:
      'Per calendar bucket (DAY, WEEK from Monday as ISO 8601 says, or MONTH, in timeZone) and currency: how many transactions, the exact totals in and out, and net (in − out). ' +
      'It counts what activity lists for the same arguments — every status the filter lets through (statuses: [COMPLETED] for settled money only). ' +
      `${TIME_ZONE_RULE} ${TALO_LEFT_OUT} A provider that fails leaves its transactions uncounted, an error naming it, and partial: true.`,
  })
  async activitySummary(
    @Arg('from', () => LocalDateScalar) from: string,
    @Arg('to', () => LocalDateScalar) to: string,
    @Arg('timeZone', () => String, { defaultValue: DEFAULT_TIME_ZONE, description: 'IANA time zone the dates and buckets are read in.' }) timeZone: string,
    @Arg('groupBy', () => ActivityGroupBy, { defaultValue: ActivityGroupBy.DAY }) groupBy: ActivityGroupBy,
    @Arg('filter', () => ActivityFilter, { nullable: true }) filter: ActivityFilter | undefined,
    @Ctx() ctx: GatewayContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<ActivitySummary> {
    const query = activityQuery(from, to, timeZone, filter);
    // It reads everything, like the export: several provider pages per step, in flight at once.
    const feed = new ActivityFeed(
      query,
      activitySources(ctx.providers.all('transactions'), query.filter),
      callContext(ctx),
      sourceFailure(ctx, info),
      undefined,
      SUMMARY_PAGES_PER_STEP,
    );
    const buckets = new Map<string, { start: string; currency: Currency; count: number; in: Big; out: Big }>();
    for (let row = await feed.peek(); row; row = await feed.peek()) {
      feed.take();
      const start = bucketStart(Date.parse(row.createdAt), query.timeZone, groupBy);
      const key = `${start}|${row.amount.currency}`;
      let bucket = buckets.get(key);
      if (!bucket) buckets.set(key, (bucket = { start, currency: row.amount.currency, count: 0, in: new Big(0), out: new Big(0) }));
      bucket.count++;
      if (row.direction === 'IN') bucket.in = bucket.in.plus(row.amount.amount);
      else bucket.out = bucket.out.plus(row.amount.amount);
    }
    const sorted = [...buckets.values()].sort((a, b) => a.start.localeCompare(b.start) || a.currency.localeCompare(b.currency));
    return {
      buckets: sorted.map((b): ActivityBucket => ({
        start: b.start,
        currency: b.currency as ActivityBucket['currency'],
        count: b.count,
        totalIn: { amount: fixed(b.in), currency: b.currency as ActivityBucket['currency'] },
        totalOut: { amount: fixed(b.out), currency: b.currency as ActivityBucket['currency'] },
        net: { amount: fixed(b.in.minus(b.out)), currency: b.currency as ActivityBucket['currency'] },
      })),
      partial: feed.partial,
    };
  }
}
