/** createCashout: a transfer out of the TelePagos account, at most once per referenceId. */
import { Arg, Ctx, Field, InputType, Mutation, ObjectType, Resolver } from 'type-graphql';
import type { GatewayContext } from '../../context.js';
import { ProviderError, type ProviderErrorReason } from '../../providers/errors.js';
import { DEFAULT_RETRY } from '../../providers/http.js';
import { StateUnavailableError } from '../../state/redis/connection.js';
import { AliasScalar, CbuScalar, CuitScalar } from '../../graphql/scalars/index.js';
import { providerUserError, UserError, userError, UserErrorCode } from '../../graphql/user-errors.js';
import { audit } from '../common/audit.js';
import { fingerprint, runIdempotent } from '../common/idempotency.js';
import { ChargeFields, checkCharge } from '../common/charge.input.js';
import { InputCheck, TEXT_LIMITS } from '../common/input-rules.js';
import { Cashout, type CashoutValue } from './cashout.type.js';
import { cashoutValue } from '../../events/values.js';

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

/**
 * How long one attempt owns a referenceId: longer than the transport's worst case (each call, retries
 * included, ends within its UPSTREAM_TIMEOUT_MS budget; a token renewal may come first; the bound is
 * kept generous), so a concurrent retry waits for the outcome instead of sending in parallel.
 */
export function cashoutLeaseMs(upstreamTimeoutMs: number): number {
  return (DEFAULT_RETRY.maxRetries + 1) * upstreamTimeoutMs + DEFAULT_RETRY.maxRetries * DEFAULT_RETRY.maxRetryAfterMs + 10_000;
}

/** The reference ids TelePagos gets: printable, bounded, no spaces. */
const REFERENCE_ID = /^[A-Za-z0-9._:-]+$/;

/** Refusals after which TelePagos certainly did not transfer: kept and replayed like a success. */
const DEFINITIVE: ReadonlySet<ProviderErrorReason> = new Set(['INVALID_INPUT', 'REJECTED', 'NOT_FOUND', 'FORBIDDEN', 'CONFLICT']);

/** What is kept for a referenceId: the transfer's id, or the provider's refusal. */
type CashoutOutcome = { cashoutId: string } | { userErrors: UserError[] };

function payload(outcome: CashoutOutcome): CreateCashoutPayload {
  return 'cashoutId' in outcome
    ? { cashout: cashoutValue('TELEPAGOS', outcome.cashoutId), userErrors: [] }
    : { cashout: null, userErrors: outcome.userErrors };
}

@Resolver()
export class CashoutMutations {
  @Mutation(() => CreateCashoutPayload, { description: 'Sends a TelePagos transfer, at most once per referenceId.' })
  async createCashout(@Arg('input', () => CreateCashoutInput) input: CreateCashoutInput, @Ctx() ctx: GatewayContext): Promise<CreateCashoutPayload> {
    const check = new InputCheck();
    const referenceId = check.text(['input', 'referenceId'], input.referenceId, TEXT_LIMITS.referenceId);
    if (referenceId) check.pattern(['input', 'referenceId'], referenceId, REFERENCE_ID, "letters, digits, '.', '_', ':' or '-'");
    check.exactlyOne({ cbu: input.cbu, alias: input.alias }, ['input']);
    const { concept, description } = checkCharge(check, input, ctx.config.maxOperationAmount);
    const destination = input.cbu ?? input.alias ?? undefined;
    const base = { operation: 'createCashout', provider: 'TELEPAGOS', referenceId, amount: input.amount, currency: 'ARS', destination };
    if (!check.ok) {
      audit(ctx, { ...base, outcome: 'invalid' });
      return { cashout: null, userErrors: check.errors };
    }

    const request = {
      cbu: input.cbu ?? undefined,
      alias: input.alias?.toLowerCase() ?? undefined,
      cuit: input.cuit,
      amount: input.amount,
      referenceId,
      concept,
      description,
    };
    // The client's name is part of the input: another app reusing the key is a conflict, not a replay.
    const print = fingerprint({ ...request, client: ctx.client.name });
    const leaseMs = cashoutLeaseMs(ctx.config.upstreamTimeoutMs);
    try {
      const result = await runIdempotent<CashoutOutcome>(ctx.idempotency, `cashout:${referenceId}`, print, { leaseMs, waitMs: leaseMs }, async () => {
        try {
          // No caller signal: once a transfer is on its way, we wait for its outcome even if the client left.
          const cashout = await ctx.providers.telepagos.createCashout(request, { requestId: ctx.requestId });
          return { cashoutId: cashout.id };
        } catch (error) {
          if (error instanceof ProviderError && DEFINITIVE.has(error.reason)) return { userErrors: [providerUserError(error, ['input'])] };
          throw error;
        }
      });
      switch (result.kind) {
        case 'conflict':
          audit(ctx, { ...base, outcome: 'conflict' });
          return {
            cashout: null,
            userErrors: [userError(['input', 'referenceId'], 'This referenceId was already used with other data; use a new one for a new transfer', UserErrorCode.IDEMPOTENCY_KEY_REUSED)],
          };
        case 'in_progress':
          audit(ctx, { ...base, outcome: 'in_progress' });
          return {
            cashout: null,
            userErrors: [userError(['input', 'referenceId'], 'A transfer with this referenceId is still in progress; retry with the same input', UserErrorCode.PROVIDER_UNAVAILABLE)],
          };
        default: {
          const outcome = result.outcome;
          if (result.kind === 'fresh' && result.unrecorded) {
            // Answer what TelePagos did; a retry re-sends the same reference_id and gets the same transfer.
            ctx.logger.error({ err: result.unrecorded, referenceId }, 'cash-out outcome not recorded in the idempotency store');
          }
          const kind = result.kind === 'replayed' ? 'replayed' : 'cashoutId' in outcome ? 'created' : 'rejected';
          audit(ctx, { ...base, outcome: kind, resultId: 'cashoutId' in outcome ? outcome.cashoutId : undefined });
          return payload(outcome);
        }
      }
    } catch (error) {
      audit(ctx, { ...base, outcome: 'unavailable' });
      if (error instanceof StateUnavailableError) {
        // Without the idempotency record we cannot promise "at most once": refuse before sending.
        ctx.logger.error({ err: error }, 'idempotency store unavailable; cash-out refused');
        return {
          cashout: null,
          userErrors: [userError(null, 'Pasarela cannot record transfers right now, so none was sent; retry shortly with the same input', UserErrorCode.PROVIDER_UNAVAILABLE)],
        };
      }
      // Unknown outcome: the key stays pending; the same input again re-sends the same reference_id.
      return { cashout: null, userErrors: [providerUserError(error)] };
    }
  }
}
