/**
 * Runs a money-moving operation at most once per idempotency key (see state/idempotency-store.ts):
 * the same key and input replays the first outcome; the same key with other input is a conflict;
 * concurrent callers with the same key wait for the one doing the work; an outcome that stays unknown
 * (provider timeout) leaves the key pending with a note saying so (`options.unknown`), so a retry
 * knows an earlier attempt may have acted: it finds out (cash-out: the same reference again, then the
 * account's listing) or answers UNKNOWN, and never treats the lost answer as "nothing was sent".
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { IDEMPOTENCY_RETENTION_MS, type IdempotencyStore, type UnknownNote } from '../../state/idempotency-store.js';

export type { UnknownNote } from '../../state/idempotency-store.js';

export type IdempotentResult<O> =
  /**
   * `unrecorded`: the outcome is real (the provider acted) but the store failed to keep it; the key was
   * left for a retry to take over, which re-sends the same provider reference.
   */
  | { kind: 'fresh'; outcome: O; attempt: number; unrecorded?: unknown }
  | { kind: 'replayed'; outcome: O }
  | { kind: 'conflict' }
  /** Another request with this key is still running after `waitMs`. */
  | { kind: 'in_progress' };

/**
 * Thrown by a `perform` when the provider may have acted but its answer is not known: the key is kept
 * pending with `why` (the caller answers OUTCOME_UNKNOWN), never released as "nothing sent".
 */
export class OutcomeUnknown extends Error {
  constructor(
    readonly why: string,
    options?: { cause?: unknown },
  ) {
    super(`outcome unknown: ${why}`, options);
    this.name = 'OutcomeUnknown';
  }
}

/** The note of a key whose outcome the provider gave but the store failed to keep. */
export const UNRECORDED_WHY = 'an earlier attempt succeeded but its outcome could not be recorded';

export interface IdempotencyOptions {
  /** How long one attempt owns the key: longer than the provider call with all its retries. */
  leaseMs: number;
  /** How long a concurrent caller waits for the owner's outcome. */
  waitMs: number;
  pollMs?: number;
  /**
   * When `perform` throws: the note to keep on the pending key if the provider may have acted (without
   * `sinceMs`: the attempt's start is used, or the first note's), or undefined when nothing can have
   * reached it (the key is released clean). Without this option every failure is released clean.
   */
  unknown?: (error: unknown) => Omit<UnknownNote, 'sinceMs'> | undefined;
}

/** A stable digest of the input: the same data in any key order gives the same fingerprint. */
export function fingerprint(input: Record<string, unknown>): string {
  const canonical = JSON.stringify(
    Object.keys(input)
      .sort()
      .map((key) => [key, input[key] ?? null]),
  );
  return createHash('sha256').update(canonical).digest('hex');
}

/**
 * `perform` returns the outcome to keep (success or a definitive refusal) or throws when the outcome
 * is unknown (the provider may or may not have acted): then the key is released, still pending.
 */
export async function runIdempotent<O>(
  store: IdempotencyStore,
  key: string,
  print: string,
  options: IdempotencyOptions,
  perform: (attempt: number, unknown?: UnknownNote) => Promise<O>,
): Promise<IdempotentResult<O>> {
  const deadline = Date.now() + options.waitMs;
  for (;;) {
    const claim = await store.claim(key, print, options.leaseMs);
    if (claim.status === 'conflict') return { kind: 'conflict' };
    if (claim.status === 'completed') return { kind: 'replayed', outcome: claim.outcome as O };
    if (claim.status === 'claimed') {
      let outcome: O;
      const startedAtMs = Date.now();
      try {
        outcome = await perform(claim.attempt, claim.unknown);
      } catch (error) {
        // The caller must see why perform failed (an unknown provider outcome), even if the store fails
        // too: then the lease simply lapses by itself (and the takeover, attempt > 1, is cautious).
        const note = options.unknown?.(error);
        await store.release(key, note && { ...note, sinceMs: claim.unknown?.sinceMs ?? startedAtMs }).catch(() => undefined);
        throw error;
      }
      try {
        await store.complete(key, outcome, IDEMPOTENCY_RETENTION_MS);
      } catch (error) {
        // The provider acted: its outcome is the answer, never "nothing was sent". Leave the key to a
        // retry (best effort) marked unknown (with `options.unknown`): the retry finds out (a cash-out
        // re-sends the same reference for the provider to de-duplicate) and never creates blind.
        const note = options.unknown?.(new OutcomeUnknown(UNRECORDED_WHY));
        await store.release(key, note && { ...note, sinceMs: claim.unknown?.sinceMs ?? startedAtMs }).catch(() => undefined);
        return { kind: 'fresh', outcome, attempt: claim.attempt, unrecorded: error };
      }
      return { kind: 'fresh', outcome, attempt: claim.attempt };
    }
    if (Date.now() >= deadline) return { kind: 'in_progress' };
    await sleep(options.pollMs ?? 50);
  }
}
