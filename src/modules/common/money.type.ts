import { Field, InputType, ObjectType } from 'type-graphql';
import { DecimalScalar } from '../../graphql/scalars/index.js';
import { CurrencyCode } from './enums.js';

@ObjectType({ description: 'An exact amount of money in a currency.' })
export class Money {
  @Field(() => DecimalScalar, { description: 'Exact decimal amount, e.g. "1500.50".' })
  amount!: string;

  @Field(() => CurrencyCode)
  currency!: CurrencyCode;
}

@InputType({ description: 'An exact amount of money in a currency.' })
export class MoneyInput {
  @Field(() => DecimalScalar, { description: 'Exact decimal amount, e.g. "1500.50".' })
  amount!: string;

  @Field(() => CurrencyCode)
  currency!: CurrencyCode;
}
