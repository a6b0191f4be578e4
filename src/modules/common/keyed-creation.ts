/**
 * A creating mutation with an optional `idempotencyKey` (issue 27): with a key, createCashout's
 * semantics and store — the same key and data replay the first answer without a provider call; other
 * data is IDEMPOTENCY_KEY_REUSED; a concurrent duplicate waits for the first; a lost answer is
 * OUTCOME_UNKNOWN, kept, and a retry with the key never calls the provider again (Talo and TelePagos'
 * cash-in and sale point creations promise nothing about repeated creates, and offer no read that finds
 * an object by our key: the outcome stays unknown until the key's retention ends). Keys are scoped per
 * client app: `<client>:<mutation>:<idempotencyKey>`. Without a key: `mutate`, with advice that is true
 * (a retry may create a second object).
 */
import type { GatewayContext } from '../../context.js';
import { providerUserError, userError, UserErrorCode, type UserError } from '../../graphql/user-errors.js';
import { ProviderError, failureOutcome } from '../../providers/errors.js';
import { StateUnavailableError } from '../../state/errors.js';
import { audit, type AuditEntry } from './audit.js';
import { fingerprint, OutcomeUnknown, runIdempotent } from './idempotency.js';
import type { InputCheck } from './input-rules.js';
import { mutate, type Payload } from './mutation-result.js';

/** The description of every creating input's `idempotencyKey` field. */
export const IDEMPOTENCY_KEY_DESCRIPTION =
  "Optional, unique per object to create, scoped to your app (at most 64 of letters, digits, '.', '_', ':' or '-', like referenceId). With it, retrying with the same key and data never creates a second object: it answers the first one (or OUTCOME_UNKNOWN while its creation's answer is lost); the same key with other data is IDEMPOTENCY_KEY_REUSED. Without it, a retry after a failure may create a second object.";

/**
 * How long one attempt owns a key: a creation is one POST (not retried by the transport) and at most one
 * read back, each within UPSTREAM_TIMEOUT_MS; a token renewal may come first; the bound is kept generous.
 */
export function creationLeaseMs(upstreamTimeoutMs: number): number {
  return 3 * upstreamTimeoutMs + 10_000;
}

/** What is kept per key: the payload's fields (JSON) and the audit's result id, or a final refusal. */
type CreationOutcome<T> = { created: T; resultId?: string } | { refused: UserError[] };

export interface KeyedCreation<T extends object> {
  /** The mutation's name (part of the key: the same idempotencyKey for two mutations is two keys). */
  mutation: string;
  /** The client's idempotencyKey, if any (checked here: the same rules as referenceId). */
  idempotencyKey?: string | null;
  /** What the provider is asked for, normalized: the same data written differently is a replay. */
  data: Record<string, unknown>;
  /** The payload's fields when nothing was created. */
  empty: T;
  /** Where a provider refusal is reported (default the whole input). */
  errorField?: string[];
}

