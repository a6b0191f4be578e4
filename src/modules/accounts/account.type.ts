import { Field, ID, ObjectType } from 'type-graphql';
import { Node } from '../../graphql/relay/node.js';
import type { ProviderId } from '../../providers/provider.js';
import { LocalDateScalar } from '../../graphql/scalars/index.js';
import { Money } from '../common/money.type.js';
import { CurrencyCode, ProviderEnum } from '../common/enums.js';

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

  @Field(() => CurrencyCode, { description: 'The currency of this row (Tupay reports one row per day and currency).' })
  currency!: CurrencyCode;

  @Field(() => Money, { nullable: true, description: 'Balance at the end of the day.' })
  balance?: Money;

  @Field(() => Money, { nullable: true, description: 'Deposits credited that day (Tupay depositTotal).' })
  depositTotal?: Money;

  @Field(() => Money, { nullable: true, description: 'Cash-outs paid that day (Tupay cashoutTotal).' })
  cashoutTotal?: Money;

  @Field(() => Money, { nullable: true, description: 'Fees charged on the deposits that day (Tupay depositFeeTotal).' })
  feeTotal?: Money;

  @Field(() => Money, { nullable: true, description: "The day's net movement (Tupay netAmount)." })
  netAmount?: Money;
}
