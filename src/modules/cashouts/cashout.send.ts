/**
 * createCashout by concern: check the input, send the transfer at most once per referenceId, and turn
 * what happened into the payload, each with its audit line. The resolver (cashout.mutations.ts) only
 * chains them.
 */
import { detachedCallContext, type GatewayContext } from '../../context.js';
import { cashoutValue, type CashoutValue } from '../../events/values.js';
import { providerUserError, userError, UserErrorCode, type UserError } from '../../graphql/user-errors.js';
import { ProviderError, type ProviderErrorReason } from '../../providers/errors.js';
import { DEFAULT_RETRY } from '../../providers/http.js';
import type { CreateCashoutInput as CashoutRequest } from '../../providers/telepagos/client.js';
import { StateUnavailableError } from '../../state/errors.js';
import { audit, type AuditEntry } from '../common/audit.js';
import { checkCharge, type ChargeFields } from '../common/charge.input.js';
import { fingerprint, runIdempotent, type IdempotentResult } from '../common/idempotency.js';
import { InputCheck, TEXT_LIMITS } from '../common/input-rules.js';

/** What createCashout answers (CreateCashoutPayload's fields). */
export interface CashoutAnswer {
  cashout: CashoutValue | null;
  userErrors: UserError[];
}

/** The input fields createCashout reads (CreateCashoutInput's). */
export interface CashoutFields extends ChargeFields {
  referenceId: string;
  cbu?: string | null;
  alias?: string | null;
  cuit: string;
}

/** The audit line's fields common to every outcome of one createCashout call. */
type AuditBase = Omit<AuditEntry, 'outcome'>;

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

/** The checked input: the request for TelePagos, or the input errors (already audited as invalid). */
export type CheckedCashout = { ok: true; request: CashoutRequest; base: AuditBase } | { ok: false; answer: CashoutAnswer };

export function checkCashout(ctx: GatewayContext, input: CashoutFields): CheckedCashout {
  const check = new InputCheck();
  const referenceId = check.text(['input', 'referenceId'], input.referenceId, TEXT_LIMITS.referenceId);
  if (referenceId) check.pattern(['input', 'referenceId'], referenceId, REFERENCE_ID, "letters, digits, '.', '_', ':' or '-'");
  check.exactlyOne({ cbu: input.cbu, alias: input.alias }, ['input']);
  const { concept, description } = checkCharge(check, input, ctx.config.maxOperationAmount);
  const destination = input.cbu ?? input.alias ?? undefined;
  const base: AuditBase = { operation: 'createCashout', provider: 'TELEPAGOS', referenceId, amount: input.amount, currency: 'ARS', destination };
  if (!check.ok) {
    audit(ctx, { ...base, outcome: 'invalid' });
    return { ok: false, answer: { cashout: null, userErrors: check.errors } };
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
  return { ok: true, request, base };
}

/** Sends the transfer unless this referenceId already has an outcome (or another request is sending it). */
export function sendOnce(ctx: GatewayContext, request: CashoutRequest): Promise<IdempotentResult<CashoutOutcome>> {
  // The client's name is part of the input: another app reusing the key is a conflict, not a replay.
  const print = fingerprint({ ...request, client: ctx.client.name });
  const leaseMs = cashoutLeaseMs(ctx.config.upstreamTimeoutMs);
  return runIdempotent<CashoutOutcome>(ctx.idempotency, `cashout:${request.referenceId}`, print, { leaseMs, waitMs: leaseMs }, async () => {
    try {
      // No caller signal: once a transfer is on its way, we wait for its outcome even if the client left.
      const cashout = await ctx.providers.sole('cashoutSink').createCashout(request, detachedCallContext(ctx));
      return { cashoutId: cashout.id };
    } catch (error) {
      if (error instanceof ProviderError && DEFINITIVE.has(error.reason)) return { userErrors: [providerUserError(error, ['input'])] };
      throw error;
    }
  });
}

/** The answer for a referenceId whose idempotent run ended (fresh, replayed, conflict or still in progress). */
export function answerFor(ctx: GatewayContext, base: AuditBase, result: IdempotentResult<CashoutOutcome>): CashoutAnswer {
  switch (result.kind) {
    case 'conflict':
      audit(ctx, { ...base, outcome: 'conflict' });
      return refusal(
        ['input', 'referenceId'],
        'This referenceId was already used with other data; use a new one for a new transfer',
        UserErrorCode.IDEMPOTENCY_KEY_REUSED,
      );
    case 'in_progress':
      audit(ctx, { ...base, outcome: 'in_progress' });
      return refusal(
        ['input', 'referenceId'],
        'A transfer with this referenceId is still in progress; retry with the same input',
        UserErrorCode.PROVIDER_UNAVAILABLE,
      );
    default: {
      const outcome = result.outcome;
      if (result.kind === 'fresh' && result.unrecorded) {
        // Answer what TelePagos did; a retry re-sends the same reference_id and gets the same transfer.
        ctx.logger.error({ err: result.unrecorded, referenceId: base.referenceId }, 'cash-out outcome not recorded in the idempotency store');
      }
      const kind = result.kind === 'replayed' ? 'replayed' : 'cashoutId' in outcome ? 'created' : 'rejected';
      audit(ctx, { ...base, outcome: kind, resultId: 'cashoutId' in outcome ? outcome.cashoutId : undefined });
      return 'cashoutId' in outcome
        ? { cashout: cashoutValue('TELEPAGOS', outcome.cashoutId), userErrors: [] }
        : { cashout: null, userErrors: outcome.userErrors };
    }
  }
}

/** The answer when the run threw: the idempotency store was unreachable, or the provider's outcome is unknown. */
export function answerForFailure(ctx: GatewayContext, base: AuditBase, error: unknown): CashoutAnswer {
  audit(ctx, { ...base, outcome: 'unavailable' });
  if (error instanceof StateUnavailableError) {
    // Without the idempotency record we cannot promise "at most once": refuse before sending.
    ctx.logger.error({ err: error }, 'idempotency store unavailable; cash-out refused');
    return refusal(null, 'Pasarela cannot record transfers right now, so none was sent; retry shortly with the same input', UserErrorCode.PROVIDER_UNAVAILABLE);
  }
  // Unknown outcome: the key stays pending; the same input again re-sends the same reference_id.
  return { cashout: null, userErrors: [providerUserError(error)] };
}

function refusal(field: string[] | null, message: string, code: UserErrorCode): CashoutAnswer {
  return { cashout: null, userErrors: [userError(field, message, code)] };
}
