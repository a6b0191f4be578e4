/** createPayment: a Talo payment; its status changes arrive through paymentEvents. */
import { Arg, Ctx, Field, InputType, Int, Mutation, ObjectType, Resolver } from 'type-graphql';
import { DecimalScalar } from '../../graphql/scalars/index.js';
import { detachedCallContext, type GatewayContext } from '../../context.js';
import { UserError } from '../../graphql/user-errors.js';
import { MoneyInput } from '../common/money.type.js';
import { InputCheck, TEXT_LIMITS } from '../common/input-rules.js';
import { createOnce, IDEMPOTENCY_KEY_DESCRIPTION } from '../common/keyed-creation.js';
import type { Payload } from '../common/mutation-result.js';
import { Payment, type PaymentValue } from './payment.type.js';
import { eventId, paymentValue } from '../../events/values.js';
import type { PaymentItem } from '../../domain/models.js';

/** Most items one payment lists, and most of one item. */
export const MAX_PAYMENT_ITEMS = 50;
export const MAX_ITEM_QUANTITY = 9_999;

@InputType({ description: 'One thing the payer is buying (Talo items).' })
export class PaymentItemInput {
  @Field(() => String, { description: 'What it is, as the payer sees it.' })
  name!: string;

  @Field(() => Int, { nullable: true, defaultValue: 1, description: 'How many (1 to 9999).' })
  quantity?: number | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'The price of one, in the payment’s currency.' })
  unitPrice?: string | null;
}

@InputType({ description: 'A Talo payment to create.' })
export class CreatePaymentInput {
  @Field(() => MoneyInput, { description: 'What the payer owes; Talo collects ARS.' })
  price!: MoneyInput;

  @Field(() => String, { description: "The merchant's own id for this payment (Talo external_id)." })
  externalId!: string;

  @Field(() => String, {
    description:
      'Where Talo sends the payer after paying: an http(s) URL, or a host name and path without the scheme as Talo’s own example writes it (fabricadefotolibros.com/checkout/1234), sent as given.',
  })
  redirectUrl!: string;

  @Field(() => String, { nullable: true, description: 'Shown to the payer.' })
  motive?: string | null;

  @Field(() => [PaymentItemInput], { nullable: true, description: 'What the payer is buying (Talo items), at most 50.' })
  items?: PaymentItemInput[] | null;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  idempotencyKey?: string | null;
}

@ObjectType({ description: 'The result of createPayment.' })
export class CreatePaymentPayload {
  @Field(() => Payment, { nullable: true })
  payment?: PaymentValue | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@Resolver()
export class PaymentMutations {
  @Mutation(() => CreatePaymentPayload, {
    description:
      'Creates a Talo payment; its status changes arrive through paymentEvents. Retry: with the same idempotencyKey and data, never a second payment (the first is answered, or OUTCOME_UNKNOWN while its creation is unknown); without a key, a retry after a failure may create a second payment (Talo does not de-duplicate), so check before retrying.',
  })
  createPayment(@Arg('input', () => CreatePaymentInput) input: CreatePaymentInput, @Ctx() ctx: GatewayContext): Promise<Payload<CreatePaymentPayload>> {
    const check = new InputCheck();
    if (input.price.currency !== 'ARS') check.custom(['input', 'price', 'currency'], 'Talo collects ARS only');
    check.amount(['input', 'price', 'amount'], input.price.amount, ctx.config.maxOperationAmount);
    const externalId = check.text(['input', 'externalId'], input.externalId, TEXT_LIMITS.externalId);
    const redirectUrl = check.webAddress(['input', 'redirectUrl'], input.redirectUrl);
    const motive = input.motive == null ? undefined : check.text(['input', 'motive'], input.motive, TEXT_LIMITS.motive);
    const items = input.items == null ? undefined : checkItems(check, input.items, ctx.config.maxOperationAmount);
    const entry = { operation: 'createPayment', provider: 'TALO', amount: input.price.amount, currency: input.price.currency, referenceId: externalId };
    const data = { amount: input.price.amount, currency: input.price.currency, externalId, redirectUrl, motive, items };
    const creation = { mutation: 'createPayment', idempotencyKey: input.idempotencyKey, data, empty: { payment: null } };
    return createOnce<Omit<CreatePaymentPayload, 'userErrors'>>(ctx, check, entry, creation, async () => {
      // Asked after the input rules: invalid input is INVALID_INPUT whether or not Talo is configured.
      const payment = await ctx.providers
        .sole('paymentSink')
        .createPayment({ amount: input.price.amount, currency: 'ARS', externalId, redirectUrl, motive, items }, ctx.config.publicUrl, detachedCallContext(ctx));
      const value = paymentValue(payment);
      // Subscribers see the payment from its creation on; Talo itself only notifies changes. The payment
      // exists at Talo whatever happens here, so a failed publish is logged, not reported as a failure.
      await ctx.events
        .publish({
          id: eventId('TALO', `created:${payment.id}`),
          provider: 'TALO',
          type: 'PAYMENT_CREATED',
          occurredAt: payment.createdAt ?? new Date().toISOString(),
          payment: value,
        })
        .catch((error: unknown) => ctx.logger.warn({ err: error }, 'PAYMENT_CREATED not published'));
      await ctx.watches.watch('payment', payment.provider, payment.id, payment); // re-read until final, whatever becomes of its notifications
      return { result: { payment: value }, resultId: payment.id };
    });
  }
}

/** The items as sent: names trimmed, quantity 1 when not given; each field checked at its path. */
function checkItems(check: InputCheck, items: PaymentItemInput[], maxAmount: string): PaymentItem[] {
  if (items.length > MAX_PAYMENT_ITEMS) check.custom(['input', 'items'], `must list at most ${MAX_PAYMENT_ITEMS} items`);
  return items.slice(0, MAX_PAYMENT_ITEMS).map((item, i) => {
    const at = ['input', 'items', String(i)];
    const name = check.text([...at, 'name'], item.name, TEXT_LIMITS.name);
    const quantity = item.quantity ?? 1;
    if (quantity < 1 || quantity > MAX_ITEM_QUANTITY) check.custom([...at, 'quantity'], `must be between 1 and ${MAX_ITEM_QUANTITY}`);
    if (item.unitPrice != null) check.amount([...at, 'unitPrice'], item.unitPrice, maxAmount);
    return { name, quantity, ...(item.unitPrice != null && { unitPrice: item.unitPrice }) };
  });
}
