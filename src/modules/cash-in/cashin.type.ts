import { Field, ID, ObjectType } from 'type-graphql';
import { Node } from '../../graphql/relay/node.js';
import { Counterparty } from '../common/counterparty.type.js';
import { Money } from '../common/money.type.js';
import { ProviderEnum, TransactionStatusEnum } from '../common/enums.js';

export type { CashinValue } from '../../events/values.js';

@ObjectType({ implements: Node, description: 'Money credited to the account (TelePagos cash-in).' })
export class Cashin extends Node {
  @Field(() => ID)
  declare id: string;

  @Field(() => ProviderEnum)
  provider!: ProviderEnum;

  @Field(() => Money)
  amount!: Money;

  @Field(() => String, { nullable: true })
  concept?: string;

  @Field(() => String, { nullable: true })
  description?: string;

  @Field(() => Counterparty, { nullable: true, description: 'Who paid.' })
  buyer?: Counterparty;

  @Field(() => TransactionStatusEnum, {
    nullable: true,
    description:
      "Normalized state, where the provider's record has one (a Tupay deposit: IN_PROGRESS once approved, then COMPLETED); null for a TelePagos cash-in, which is credited once it exists.",
  })
  status?: TransactionStatusEnum;

  @Field(() => String, { nullable: true, description: "The provider's own status word beside status (Tupay APPROVED or COMPLETED)." })
  providerStatus?: string;

  @Field(() => ID, {
    nullable: true,
    description: "TelePagos' own transaction number for the credit (transaction_id); not a Transaction global id.",
  })
  providerTransactionId?: string;

  @Field(() => ID, {
    nullable: true,
    description:
      'The QR order it paid (TelePagos qr_order_id): the qrOrderId createQrCharge or createSalePointQrOrder answered. Null when not paid by a QR order.',
  })
  qrOrderId?: string;

  @Field(() => ID, {
    nullable: true,
    description: 'The payment link it paid (TelePagos link_id): the PaymentLink.id createPaymentLink answered. Null when not paid through a link.',
  })
  linkId?: string;
}
