import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Node } from '../../graphql/relay/node.js';
import { PageInfo } from '../../graphql/relay/connection.js';
import { DateTimeISOScalar } from '../../graphql/scalars/index.js';
import type { Transaction as DomainTransaction } from '../../domain/models.js';
import { Counterparty } from '../common/counterparty.type.js';
import { Money } from '../common/money.type.js';
import { ProviderEnum, TransactionDirectionEnum, TransactionKindEnum, TransactionStatusEnum } from '../common/enums.js';

/** GraphQL value of a Transaction: the domain object with its global id. */
export type TransactionValue = Omit<DomainTransaction, 'id'> & { __typename: 'Transaction'; id: string; localId: string };

@ObjectType({ implements: Node, description: 'A movement of money on an account.' })
export class Transaction extends Node {
  @Field(() => ID)
  declare id: string;

  @Field(() => ProviderEnum)
  provider!: ProviderEnum;

  @Field(() => TransactionKindEnum)
  kind!: TransactionKindEnum;

  @Field(() => TransactionDirectionEnum)
  direction!: TransactionDirectionEnum;

  @Field(() => Money)
  amount!: Money;

  @Field(() => DateTimeISOScalar, { description: 'When it was created (an instant, written in UTC).' })
  createdAt!: string;

  @Field(() => String, { nullable: true, description: "The provider's operation (TelePagos operation id, Tupay payment method)." })
  operation?: string;

  @Field(() => TransactionStatusEnum)
  status!: TransactionStatusEnum;

  @Field(() => String, { description: "The provider's own status word." })
  providerStatus!: string;

  @Field(() => Counterparty, { nullable: true })
  counterparty?: Counterparty;

  @Field(() => String, { nullable: true, description: "The merchant's own id for it, where the provider keeps one (Tupay externalId)." })
  externalId?: string;

  @Field(() => DateTimeISOScalar, {
    nullable: true,
    description: 'When the provider last changed it, where it says (Tupay lastChangeDate): when its status last moved.',
  })
  updatedAt?: string;
}

@ObjectType({ description: 'A transaction and its cursor.' })
export class TransactionEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => Transaction)
  node!: Transaction;
}

@ObjectType({ description: 'A page of transactions, newest first.' })
export class TransactionConnection {
  @Field(() => [TransactionEdge])
  edges!: TransactionEdge[];

  @Field(() => [Transaction])
  nodes!: Transaction[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int, { nullable: true, description: 'Transactions matching the range and filter.' })
  totalCount?: number | null;

  @Field(() => Boolean, {
    description:
      "True when a provider failed and its rows are missing from this page (its error, naming it, is in the response's errors). Always false for Account.transactions, which fails as a whole.",
  })
  partial!: boolean;
}

@InputType({ description: 'Narrows Account.transactions; every field is optional and they combine with AND.' })
export class TransactionFilter {
  @Field(() => String, {
    nullable: true,
    description:
      "The provider's operation, as Transaction.operation gives it: TelePagos operation id (see transactionOperations), Tupay payment method (XA, XAQR: deposits only, since cash-outs carry none). Asked of the provider where it filters by it.",
  })
  operation?: string;

  @Field(() => TransactionDirectionEnum, { nullable: true })
  direction?: TransactionDirectionEnum;

  @Field(() => [TransactionStatusEnum], { nullable: true })
  statuses?: TransactionStatusEnum[];

  @Field(() => [TransactionKindEnum], { nullable: true, description: 'Tupay: deposits, cash-outs or both.' })
  kinds?: TransactionKindEnum[];

  @Field(() => String, { nullable: true, description: "Tupay: the customer's document." })
  customerDocument?: string;
}
