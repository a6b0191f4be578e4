import { Arg, Resolver, Root, Subscription } from 'type-graphql';
import type { GatewayContext } from '../../context.js';
import type { PaymentEventValue } from '../../events/bus.js';
import { ProviderEnum } from '../common/enums.js';
import { PaymentEvent } from './payment-event.type.js';

@Resolver()
export class EventsResolver {
  @Subscription(() => PaymentEvent, {
    description: 'Provider notifications, authenticated and de-duplicated; optionally for one provider.',
    subscribe: ({ args, context }) => (context as GatewayContext).events.subscribe({ provider: (args as { provider?: ProviderEnum }).provider }),
  })
  paymentEvents(
    @Root() event: PaymentEventValue,
    @Arg('provider', () => ProviderEnum, { nullable: true, description: 'Only events of this provider.' }) _provider?: ProviderEnum,
  ): PaymentEventValue {
    return event;
  }
}
