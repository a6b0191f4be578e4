/**
 * createCashout by concern: check the input, send the transfer at most once per referenceId, and turn
 * what happened into the payload, each with its audit line. The resolver (cashout.mutations.ts) only
 * chains them.
 */
import { detachedCallContext, type GatewayContext } from '../../context.js';
import type { CallContext } from '../../domain/models.js';
import type { EventBus } from '../../events/bus.js';
import { cashoutValue, eventId, listedCashoutLocalId, type CashoutValue } from '../../events/values.js';
import { toGlobalId } from '../../graphql/relay/global-id.js';
import { providerUserError, userError, UserErrorCode, type UserError } from '../../graphql/user-errors.js';
import type { Logger } from '../../logging.js';
import { ProviderError, failureOutcome } from '../../providers/errors.js';
import { DEFAULT_RETRY } from '../../providers/http.js';
import type { ProviderId } from '../../providers/provider.js';
import type { ProviderRegistry } from '../../providers/registry.js';
import type { CashoutRequest } from '../../providers/capabilities.js';
import { StateUnavailableError } from '../../state/errors.js';
import { IDEMPOTENCY_RETENTION_MS, type IdempotencyStore } from '../../state/idempotency-store.js';
import { audit, type AuditEntry } from '../common/audit.js';
import { checkCharge, type ChargeFields } from '../common/charge.input.js';
import { fingerprint, OutcomeUnknown, runIdempotent, type IdempotentResult, type UnknownNote } from '../common/idempotency.js';
import { InputCheck } from '../common/input-rules.js';

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

/**
 * What is kept for a referenceId (stored as JSON; records written before issue 27 are `{ cashoutId }` or
 * `{ userErrors }` and read the same): CREATED — the transfer's id (or, when only the account's listing
 * showed it, the listing row and `listed: true`); REFUSED — a refusal that proves nothing moved
 * (errors.ts, FINAL_REFUSAL_REASONS, and only when no attempt's answer was lost). UNKNOWN is never
 * kept here: it is the pending key's note (state/idempotency-store.ts), so a retry finds it out.
 */
export type CashoutOutcome =
  | {
      cashoutId: string;
      listed?: boolean;
      transactionId?: string;
      /** Set when the outcome was unknown first: when it was found out (ISO). */
      foundOutAt?: string;
    }
  | { userErrors: UserError[] };

/** The idempotency key of a referenceId (one per gateway: another app reusing it is a conflict). */
export const cashoutKey = (referenceId: string) => `cashout:${referenceId}`;

/** The checked input: the request for TelePagos, or the input errors (already audited as invalid). */
export type CheckedCashout = { ok: true; request: CashoutRequest; base: AuditBase } | { ok: false; answer: CashoutAnswer };

