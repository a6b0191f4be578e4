import { Arg, Ctx, Int, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { GatewayContext } from '../../context.js';
import { SlowSubscriberError, type EventFilter, type LoggedEvent } from '../../events/bus.js';
import { CursorExpiredError } from '../../events/log.js';
import { cursorExpiredError, subscriberTooSlowError } from '../../graphql/errors.js';
import { checkFirst } from '../../graphql/relay/connection.js';
import { ProviderEnum } from '../common/enums.js';
import { PaymentEvent, PaymentEventConnection } from './payment-event.type.js';

/** A log cursor that cannot be read after becomes CURSOR_EXPIRED, before anything is sent. */
async function orExpired<T>(reading: Promise<T>): Promise<T> {
  try {
    return await reading;
  } catch (error) {
    if (error instanceof CursorExpiredError) throw cursorExpiredError(error.message);
    throw error;
  }
}

/** What the source yields last when its subscriber fell behind the log: the resolver answers it as SUBSCRIBER_TOO_SLOW. */
interface TooSlow {
  tooSlow: string;
}

/**
 * The subscription's source, with SlowSubscriberError turned into a last value (`TooSlow`), then done:
 * graphql-js passes a source's own error on as a failure of the whole stream (graphql-ws closes the
 * socket with 4500 "Internal server error"), while a resolver's error is an answer the client can read.
 * Not an async generator: `return()` must reach the source even while it waits.
 */
class ReportingTooSlow implements AsyncIterableIterator<LoggedEvent | TooSlow> {
  private ended = false;

  constructor(private readonly source: AsyncIterableIterator<LoggedEvent>) {}

  async next(): Promise<IteratorResult<LoggedEvent | TooSlow>> {
    if (this.ended) return { value: undefined, done: true };
    try {
      return await this.source.next();
    } catch (error) {
      if (!(error instanceof SlowSubscriberError)) throw error;
      this.ended = true;
      return { value: { tooSlow: error.message }, done: false };
    }
  }

  async return(): Promise<IteratorResult<LoggedEvent | TooSlow>> {
    this.ended = true;
    await this.source.return?.();
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<LoggedEvent | TooSlow> {
    return this;
  }
}

interface SubscriptionArgs {
  provider?: ProviderEnum;
  after?: string | null;
}

@Resolver()
export class EventsResolver {
  @Subscription(() => PaymentEvent, {
    description:
      'Provider notifications, authenticated and de-duplicated; optionally for one provider. With `after` (a cursor of an event received before), every event after it comes first, in log order, then the live ones, with none missed or repeated; a cursor no longer kept is refused with CURSOR_EXPIRED before anything is sent.',
    subscribe: ({ args, context }) => {
      const { provider, after } = args as SubscriptionArgs;
      const filter: EventFilter = { provider };
      const events = (context as GatewayContext).events;
      // An empty `after` is a cursor like any other (and not one of ours), as in `events`.
      if (after === undefined || after === null) return new ReportingTooSlow(events.subscribe(filter));
      return orExpired(events.resume(filter, after)).then((source) => new ReportingTooSlow(source));
    },
  })
  paymentEvents(
    @Root() event: LoggedEvent | TooSlow,
    @Arg('provider', () => ProviderEnum, { nullable: true, description: 'Only events of this provider.' }) _provider?: ProviderEnum,
    @Arg('after', () => String, {
      nullable: true,
      description: "The cursor of the last event received: resume after it (a reconnecting client's way to miss nothing).",
    })
    _after?: string | null,
  ): LoggedEvent {
    if ('tooSlow' in event) throw subscriberTooSlowError(event.tooSlow);
    return event;
  }

  @Query(() => PaymentEventConnection, {
    description:
      'The event log, oldest first: what `paymentEvents` delivers, for an app that polls or catches up. Without `after`, from the oldest event kept (EVENT_RETENTION_HOURS); page on with `after: pageInfo.endCursor`. A cursor no longer kept is CURSOR_EXPIRED.',
  })
  async events(
    @Arg('provider', () => ProviderEnum, { nullable: true, description: 'Only events of this provider.' }) provider: ProviderEnum | undefined,
    @Arg('after', () => String, { nullable: true, description: 'A cursor from `PaymentEvent.cursor` or `pageInfo.endCursor`.' })
    after: string | undefined | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 50, description: 'Events per page, 1–100.' }) first: number | undefined | null,
    @Ctx() ctx: GatewayContext,
  ): Promise<PaymentEventConnection> {
    const page = await orExpired(ctx.events.read({ provider }, after ?? undefined, checkFirst(first)));
    const edges = page.events.map((node) => ({ cursor: node.cursor, node }));
    return {
      edges,
      nodes: page.events,
      pageInfo: {
        hasNextPage: page.hasMore,
        hasPreviousPage: Boolean(after),
        startCursor: edges[0]?.cursor ?? null,
        endCursor: page.endCursor ?? null,
      },
    } as unknown as PaymentEventConnection;
  }
}
