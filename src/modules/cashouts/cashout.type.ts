import { Field, ID, ObjectType } from 'type-graphql';
import { Node } from '../../graphql/relay/node.js';
import { ProviderEnum } from '../common/enums.js';

export type { CashoutValue } from '../../events/values.js';

@ObjectType({ implements: Node, description: 'A transfer out of the account (TelePagos cash-out).' })
export class Cashout extends Node {
  @Field(() => ID)
  declare id: string;

  @Field(() => ProviderEnum)
  provider!: ProviderEnum;
}
