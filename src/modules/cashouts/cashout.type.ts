import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Node } from '../../graphql/relay/node.js';
import { ProviderEnum } from '../common/enums.js';

export type { CashoutValue } from '../../events/values.js';

export enum CashoutStatusEnum {
  CREATED = 'CREATED',
  UNKNOWN = 'UNKNOWN',
}
registerEnumType(CashoutStatusEnum, {
  name: 'CashoutStatus',
  description: "What Pasarela knows of a transfer's existence; its bank state (approved, rejected) arrives as CASHOUT_UPDATED events.",
  valuesConfig: {
    CREATED: { description: "TelePagos has the transfer: it answered its id, notified it, or it is in the account's transactions." },
    UNKNOWN: { description: "TelePagos' answer was lost: the transfer may or may not have been made; Pasarela is finding out." },
  },
});

@ObjectType({ implements: Node, description: 'A transfer out of the account (TelePagos cash-out).' })
export class Cashout extends Node {
  @Field(() => ID)
  declare id: string;

  @Field(() => ProviderEnum)
  provider!: ProviderEnum;

  @Field(() => CashoutStatusEnum, { description: 'Whether the transfer is known to exist (CREATED) or its outcome is still unknown.' })
  status!: CashoutStatusEnum;

  @Field(() => String, { nullable: true, description: 'The referenceId it was sent with, when it was sent through Pasarela and that is known here.' })
  referenceId?: string | null;

  @Field(() => ID, {
    nullable: true,
    description:
      "The global id of its row in the account's transactions, when Pasarela learnt of the transfer from that listing (its answer was lost): then TelePagos' own id is not known and `voucher` is null.",
  })
  transactionId?: string | null;
}
