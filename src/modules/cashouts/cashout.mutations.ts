/** createCashout: a transfer out of the TelePagos account, at most once per referenceId (the steps: cashout.send.ts). */
import { Arg, Ctx, Field, InputType, Mutation, ObjectType, Resolver } from 'type-graphql';
import type { GatewayContext } from '../../context.js';
import { AliasScalar, CbuScalar, CuitScalar } from '../../graphql/scalars/index.js';
import { UserError, UserErrorCode } from '../../graphql/user-errors.js';
import { ChargeFields } from '../common/charge.input.js';
import { Cashout, type CashoutValue } from './cashout.type.js';
import { answerFor, answerForFailure, checkCashout, sendOnce } from './cashout.send.js';
import { UNKNOWN_CASHOUT_WATCH } from './cashout.watch.js';

@InputType({ description: 'A transfer to a CBU/CVU or alias.' })
export class CreateCashoutInput extends ChargeFields {
  @Field(() => String, {
    description:
      "Unique per transfer; it is the provider's reference_id. Retrying with the same referenceId and the same data never sends a second transfer; the same referenceId with other data is refused.",
  })
  referenceId!: string;

  @Field(() => CbuScalar, { nullable: true, description: 'Destination CBU/CVU; give exactly one of cbu and alias.' })
  cbu?: string | null;

  @Field(() => AliasScalar, { nullable: true })
  alias?: string | null;

  @Field(() => CuitScalar)
  cuit!: string;
}

@ObjectType({ description: 'The result of createCashout.' })
export class CreateCashoutPayload {
  @Field(() => Cashout, { nullable: true })
  cashout?: CashoutValue | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@Resolver()
export class CashoutMutations {
  @Mutation(() => CreateCashoutPayload, {
    description:
      'Sends a TelePagos transfer, at most once per referenceId. Retry: safe with the same referenceId and data — it answers the first transfer, or, after a lost answer (OUTCOME_UNKNOWN), finds out whether it was made; never a second transfer, never a refusal for a transfer that may have been made.',
  })
  async createCashout(@Arg('input', () => CreateCashoutInput) input: CreateCashoutInput, @Ctx() ctx: GatewayContext): Promise<CreateCashoutPayload> {
    const checked = checkCashout(ctx, input);
    if (!checked.ok) return checked.answer;
    let answer: CreateCashoutPayload;
    try {
      answer = answerFor(ctx, checked.base, await sendOnce(ctx, checked.request));
    } catch (error) {
      answer = answerForFailure(ctx, checked.base, error);
    }
    // An outcome still unknown is found out by the gateway too, not only by a retry (cashout.watch.ts).
    if (answer.userErrors.some((error) => error.code === UserErrorCode.OUTCOME_UNKNOWN)) {
      await ctx.watches.watch(UNKNOWN_CASHOUT_WATCH, ctx.providers.sole('cashoutSink').provider, checked.request.referenceId);
    }
    return answer;
  }
}
