/** TelePagos cash-in instruments: a QR charge, a transfer link and a payment link. */
import { Arg, Ctx, Field, ID, InputType, Mutation, ObjectType, Resolver } from 'type-graphql';
import { detachedCallContext, type GatewayContext } from '../../context.js';
import { CbuScalar, CuitScalar, DateTimeISOScalar, DecimalScalar } from '../../graphql/scalars/index.js';
import { UserError } from '../../graphql/user-errors.js';
import { ChargeFields, checkCharge } from '../common/charge.input.js';
import { InputCheck, TEXT_LIMITS } from '../common/input-rules.js';
import { DISTRIBUTION_RULES } from '../../providers/telepagos/assumptions.js';
import { createOnce, IDEMPOTENCY_KEY_DESCRIPTION } from '../common/keyed-creation.js';
import type { Payload } from '../common/mutation-result.js';
import { PaymentLink } from '../payments/payment.type.js';

@InputType({ description: 'A one-off QR to collect an amount.' })
export class CreateQrChargeInput extends ChargeFields {
  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  idempotencyKey?: string | null;
}

@ObjectType({ description: 'The result of createQrCharge.' })
export class CreateQrChargePayload {
  @Field(() => String, { nullable: true, description: 'The EMVCo QR string to render.' })
  qrCode?: string | null;

  @Field(() => ID, { nullable: true, description: 'TelePagos QR order id; its payment arrives as a cash-in.' })
  qrOrderId?: string | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@InputType({ description: 'A link that starts a transfer from another account to ours.' })
export class CreateTransferLinkInput extends ChargeFields {
  @Field(() => CbuScalar)
  cbu!: string;

  @Field(() => CuitScalar)
  cuit!: string;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  idempotencyKey?: string | null;
}

@ObjectType({ description: 'The result of createTransferLink.' })
export class CreateTransferLinkPayload {
  @Field(() => String, { nullable: true })
  paymentLink?: string | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@InputType({ description: 'A part of a payment link amount that goes to another CVU.' })
export class PaymentSplitInput {
  @Field(() => CbuScalar)
  cbu!: string;

  @Field(() => DecimalScalar)
  amount!: string;
}

@InputType({ description: 'A shareable payment link.' })
export class CreatePaymentLinkInput {
  @Field(() => DecimalScalar)
  amount!: string;

  @Field(() => String)
  concept!: string;

  @Field(() => DateTimeISOScalar)
  expiresAt!: Date;

  @Field(() => Boolean)
  multipleUse!: boolean;

  @Field(() => [PaymentSplitInput], { nullable: true, description: 'Optional split of the amount among CVUs; the parts must add up to amount.' })
  distribution?: PaymentSplitInput[] | null;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  idempotencyKey?: string | null;
}

@ObjectType({ description: 'The result of createPaymentLink.' })
export class CreatePaymentLinkPayload {
  @Field(() => PaymentLink, { nullable: true })
  paymentLink?: PaymentLink | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

/** Most parts a payment link may be split into (DISTRIBUTION_RULES, a guess in TelePagos' assumptions.ts). */
export const MAX_DISTRIBUTION_PARTS = DISTRIBUTION_RULES.maxParts;

@Resolver()
export class CashinMutations {
  @Mutation(() => CreateQrChargePayload, {
    description:
      'A one-off TelePagos QR for an amount. Retry: with the same idempotencyKey and data, never a second QR (the first is answered, or OUTCOME_UNKNOWN while its creation is unknown); without a key, a retry after a failure may create a second QR, so check before retrying.',
  })
  createQrCharge(@Arg('input', () => CreateQrChargeInput) input: CreateQrChargeInput, @Ctx() ctx: GatewayContext): Promise<Payload<CreateQrChargePayload>> {
    const check = new InputCheck();
    const { concept, description } = checkCharge(check, input, ctx.config.maxOperationAmount);
    const entry = { operation: 'createQrCharge', provider: 'TELEPAGOS', amount: input.amount, currency: 'ARS' };
    const creation = {
      mutation: 'createQrCharge',
      idempotencyKey: input.idempotencyKey,
      data: { amount: input.amount, concept, description },
      empty: { qrCode: null, qrOrderId: null },
    };
    return createOnce<Omit<CreateQrChargePayload, 'userErrors'>>(ctx, check, entry, creation, async () => {
      const qr = await ctx.providers.sole('cashinSink').createQrCharge({ amount: input.amount, concept, description }, detachedCallContext(ctx));
      return { result: { qrCode: qr.qrCode, qrOrderId: qr.qrOrderId }, resultId: qr.qrOrderId };
    });
  }