export function checkCashout(ctx: GatewayContext, input: CashoutFields): CheckedCashout {
  const check = new InputCheck();
  const referenceId = check.key(['input', 'referenceId'], input.referenceId);
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

/** The dependencies of sending and resolving a transfer: a request's context has them all, so does a background job. */
export interface CashoutDeps {
  providers: ProviderRegistry;
  idempotency: IdempotencyStore;
  events: EventBus;
  logger: Logger;
  /** UPSTREAM_TIMEOUT_MS: the lease on a referenceId is derived from it (cashoutLeaseMs). */
  upstreamTimeoutMs: number;
}

function depsOf(ctx: GatewayContext): CashoutDeps {
  return { providers: ctx.providers, idempotency: ctx.idempotency, events: ctx.events, logger: ctx.logger, upstreamTimeoutMs: ctx.config.upstreamTimeoutMs };
}

/** Why a retry found nothing to settle the outcome: kept as the key's unknown note. */
const unknownNote = (request: CashoutRequest) => (error: unknown) => {
  // Only a failure proving nothing reached TelePagos leaves the key clean (an earlier note stays).
  if (error instanceof ProviderError && failureOutcome(error) === 'not_sent') return undefined;
  return { why: error instanceof OutcomeUnknown ? error.why : describeFailure(error), subject: request };
};

/**
 * One attempt at a referenceId's outcome. Without `unknown` (no earlier attempt may have acted): send;
 * an id is CREATED, a final refusal REFUSED, anything else UNKNOWN (thrown). With it (an earlier answer
 * was lost, or its holder stopped): find out, never send blind — the same reference again (TelePagos
 * documents that it returns the result): an id is CREATED; anything else is not believed (a 409 on a
 * replay may mean "done"), and the account's listing is searched: exactly one matching transfer is
 * CREATED, otherwise still UNKNOWN (thrown). Never REFUSED after a lost answer.
 */
async function attemptCashout(deps: CashoutDeps, request: CashoutRequest, unknown: UnknownNote | undefined, call: CallContext): Promise<CashoutOutcome> {
  const sink = deps.providers.sole('cashoutSink');
  if (unknown && !sink.replaysByReference) throw new OutcomeUnknown(`${ANSWER_LOST}; ${sink.provider} does not document replays`);
  try {
    const cashout = await sink.createCashout(request, call);
    return unknown ? { cashoutId: cashout.id, foundOutAt: new Date().toISOString() } : { cashoutId: cashout.id };
  } catch (error) {
    const outcome = failureOutcome(error);
    if (!unknown) {
      if (outcome === 'refused') return { userErrors: [providerUserError(error, ['input'], 'referenceId')] };
      if (outcome === 'not_sent') throw error;
      throw new OutcomeUnknown(describeFailure(error), { cause: error });
    }
    return findInListing(deps, request, unknown, call, error);
  }
}

/** The account's listing, after a replay that did not answer the id: CREATED when exactly one transfer matches. */
async function findInListing(
  deps: CashoutDeps,
  request: CashoutRequest,
  unknown: UnknownNote,
  call: CallContext,
  replayError: unknown,
): Promise<CashoutOutcome> {
  const sink = deps.providers.sole('cashoutSink');
  const replay = describeFailure(replayError);
  if (!sink.findSent) throw new OutcomeUnknown(`${ANSWER_LOST}; the replay answered ${replay}`, { cause: replayError });
  let search;
  try {
    search = await sink.findSent(request, unknown.sinceMs, call);
  } catch (error) {
    throw new OutcomeUnknown(`${ANSWER_LOST}; the replay answered ${replay}; the transactions could not be read (${describeFailure(error)})`, {
      cause: error,
    });
  }
  if (search.found === 'one') {
    deps.logger.warn({ referenceId: request.referenceId, replay }, 'cash-out with a lost answer found in the account transactions');
    return {
      cashoutId: listedCashoutLocalId(request.referenceId),
      listed: true,
      transactionId: toGlobalId('Transaction', sink.provider, search.transaction.id),
      foundOutAt: new Date().toISOString(),
    };
  }
  const listing = search.found === 'none' ? 'no matching transfer in the transactions yet' : `${search.count} matching transfers in the transactions`;
  throw new OutcomeUnknown(`${ANSWER_LOST}; the replay answered ${replay}; ${listing}`, { cause: replayError });
}

/** How a retry's note begins (the first note's `sinceMs` is kept by the store; its why is replaced by the latest check). */
const ANSWER_LOST = 'an earlier answer was lost';

/** A short, safe account of a failure (no provider body, no account number). */
function describeFailure(error: unknown): string {
  if (error instanceof ProviderError)
    return `${error.provider}: ${error.reason.toLowerCase().replace(/_/g, ' ')}${error.httpStatus ? ` (HTTP ${error.httpStatus})` : ''}`;
  if (error instanceof OutcomeUnknown) return error.why;
  return 'an unexpected failure';
}

/** The GraphQL value of a kept CREATED outcome. */
export function createdCashout(provider: ProviderId, referenceId: string, outcome: { cashoutId: string; transactionId?: string }): CashoutValue {
  return cashoutValue(provider, outcome.cashoutId, { referenceId, transactionId: outcome.transactionId ?? null });
}

/**
 * Tells subscribers that a transfer whose outcome was unknown is known now: CASHOUT_UPDATED, its id
 * derived from the referenceId. The event log appends an event id once, so announcing again is harmless:
 * every reading of a settled outcome announces it (`settled`), and an announcement the bus failed is made
 * by the next reading (the watcher re-reads an unknown cash-out until a reading succeeds).
 */
async function announceResolved(deps: CashoutDeps, referenceId: string, cashout: CashoutValue, observedAt: string): Promise<void> {
  await deps.events.publish({
    id: eventId(cashout.provider, `resolved:${referenceId}`),
    provider: cashout.provider,
    type: 'CASHOUT_UPDATED',
    occurredAt: observedAt,
    observedAt,
    cashout,
  });
}

/** Sends the transfer unless this referenceId already has an outcome (or another request is sending it). */
export function sendOnce(ctx: GatewayContext, request: CashoutRequest): Promise<IdempotentResult<CashoutOutcome>> {
  // The client's name is part of the input: another app reusing the key is a conflict, not a replay.
  const print = fingerprint({ ...request, client: ctx.client.name });
  const deps = depsOf(ctx);
  const leaseMs = cashoutLeaseMs(deps.upstreamTimeoutMs);
  return runIdempotent<CashoutOutcome>(
    ctx.idempotency,
    cashoutKey(request.referenceId),
    print,
    { leaseMs, waitMs: leaseMs, unknown: unknownNote(request) },
    // No caller signal: once a transfer is on its way, we wait for its outcome even if the client left.
    (_attempt, unknown) => attemptCashout(deps, request, unknown, detachedCallContext(ctx)),
  ).then(async (result) => {
    // The attempt that settled an unknown outcome tells subscribers, once (a replay does not).
    if (result.kind === 'fresh' && 'cashoutId' in result.outcome && result.outcome.foundOutAt) {
      const cashout = createdCashout(deps.providers.sole('cashoutSink').provider, request.referenceId, result.outcome);
      await announceResolved(deps, request.referenceId, cashout, result.outcome.foundOutAt).catch((error: unknown) =>
        deps.logger.warn(
          { err: error, referenceId: request.referenceId },
          'CASHOUT_UPDATED (outcome found out) not published yet: the watcher publishes it on its next reading',
        ),
      );
    }
    return result;
  });
}

/** What resolveUnknownCashout found: the outcome now, or why there is nothing to do. */
export type CashoutResolution =
  /** The transfer exists (found out now, or known already: `published` says whether this call found it out; every reading of a found-out transfer announces it, once in the log). */
  | { status: 'CREATED'; cashout: CashoutValue; published: boolean }
  /** It was refused before any answer was lost: nothing moved (known already). */
  | { status: 'REFUSED'; userErrors: UserError[] }
  /** Still unknown: since when and why (re-read later; CASHOUT_LISTING_DELAY_MS says how long a listing may lag). */
  | { status: 'UNKNOWN'; since?: string; why: string }
  /** Another attempt holds the referenceId right now (a client retry or another replica): try later. */
  | { status: 'BUSY' }
  /** No attempt of it can have reached TelePagos (or no record of it): nothing to find out. */
  | { status: 'NOT_SENT' };

/**
 * Finds out the outcome of a cash-out whose answer was lost, outside any request (a background watcher):
 * takes the referenceId's key like a client retry would (so a retry and the watcher never both act),
 * replays the same reference, then searches the account's transactions; keeps what it learns and, when
 * the transfer turns out CREATED, publishes CASHOUT_UPDATED (status CREATED, observedAt) exactly once.
 * Never sends a transfer that was not already asked for, never answers REFUSED for an unknown one.
 */
export async function resolveUnknownCashout(deps: CashoutDeps, referenceId: string): Promise<CashoutResolution> {
  const key = cashoutKey(referenceId);
  const record = await deps.idempotency.get(key);
  if (!record) return { status: 'NOT_SENT' };
  if (record.state === 'completed') return settled(deps, referenceId, record.outcome as CashoutOutcome, false);
  const claim = await deps.idempotency.claim(key, record.fingerprint, cashoutLeaseMs(deps.upstreamTimeoutMs));
  switch (claim.status) {
    case 'completed':
      return settled(deps, referenceId, claim.outcome as CashoutOutcome, false);
    case 'in_progress':
      return { status: 'BUSY' };
    case 'conflict':
      // The record changed under us (dropped and reused): not ours to judge.
      return { status: 'BUSY' };
    case 'claimed':
      break;
  }
  const unknown = claim.unknown;
  const request = unknown?.subject as CashoutRequest | undefined;
  if (!unknown || !request) {
    // Released clean (nothing sent), or a note without the request (its holder stopped): keep as it was.
    await deps.idempotency.release(key);
    return unknown
      ? { status: 'UNKNOWN', since: new Date(unknown.sinceMs).toISOString(), why: `${unknown.why}; the request is not recorded` }
      : { status: 'NOT_SENT' };
  }
  let outcome: CashoutOutcome;
  try {
    outcome = await attemptCashout(deps, request, unknown, {});
  } catch (error) {
    const note = unknownNote(request)(error);
    await deps.idempotency.release(key, note && { ...note, sinceMs: unknown.sinceMs }).catch(() => undefined);
    return { status: 'UNKNOWN', since: new Date(unknown.sinceMs).toISOString(), why: note?.why ?? unknown.why };
  }
  await deps.idempotency.complete(key, outcome, IDEMPOTENCY_RETENTION_MS).catch(async (error: unknown) => {
    deps.logger.error({ err: error, referenceId }, 'found-out cash-out outcome not recorded in the idempotency store');
    await deps.idempotency.release(key).catch(() => undefined);
  });
  return settled(deps, referenceId, outcome, true);
}

/** A settled outcome; a CREATED one found out is announced (again: a no-op once it is in the log; a bus failure throws, and the watcher reads again). */
async function settled(deps: CashoutDeps, referenceId: string, outcome: CashoutOutcome, fresh: boolean): Promise<CashoutResolution> {
  if (!('cashoutId' in outcome)) return { status: 'REFUSED', userErrors: outcome.userErrors };
  const cashout = createdCashout(deps.providers.sole('cashoutSink').provider, referenceId, outcome);
  if (outcome.foundOutAt) await announceResolved(deps, referenceId, cashout, outcome.foundOutAt);
  return { status: 'CREATED', cashout, published: fresh };
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
        'A transfer with this referenceId is still in progress; retrying with the same referenceId and data is safe',
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
        ? { cashout: createdCashout(ctx.providers.sole('cashoutSink').provider, base.referenceId ?? '', outcome), userErrors: [] }
        : { cashout: null, userErrors: outcome.userErrors };
    }
  }
}

