import { Field, ID, ObjectType } from 'type-graphql';
import { Node } from '../../graphql/relay/node.js';
import type { ProviderId } from '../../providers/provider.js';
import { LocalDateScalar } from '../../graphql/scalars/index.js';
import { Money } from '../common/money.type.js';
import { ProviderEnum } from '../common/enums.js';

/** GraphQL value of an Account: the rest is resolved by AccountResolver. */
export interface AccountValue {
  __typename: 'Account';
  id: string;
  provider: ProviderId;
}

@ObjectType({ implements: Node, description: 'The merchant account Pasarela holds at one provider.' })
export class Account extends Node {
  @Field(() => ID)
  declare id: string;

  @Field(() => ProviderEnum)
  provider!: ProviderEnum;
}

@ObjectType({ description: 'One day of the Tupay balance report.' })
export class BalanceReportEntry {
  @Field(() => LocalDateScalar)
  date!: string;

  @Field(() => Money, { nullable: true, description: 'Balance at the end of the day.' })
  balance?: Money;
}