  @Mutation(() => CreateTransferLinkPayload, {
    description:
      'A TelePagos link that starts a transfer to our account. Retry: with the same idempotencyKey and data, never a second link (the first is answered, or OUTCOME_UNKNOWN while its creation is unknown); without a key, a retry after a failure may create a second link, so check before retrying.',
  })
  createTransferLink(
    @Arg('input', () => CreateTransferLinkInput) input: CreateTransferLinkInput,
    @Ctx() ctx: GatewayContext,
  ): Promise<Payload<CreateTransferLinkPayload>> {
    const check = new InputCheck();
    const { concept, description } = checkCharge(check, input, ctx.config.maxOperationAmount);
    const entry = { operation: 'createTransferLink', provider: 'TELEPAGOS', amount: input.amount, currency: 'ARS', destination: input.cbu };
    const creation = {
      mutation: 'createTransferLink',
      idempotencyKey: input.idempotencyKey,
      data: { cbu: input.cbu, cuit: input.cuit, amount: input.amount, concept, description },
      empty: { paymentLink: null },
    };
    return createOnce<Omit<CreateTransferLinkPayload, 'userErrors'>>(ctx, check, entry, creation, async () => {
      const link = await ctx.providers
        .sole('cashinSink')
        .createTransferLink({ cbu: input.cbu, cuit: input.cuit, amount: input.amount, concept, description }, detachedCallContext(ctx));
      return { result: { paymentLink: link.paymentLink } };
    });
  }

  @Mutation(() => CreatePaymentLinkPayload, {
    description:
      'A TelePagos payment link, optionally split among CVUs. Retry: with the same idempotencyKey and data, never a second link (the first is answered, or OUTCOME_UNKNOWN while its creation is unknown); without a key, a retry after a failure may create a second link, so check before retrying.',
  })
  createPaymentLink(
    @Arg('input', () => CreatePaymentLinkInput) input: CreatePaymentLinkInput,
    @Ctx() ctx: GatewayContext,
  ): Promise<Payload<CreatePaymentLinkPayload>> {
    const check = new InputCheck();
    check.amount(['input', 'amount'], input.amount, ctx.config.maxOperationAmount);
    const concept = check.text(['input', 'concept'], input.concept, TEXT_LIMITS.concept);
    const expiresAt = check.future(['input', 'expiresAt'], input.expiresAt);
    const parts = input.distribution ?? undefined;
    if (parts) {
      if (parts.length === 0 || parts.length > MAX_DISTRIBUTION_PARTS) {
        check.custom(['input', 'distribution'], `give from 1 to ${MAX_DISTRIBUTION_PARTS} parts, or none`);
      } else {
        parts.forEach((part, i) => check.amount(['input', 'distribution', String(i), 'amount'], part.amount, ctx.config.maxOperationAmount));
        if (DISTRIBUTION_RULES.sumsToAmount)
          check.sumsTo(
            ['input', 'distribution'],
            parts.map((p) => p.amount),
            input.amount,
          );
      }
    }
    const entry = { operation: 'createPaymentLink', provider: 'TELEPAGOS', amount: input.amount, currency: 'ARS' };
    const creation = {
      mutation: 'createPaymentLink',
      idempotencyKey: input.idempotencyKey,
      data: {
        amount: input.amount,
        concept,
        expiresAt: Number.isNaN(expiresAt.getTime()) ? null : expiresAt.toISOString(),
        multipleUse: input.multipleUse,
        distribution: parts?.map((p) => [p.cbu, p.amount]) ?? null,
      },
      empty: { paymentLink: null },
    };
    return createOnce<Omit<CreatePaymentLinkPayload, 'userErrors'>>(ctx, check, entry, creation, async () => {
      const link = await ctx.providers
        .sole('cashinSink')
        .createPaymentLink(
          { amount: input.amount, concept, expiresAt, multipleUse: input.multipleUse, distribution: parts?.map((p) => ({ cbu: p.cbu, amount: p.amount })) },
          detachedCallContext(ctx),
        );
      return { result: { paymentLink: { id: link.id, url: link.url } }, resultId: link.id };
    });
  }
}
