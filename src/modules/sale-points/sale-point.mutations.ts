/** TelePagos sale points: create, delete, and a QR order for a sale point's closed QR. */
import { Arg, Ctx, Field, ID, InputType, Mutation, ObjectType, Resolver } from 'type-graphql';
import { callContext, detachedCallContext, type GatewayContext } from '../../context.js';
import { localIdFor, toGlobalId } from '../../graphql/relay/global-id.js';
import { UserError } from '../../graphql/user-errors.js';
import { ChargeFields, checkCharge } from '../common/charge.input.js';
import { InputCheck, TEXT_LIMITS } from '../common/input-rules.js';
import { createOnce, IDEMPOTENCY_KEY_DESCRIPTION } from '../common/keyed-creation.js';
import { mutate, type Payload } from '../common/mutation-result.js';
import { SalePoint, type SalePointValue } from './sale-point.type.js';
import { salePointValue } from './sale-points.loaders.js';

@InputType({ description: 'A new sale point.' })
export class CreateSalePointInput {
  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  idempotencyKey?: string | null;
}

@ObjectType({ description: 'The result of createSalePoint.' })
export class CreateSalePointPayload {
  @Field(() => SalePoint, { nullable: true })
  salePoint?: SalePointValue | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@InputType({ description: 'The sale point to delete.' })
export class DeleteSalePointInput {
  @Field(() => ID, { description: 'Global id or TelePagos id.' })
  id!: string;
}

@ObjectType({ description: 'The result of deleteSalePoint.' })
export class DeleteSalePointPayload {
  @Field(() => ID, { nullable: true })
  deletedSalePointId?: string | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@InputType({ description: "An order for a sale point's closed QR: the payer scans it and pays this amount." })
export class CreateSalePointQrOrderInput extends ChargeFields {
  @Field(() => ID, { description: 'Global id or TelePagos id of the sale point.' })
  salePointId!: string;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  idempotencyKey?: string | null;
}

@ObjectType({ description: 'The result of createSalePointQrOrder.' })
export class CreateSalePointQrOrderPayload {
  @Field(() => ID, { nullable: true })
  qrOrderId?: string | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

/**
 * A sale point id as the provider knows it (`SalePointSink.isId`); otherwise `''`, after recording an input
 * error on `check`, so the mutation answers that error without calling TelePagos.
 */
function salePointLocalId(ctx: GatewayContext, check: InputCheck, field: string[], id: string): string {
  const local = localIdFor(id.trim(), 'SalePoint', 'TELEPAGOS');
  // Unconfigured, the id is not judged here: the mutation answers PROVIDER_NOT_CONFIGURED.
  const sink = ctx.providers.soleIfConfigured('salePointSink');
  if (local === null || (sink && !sink.isId(local))) {
    check.custom(field, 'is not a sale point id');
    return '';
  }
  return local;
}

@Resolver()
export class SalePointMutations {
  @Mutation(() => CreateSalePointPayload, {
    description:
      'Creates a TelePagos sale point. Retry: with the same idempotencyKey and data, never a second sale point (the first is answered, or OUTCOME_UNKNOWN while its creation is unknown); without a key, a retry after a failure may create a second sale point, so check before retrying.',
  })
  createSalePoint(@Arg('input', () => CreateSalePointInput) input: CreateSalePointInput, @Ctx() ctx: GatewayContext): Promise<Payload<CreateSalePointPayload>> {
    const check = new InputCheck();
    const name = check.text(['input', 'name'], input.name, TEXT_LIMITS.name);
    const creation = { mutation: 'createSalePoint', idempotencyKey: input.idempotencyKey, data: { name }, empty: { salePoint: null } };
    return createOnce<Omit<CreateSalePointPayload, 'userErrors'>>(ctx, check, { operation: 'createSalePoint', provider: 'TELEPAGOS' }, creation, async () => {
      const { id } = await ctx.providers.sole('salePointSink').createSalePoint(name, detachedCallContext(ctx));
      // Read it back, so name and status are what TelePagos holds, not what we assume. The sale point
      // exists whatever the read does: a failed read answers what was asked, never a failure.
      const listed = await ctx.providers
        .sole('salePointSink')
        .salePoints(callContext(ctx))
        .catch((error: unknown) => {
          ctx.logger.warn({ err: error, salePointId: id }, 'created sale point not read back');
          return [];
        });
      const created = listed.find((s) => s.id === id);
      return { result: { salePoint: salePointValue(created ?? { id, name, status: 'active' }) }, resultId: id };
    });
  }

  @Mutation(() => DeleteSalePointPayload, {
    description: 'Deletes a TelePagos sale point. Retry: safe; deleting it again answers NOT_FOUND once it is gone.',
  })
  deleteSalePoint(@Arg('input', () => DeleteSalePointInput) input: DeleteSalePointInput, @Ctx() ctx: GatewayContext): Promise<Payload<DeleteSalePointPayload>> {
    const check = new InputCheck();
    const id = salePointLocalId(ctx, check, ['input', 'id'], input.id);
    // The only thing TelePagos can fail to find here is the sale point: a not-found error points at the id.
    return mutate<Omit<DeleteSalePointPayload, 'userErrors'>>(
      ctx,
      check,
      { operation: 'deleteSalePoint', provider: 'TELEPAGOS', resultId: id },
      { deletedSalePointId: null },
      async () => {
        await ctx.providers.sole('salePointSink').deleteSalePoint(id, detachedCallContext(ctx));
        return { result: { deletedSalePointId: toGlobalId('SalePoint', 'TELEPAGOS', id) }, resultId: id };
      },
      ['input', 'id'],
      'safe',
    );
  }

  @Mutation(() => CreateSalePointQrOrderPayload, {
    description:
      "An order for a sale point's closed QR. Retry: with the same idempotencyKey and data, never a second order (the first is answered, or OUTCOME_UNKNOWN while its creation is unknown); without a key, a retry after a failure may create a second order, so check before retrying.",
  })
  createSalePointQrOrder(
    @Arg('input', () => CreateSalePointQrOrderInput) input: CreateSalePointQrOrderInput,
    @Ctx() ctx: GatewayContext,
  ): Promise<Payload<CreateSalePointQrOrderPayload>> {
    const check = new InputCheck();
    const salePointId = salePointLocalId(ctx, check, ['input', 'salePointId'], input.salePointId);
    const { concept, description } = checkCharge(check, input, ctx.config.maxOperationAmount);
    const entry = { operation: 'createSalePointQrOrder', provider: 'TELEPAGOS', amount: input.amount, currency: 'ARS' };
    const creation = {
      mutation: 'createSalePointQrOrder',
      idempotencyKey: input.idempotencyKey,
      data: { salePointId, amount: input.amount, concept, description },
      empty: { qrOrderId: null },
    };
    return createOnce<Omit<CreateSalePointQrOrderPayload, 'userErrors'>>(ctx, check, entry, creation, async () => {
      const order = await ctx.providers
        .sole('salePointSink')
        .createQrOrder({ salePointId, amount: input.amount, concept, description }, detachedCallContext(ctx));
      return { result: { qrOrderId: order.qrOrderId }, resultId: order.qrOrderId };
    });
  }
}