/** Runs `perform` at most once per idempotencyKey (when given); see the file comment. */
export async function createOnce<T extends object>(
  ctx: GatewayContext,
  check: InputCheck,
  entry: Omit<AuditEntry, 'outcome'>,
  creation: KeyedCreation<T>,
  perform: () => Promise<{ result: T; resultId?: string }>,
): Promise<Payload<T>> {
  const { mutation, empty, errorField = ['input'] } = creation;
  const given = creation.idempotencyKey ?? undefined;
  const key = given === undefined ? undefined : check.key(['input', 'idempotencyKey'], given);
  if (key === undefined) return mutate(ctx, check, entry, empty, perform, errorField, 'check');
  if (!check.ok) {
    audit(ctx, { ...entry, outcome: 'invalid' });
    return { ...empty, userErrors: check.errors };
  }
  const leaseMs = creationLeaseMs(ctx.config.upstreamTimeoutMs);
  const print = fingerprint({ ...creation.data, client: ctx.client.name, mutation });
  const fail = (code: UserErrorCode, message: string, field: string[] | null = ['input', 'idempotencyKey']): Payload<T> => ({
    ...empty,
    userErrors: [userError(field, message, code)],
  });
  try {
    const result = await runIdempotent<CreationOutcome<T>>(
      ctx.idempotency,
      `${ctx.client.name}:${mutation}:${key}`,
      print,
      {
        leaseMs,
        waitMs: leaseMs,
        unknown: (error) => (error instanceof ProviderError && failureOutcome(error) === 'not_sent' ? undefined : { why: describe(error) }),
      },
      async (_attempt, unknown) => {
        // An earlier attempt may have created it, and nothing finds it by our key: never create blind.
        if (unknown) throw new OutcomeUnknown(unknown.why);
        try {
          const { result: created, resultId } = await perform();
          return { created, resultId };
        } catch (error) {
          const outcome = failureOutcome(error);
          if (outcome === 'refused') return { refused: [providerUserError(error, errorField, 'idempotencyKey')] };
          if (outcome === 'not_sent') throw error;
          throw new OutcomeUnknown(describe(error), { cause: error });
        }
      },
    );
    switch (result.kind) {
      case 'conflict':
        audit(ctx, { ...entry, outcome: 'conflict' });
        return fail(UserErrorCode.IDEMPOTENCY_KEY_REUSED, 'This idempotencyKey was already used with other data; use a new one for a new object');
      case 'in_progress':
        audit(ctx, { ...entry, outcome: 'in_progress' });
        return fail(
          UserErrorCode.PROVIDER_UNAVAILABLE,
          'A request with this idempotencyKey is still in progress; retrying with the same idempotencyKey and data is safe',
        );
      default: {
        const outcome = result.outcome;
        if (result.kind === 'fresh' && result.unrecorded)
          ctx.logger.error({ err: result.unrecorded, mutation }, 'creation outcome not recorded in the idempotency store');
        if ('refused' in outcome) {
          audit(ctx, { ...entry, outcome: result.kind === 'replayed' ? 'replayed' : 'rejected' });
          return { ...empty, userErrors: outcome.refused };
        }
        audit(ctx, { ...entry, outcome: result.kind === 'replayed' ? 'replayed' : 'created', resultId: outcome.resultId });
        return { ...outcome.created, userErrors: [] };
      }
    }
  } catch (error) {
    if (error instanceof StateUnavailableError) {
      audit(ctx, { ...entry, outcome: 'unavailable' });
      ctx.logger.error({ err: error, mutation }, 'idempotency store unavailable; creation refused');
      return fail(
        UserErrorCode.PROVIDER_UNAVAILABLE,
        'Pasarela cannot record this key right now, so nothing was sent; retrying with the same idempotencyKey and data is safe',
        null,
      );
    }
    if (error instanceof ProviderError && failureOutcome(error) === 'not_sent') {
      audit(ctx, { ...entry, outcome: 'unavailable' });
      return { ...empty, userErrors: [providerUserError(error, null, 'idempotencyKey')] };
    }
    if (!(error instanceof OutcomeUnknown)) throw error;
    audit(ctx, { ...entry, outcome: 'unknown' });
    ctx.logger.warn({ mutation, why: error.why }, 'creation outcome unknown');
    return fail(
      UserErrorCode.OUTCOME_UNKNOWN,
      `The outcome is unknown (${error.why}): it may or may not have been created. Retrying with the same idempotencyKey and data is safe — it never creates a second one — and answers this until the outcome is known; check before creating it under a new key`,
    );
  }
}

/** A short, safe account of a failure (no provider body). */
function describe(error: unknown): string {
  if (error instanceof ProviderError)
    return `${error.provider}: ${error.reason.toLowerCase().replace(/_/g, ' ')}${error.httpStatus ? ` (HTTP ${error.httpStatus})` : ''}`;
  if (error instanceof OutcomeUnknown) return error.why;
  return 'an unexpected failure';
}
