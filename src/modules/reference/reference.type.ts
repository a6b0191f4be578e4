import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DecimalScalar } from '../../graphql/scalars/index.js';

@ObjectType({ description: 'A TelePagos payment concept.' })
export class PaymentConcept {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  description!: string;
}

@ObjectType({ description: 'A TelePagos operation type, usable in TransactionFilter.operation.' })
export class TransactionOperation {
  @Field(() => String)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  type!: string;
}

@ObjectType({ description: 'TelePagos white-label statistics for a period.' })
export class Statistics {
  @Field(() => String, { description: 'The period, YYYY-MM.' })
  period!: string;

  @Field(() => Int)
  openCvuCount!: number;

  @Field(() => DecimalScalar, { nullable: true })
  totalCashin?: string;

  @Field(() => DecimalScalar, { nullable: true })
  totalCashout?: string;

  @Field(() => Int)
  paymentServicesCount!: number;

  @Field(() => Int)
  smsSentCount!: number;
}
