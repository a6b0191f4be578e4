/**
 * Idempotency records for money-moving mutations (Stripe's semantics are the model): key → fingerprint
 * of the input + outcome, kept for a day. Behind an interface so replicas can share them (Redis).
 *
 * A record is `pending` from the moment a caller claims the key until the outcome is known. The claim
 * carries a lease: while it is held, other callers with the same key wait for the outcome; when it
 * lapses (the holder died) or is released (the provider timed out and the outcome is unknown, or nothing
 * was sent), the next caller takes the key over. A takeover is told when an earlier attempt may have
 * acted (`unknown`: a release with a note, or any lapsed lease): it must find out, never send blind.
 */

export interface IdempotencyRecord {
  fingerprint: string;
  state: 'pending' | 'completed';
  /** The outcome to replay (JSON-serializable), once completed. */
  outcome?: unknown;
  /** While pending: until when the current holder owns the key (epoch ms). */
  leaseUntilMs?: number;
  /** How many times the key was claimed (1 for the first attempt). */
  attempts: number;
  /**
   * Set while pending when an attempt may have reached the provider and its answer was lost: the
   * outcome is UNKNOWN (never a refusal). Kept across takeovers until the key completes.
   */
  unknown?: UnknownNote;
}

/** Why a key's outcome is unknown, since when, and what was asked (so it can be found out later). */
export interface UnknownNote {
  /** When the first attempt whose answer was lost was made (epoch ms): the earliest it can have acted. */
  sinceMs: number;
  /** A short, safe explanation (e.g. "TELEPAGOS: timeout"). */
  why: string;
  /** What the attempt asked the provider (JSON), for whoever resolves the outcome from the provider's reads. */
  subject?: unknown;
}

export type ClaimResult =
  /**
   * Ours: go ahead. attempt > 1 means a takeover: a previous attempt may have acted (its holder died,
   * or its answer was lost: then `unknown` says since when and why).
   */
  | { status: 'claimed'; attempt: number; unknown?: UnknownNote }
  /** Already finished: replay this outcome. */
  | { status: 'completed'; outcome: unknown }
  /** Someone else holds the key right now: wait for their outcome. */
  | { status: 'in_progress' }
  /** The key was used with another input. */
  | { status: 'conflict' };

export interface IdempotencyStore {
  /** Atomically claims `key` for `fingerprint` with a lease of `leaseMs`. */
  claim(key: string, fingerprint: string, leaseMs: number): Promise<ClaimResult>;
  /** Stores the outcome; the record is kept for `retentionMs`. */
  complete(key: string, outcome: unknown, retentionMs: number): Promise<void>;
  /**
   * Gives up the lease but keeps the record pending, for a retry to take over. With `unknown`, records
   * that an attempt may have reached the provider (an earlier note's `sinceMs` is kept: the first).
   */
  release(key: string, unknown?: UnknownNote): Promise<void>;
  get(key: string): Promise<IdempotencyRecord | undefined>;
}

/** The note of a takeover of a lapsed lease: its holder stopped (crashed, or its store froze) mid-attempt. */
export const LAPSED_WHY = 'an earlier attempt stopped without recording its outcome';

/** How long records are kept: at least a day, per the contract. */
export const IDEMPOTENCY_RETENTION_MS = 24 * 60 * 60 * 1000;

export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly records = new Map<string, IdempotencyRecord & { expiresAtMs: number }>();

  private live(key: string): (IdempotencyRecord & { expiresAtMs: number }) | undefined {
    const record = this.records.get(key);
    if (record && record.expiresAtMs <= Date.now()) {
      this.records.delete(key);
      return undefined;
    }
    return record;
  }

  async claim(key: string, fingerprint: string, leaseMs: number): Promise<ClaimResult> {
    const now = Date.now();
    const record = this.live(key);
    if (!record) {
      this.records.set(key, { fingerprint, state: 'pending', leaseUntilMs: now + leaseMs, attempts: 1, expiresAtMs: now + IDEMPOTENCY_RETENTION_MS });
      return { status: 'claimed', attempt: 1 };
    }
    if (record.fingerprint !== fingerprint) return { status: 'conflict' };
    if (record.state === 'completed') return { status: 'completed', outcome: record.outcome };
    if ((record.leaseUntilMs ?? 0) > now) return { status: 'in_progress' };
    // A lease that lapsed (never released) belonged to an attempt that stopped without a word: it may
    // have reached the provider. A released one (leaseUntilMs 0) said so itself, with a note or without.
    if (!record.unknown && (record.leaseUntilMs ?? 0) > 0) record.unknown = { sinceMs: record.leaseUntilMs! - leaseMs, why: LAPSED_WHY };
    record.leaseUntilMs = now + leaseMs;
    record.attempts++;
    return record.unknown ? { status: 'claimed', attempt: record.attempts, unknown: { ...record.unknown } } : { status: 'claimed', attempt: record.attempts };
  }

  async complete(key: string, outcome: unknown, retentionMs: number): Promise<void> {
    const record = this.live(key);
    if (!record) return;
    Object.assign(record, { state: 'completed', outcome, leaseUntilMs: undefined, unknown: undefined, expiresAtMs: Date.now() + retentionMs });
  }

  async release(key: string, unknown?: UnknownNote): Promise<void> {
    const record = this.live(key);
    if (!record || record.state !== 'pending') return;
    record.leaseUntilMs = 0;
    if (unknown) record.unknown = { ...unknown, sinceMs: record.unknown?.sinceMs ?? unknown.sinceMs };
  }

  async get(key: string): Promise<IdempotencyRecord | undefined> {
    const record = this.live(key);
    if (!record) return undefined;
    const { expiresAtMs: _expires, unknown, ...rest } = record;
    return unknown ? { ...rest, unknown: { ...unknown } } : { ...rest };
  }
}
