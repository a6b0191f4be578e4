import { Field, ID, ObjectType } from 'type-graphql';
import { Node } from '../../graphql/relay/node.js';
import { DateTimeISOScalar } from '../../graphql/scalars/index.js';
import { Money } from '../common/money.type.js';
import { PaymentStatusEnum, ProviderEnum } from '../common/enums.js';

export type { PaymentValue } from '../../events/values.js';

@ObjectType({ description: 'Where the payer sends the transfer for a Talo payment.' })
export class TransferDestination {
  @Field(() => String, { nullable: true })
  cvu?: string;

  @Field(() => String, { nullable: true })
  alias?: string;
}

@ObjectType({ implements: Node, description: 'A Talo payment: the payer transfers to a one-off CVU/alias.' })
export class Payment extends Node {
  @Field(() => ID)
  declare id: string;

  @Field(() => ProviderEnum)
  provider!: ProviderEnum;

  @Field(() => PaymentStatusEnum)
  status!: PaymentStatusEnum;

  @Field(() => String, { description: "Talo's own status word (payment_status), beside the normalized status." })
  providerStatus!: string;

  @Field(() => Money)
  amount!: Money;

  @Field(() => Money, { nullable: true, description: 'Sum of the transfers received so far.' })
  amountReceived?: Money;

  @Field(() => String, { nullable: true, description: "The merchant's own id (Talo external_id)." })
  externalId?: string;

  @Field(() => String, { nullable: true, description: 'The page where the payer pays.' })
  paymentUrl?: string;

  @Field(() => [TransferDestination])
  transferDestinations!: TransferDestination[];

  @Field(() => DateTimeISOScalar, { nullable: true })
  createdAt?: string;

  @Field(() => DateTimeISOScalar, { nullable: true, description: 'When Talo last changed the payment (last_modified_timestamp).' })
  updatedAt?: string;

  @Field(() => DateTimeISOScalar, { nullable: true })
  expiresAt?: string;

  @Field(() => String, { nullable: true, description: 'What the payer is shown they pay for (Talo motive).' })
  motive?: string;
}

@ObjectType({ description: 'A TelePagos payment link.' })
export class PaymentLink {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  url!: string;
}
