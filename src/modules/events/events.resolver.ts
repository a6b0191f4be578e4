import { Arg, Ctx, Int, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { GatewayContext } from '../../context.js';
import type { EventFilter, LoggedEvent } from '../../events/bus.js';
import { CursorExpiredError } from '../../events/log.js';
import { cursorExpiredError } from '../../graphql/errors.js';
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
      return after === undefined || after === null ? events.subscribe(filter) : orExpired(events.resume(filter, after));
    },
  })
  paymentEvents(
    @Root() event: LoggedEvent,
    @Arg('provider', () => ProviderEnum, { nullable: true, description: 'Only events of this provider.' }) _provider?: ProviderEnum,
    @Arg('after', () => String, {
      nullable: true,
      description: "The cursor of the last event received: resume after it (a reconnecting client's way to miss nothing).",
    })
    _after?: string | null,
  ): LoggedEvent {
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