/** The answer when the run threw: the idempotency store was unreachable, nothing was sent, or the outcome is unknown. */
export function answerForFailure(ctx: GatewayContext, base: AuditBase, error: unknown): CashoutAnswer {
  if (error instanceof StateUnavailableError) {
    audit(ctx, { ...base, outcome: 'unavailable' });
    // Without the idempotency record we cannot promise "at most once": refuse before sending.
    ctx.logger.error({ err: error }, 'idempotency store unavailable; cash-out refused');
    return refusal(null, 'Pasarela cannot record transfers right now, so none was sent; retry shortly with the same input', UserErrorCode.PROVIDER_UNAVAILABLE);
  }
  if (error instanceof ProviderError && failureOutcome(error) === 'not_sent') {
    audit(ctx, { ...base, outcome: 'unavailable' });
    return { cashout: null, userErrors: [providerUserError(error, null, 'referenceId')] };
  }
  // Unknown outcome: the key stays pending with its note; a retry finds it out (never a second transfer).
  audit(ctx, { ...base, outcome: 'unknown' });
  ctx.logger.warn({ referenceId: base.referenceId, why: describeFailure(error) }, 'cash-out outcome unknown');
  return refusal(
    ['input', 'referenceId'],
    `The transfer's outcome is unknown (${describeFailure(error)}): it may or may not have been made. Retry with the same referenceId and data: that never sends a second transfer, and answers the transfer once Pasarela finds it`,
    UserErrorCode.OUTCOME_UNKNOWN,
  );
}

function refusal(field: string[] | null, message: string, code: UserErrorCode): CashoutAnswer {
  return { cashout: null, userErrors: [userError(field, message, code)] };
}
