/** The merged activity feed's GraphQL types: its filter, and the summary's buckets. */
import { Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DecimalScalar, LocalDateScalar } from '../../graphql/scalars/index.js';
import { Money } from '../common/money.type.js';
import { CurrencyCode, ProviderEnum, TransactionDirectionEnum, TransactionKindEnum, TransactionStatusEnum } from '../common/enums.js';

@InputType({ description: 'Narrows activity, activitySummary and the CSV export; every field is optional and they combine with AND.' })
export class ActivityFilter {
  @Field(() => [ProviderEnum], { nullable: true, description: 'Only these providers (default: every provider that lists transactions).' })
  providers?: ProviderEnum[];

  @Field(() => TransactionDirectionEnum, { nullable: true })
  direction?: TransactionDirectionEnum;

  @Field(() => [TransactionKindEnum], { nullable: true })
  kinds?: TransactionKindEnum[];

  @Field(() => [TransactionStatusEnum], { nullable: true })
  statuses?: TransactionStatusEnum[];

  @Field(() => [CurrencyCode], { nullable: true })
  currencies?: CurrencyCode[];

  @Field(() => DecimalScalar, { nullable: true, description: 'Smallest amount (inclusive), compared exactly, in the transaction’s own currency.' })
  minAmount?: string;

  @Field(() => DecimalScalar, { nullable: true, description: 'Largest amount (inclusive), compared exactly, in the transaction’s own currency.' })
  maxAmount?: string;
}

export enum ActivityGroupBy {
  DAY = 'DAY',
  WEEK = 'WEEK',
  MONTH = 'MONTH',
}
registerEnumType(ActivityGroupBy, {
  name: 'ActivityGroupBy',
  description: 'Calendar buckets in the query’s timeZone.',
  valuesConfig: {
    DAY: { description: 'One calendar day.' },
    WEEK: { description: 'An ISO week: Monday to Sunday; the bucket is named by its Monday.' },
    MONTH: { description: 'A calendar month; the bucket is named by its first day.' },
  },
});

@ObjectType({ description: 'The activity of one bucket in one currency. Amounts are exact decimals.' })
export class ActivityBucket {
  @Field(() => LocalDateScalar, { description: 'The bucket’s first day in the query’s timeZone (a Monday for WEEK, the 1st for MONTH).' })
  start!: string;

  @Field(() => CurrencyCode)
  currency!: CurrencyCode;

  @Field(() => Int, { description: 'Transactions counted.' })
  count!: number;

  @Field(() => Money, { description: 'Sum of the IN transactions.' })
  totalIn!: Money;

  @Field(() => Money, { description: 'Sum of the OUT transactions.' })
  totalOut!: Money;

  @Field(() => Money, { description: 'totalIn − totalOut.' })
  net!: Money;
}

@ObjectType({ description: 'Per-bucket, per-currency totals of the activity feed.' })
export class ActivitySummary {
  @Field(() => [ActivityBucket], { description: 'Buckets that have transactions, oldest first, then by currency.' })
  buckets!: ActivityBucket[];

  @Field(() => Boolean, {
    description: "True when a provider failed and its transactions are not counted (its error, naming it, is in the response's errors).",
  })
  partial!: boolean;
}
