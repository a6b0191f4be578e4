import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { PageInfo } from '../../graphql/relay/connection.js';
import { DateTimeISOScalar } from '../../graphql/scalars/index.js';
import { Cashin } from '../cash-in/cashin.type.js';
import { Cashout } from '../cashouts/cashout.type.js';
import { ProviderEnum } from '../common/enums.js';
import { Payment } from '../payments/payment.type.js';

export enum PaymentEventTypeEnum {
  PAYMENT_CREATED = 'PAYMENT_CREATED',
  PAYMENT_UPDATED = 'PAYMENT_UPDATED',
  CASHIN_RECEIVED = 'CASHIN_RECEIVED',
  CASHOUT_UPDATED = 'CASHOUT_UPDATED',
}
registerEnumType(PaymentEventTypeEnum, {
  name: 'PaymentEventType',
  description: 'What happened.',
  valuesConfig: {
    PAYMENT_CREATED: { description: 'A Talo payment was created through Pasarela.' },
    PAYMENT_UPDATED: { description: 'A Talo payment changed status or received a transfer.' },
    CASHIN_RECEIVED: { description: 'Money was credited (TelePagos cash-in, Tupay deposit approved or completed).' },
    CASHOUT_UPDATED: {
      description:
        'A TelePagos cash-out changed: notified by TelePagos, or a transfer whose outcome was unknown became known (`cashout.status`, `observedAt`).',
    },
  },
});

@ObjectType({ description: 'A provider notification, authenticated, confirmed with the provider and de-duplicated.' })
export class PaymentEvent {
  @Field(() => ID, { description: 'Unique per provider event; the same event is never delivered twice.' })
  id!: string;

  @Field(() => String, {
    description:
      "The event's place in the event log (opaque, ordered, the same on every replica): pass the last one you received as `after` to `paymentEvents` or `events` to get every event after it. Kept for EVENT_RETENTION_HOURS (default a week).",
  })
  cursor!: string;

  @Field(() => ProviderEnum)
  provider!: ProviderEnum;

  @Field(() => PaymentEventTypeEnum)
  type!: PaymentEventTypeEnum;

  @Field(() => DateTimeISOScalar)
  occurredAt!: string;

  @Field(() => DateTimeISOScalar, {
    nullable: true,
    description: "When Pasarela observed the change, where that is not the provider's own time (e.g. a cash-out whose unknown outcome was found out).",
  })
  observedAt?: string | null;

  @Field(() => Payment, { nullable: true })
  payment?: unknown;

  @Field(() => Cashin, { nullable: true })
  cashin?: unknown;

  @Field(() => Cashout, { nullable: true })
  cashout?: unknown;
}

@ObjectType({ description: 'An event and its cursor.' })
export class PaymentEventEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => PaymentEvent)
  node!: PaymentEvent;
}

@ObjectType({ description: 'A page of the event log, oldest first.' })
export class PaymentEventConnection {
  @Field(() => [PaymentEventEdge])
  edges!: PaymentEventEdge[];

  @Field(() => [PaymentEvent])
  nodes!: PaymentEvent[];

  @Field(() => PageInfo, {
    description:
      "hasNextPage: more events may follow (read on with after: endCursor). endCursor is the last edge's cursor — or, with `provider`, possibly a later event that was read past (a page reads at most 2,000 events of the log, so a page may be short or empty and still have a next one); null on an empty page at the end: keep the `after` you had.",
  })
  pageInfo!: PageInfo;
}
