/**
 * Objects watched until final. A notification can be lost, or never sent: every object the gateway
 * created that may still change (a Talo payment; other kinds are one `register` away) is re-read by the
 * gateway itself — first PENDING_POLL_INTERVAL_MS after it was watched, then at twice the previous
 * wait, up to PENDING_POLL_MAX_INTERVAL_MS — until it is final or its watch expires
 * (DEFAULT_WATCH_EXPIRY_MS after it was first seen).
 *
 * Every replica runs a Watcher; the entries are shared (WatchStore: memory, or Redis for replicas) and a
 * due entry is taken under a lease, so one replica re-reads each object. Re-reads are limited per
 * provider by a token bucket shared by the replicas (PENDING_POLL_PER_MINUTE); an entry the bucket has
 * no token for is put back, due when one is. A re-read whose state changed is recorded and published
 * through the webhook pipeline's own step (./publish-once.ts), so a change is published exactly once
 * whether its notification came before, later or never. An object whose final state is already
 * recorded (its notification came first) is dropped without a provider call.
 */
import { randomUUID } from 'node:crypto';
import type { CallContext } from '../domain/models.js';
import type { Logger } from '../logging.js';
import type { ProviderId } from '../providers/provider.js';
import type { RateLimit, RateLimiter } from '../state/rate-limiter.js';
import type { EventBus } from './bus.js';
import { PUBLISHED_STATE_RETENTION_MS, type EventDedupeStore } from './dedupe.js';
import { publishOnce } from './publish-once.js';
import type { Reading } from './readings.js';
import type { TakenWatch, WatchEntry, WatchStore } from './watch-store.js';

/** PENDING_POLL_INTERVAL_MS's default: the first re-read, 30 s after the object was watched. */
export const DEFAULT_POLL_INTERVAL_MS = 30_000;
/** PENDING_POLL_MAX_INTERVAL_MS's default: the wait between re-reads doubles up to 15 minutes. */
export const DEFAULT_POLL_MAX_INTERVAL_MS = 15 * 60_000;
/** PENDING_POLL_PER_MINUTE's default: re-reads per provider per minute, all replicas together. */
export const DEFAULT_POLL_PER_MINUTE = 60;
/**
 * How long an object is watched at most: 7 days. A Talo payment turns EXPIRED (final) on its own long
 * before; this bounds an object whose provider never says it is final.
 */
export const DEFAULT_WATCH_EXPIRY_MS = 7 * 24 * 60 * 60_000;
/** How long a taken entry is the taker's: far longer than a re-read may take (READ_DEADLINE_MS). */
export const WATCH_LEASE_MS = 60_000;
/** The deadline of one re-read's provider calls. */
export const READ_DEADLINE_MS = 10_000;
/** Entries taken per provider per wake-up. */
export const TAKE_BATCH = 20;

/** The per-provider budget of re-reads: PENDING_POLL_PER_MINUTE, in bursts of up to 10 seconds' worth. */
export function pollBudget(perMinute: number): RateLimit {
  return { perSecond: perMinute / 60, burst: Math.max(1, Math.ceil(perMinute / 6)) };
}

/**
 * A kind of watched object: how it is read back from its provider and what a read says. Registering
 * one (`Watcher.register`) is all a new kind needs.
 */
export interface WatchKind<T = unknown> {
  readonly kind: string;
  /** Reads the object from its provider (through a capability, never by the provider's name). */
  read(provider: ProviderId, id: string, call: CallContext): Promise<T>;
  /** What the read says: state, final, event — the same function the webhook handler uses, if any. */
  judge(object: T): Reading;
  /** The object's name in the de-duplication store, as its webhook handler names it (default: the id). */
  object?(id: string): string;
}

/** What creating modules call. */
export interface Watches {
  /**
   * Watches `provider`'s object `id` of `kind` until it is final or expired. `seen` is the object as the
   * gateway already knows it (what creating it answered): its state is recorded as published, so a
   * re-read that finds it unchanged publishes nothing (and a final one is not watched). Never throws: a
   * watch that cannot be stored is logged and counted.
   */
  watch(kind: string, provider: ProviderId, id: string, seen?: unknown): Promise<void>;
}

/** How one due entry went. */
export type RereadOutcome = 'published' | 'unchanged' | 'final' | 'expired' | 'failed' | 'deferred';

export interface WatcherOptions {
  store: WatchStore;
  dedupe: EventDedupeStore;
  events: EventBus;
  /** The shared token buckets of the per-provider budget; without one, re-reads are not limited. */
  rateLimiter?: RateLimiter;
  logger: Logger;
  /** The providers whose entries this replica takes (the configured ones). */
  providers: () => readonly ProviderId[];
  intervalMs?: number;
  maxIntervalMs?: number;
  /** Re-reads per provider (default pollBudget(DEFAULT_POLL_PER_MINUTE)). */
  budget?: RateLimit;
  expiryMs?: number;
  /** How often the loop wakes (default half the interval, from 10 ms to 1 s). */
  wakeMs?: number;
  leaseMs?: number;
  retentionMs?: number;
  /** The clock (epoch ms). */
  now?: () => number;
  onReread?(provider: ProviderId, kind: string, outcome: RereadOutcome): void;
  onWatch?(kind: string, outcome: 'watched' | 'final' | 'failed'): void;
}

export class Watcher implements Watches {
  private readonly kinds = new Map<string, WatchKind>();
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly intervalMs: number;
  private readonly maxIntervalMs: number;
  private readonly budget: RateLimit;
  private readonly wakeMs: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private started = false;
  /** Set by `stop`: a pass under way puts back what it has not re-read yet. */
  private stopping = false;

  constructor(private readonly options: WatcherOptions) {
    this.log = options.logger.child({ component: 'watcher' });
    this.now = options.now ?? Date.now;
    this.intervalMs = options.intervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    this.maxIntervalMs = Math.max(this.intervalMs, options.maxIntervalMs ?? DEFAULT_POLL_MAX_INTERVAL_MS);
    this.budget = options.budget ?? pollBudget(DEFAULT_POLL_PER_MINUTE);
    this.wakeMs = options.wakeMs ?? Math.min(1_000, Math.max(10, Math.floor(this.intervalMs / 2)));
  }

  /** Adds a kind of watched object (its name must be new). */
  register<T>(kind: WatchKind<T>): this {
    if (this.kinds.has(kind.kind)) throw new Error(`watch kind ${kind.kind} is registered already`);
    this.kinds.set(kind.kind, kind as WatchKind);
    return this;
  }

  async watch(kind: string, provider: ProviderId, id: string, seen?: unknown): Promise<void> {
    const watched = this.kinds.get(kind);
    try {
      if (!watched) throw new Error(`no watch kind ${kind} is registered`);
      if (seen !== undefined) {
        const reading = watched.judge(seen);
        await this.options.dedupe.record(this.objectOf(watched, provider, id), reading.state, reading.final, this.retentionMs);
        if (reading.final) return this.options.onWatch?.(kind, 'final');
      }
      const now = this.now();
      const entry: WatchEntry = { kind, provider, id, attempt: 0, firstSeen: now, expiresAt: now + (this.options.expiryMs ?? DEFAULT_WATCH_EXPIRY_MS) };
      // false: watched already (the same object watched twice is one watch), or a full memory store.
      if (!(await this.options.store.add(entry, now + this.intervalMs)))
        this.log.info({ kind, provider, id }, 'object watched already (or the watch store is full)');
      this.options.onWatch?.(kind, 'watched');
    } catch (error) {
      this.log.warn({ err: error, kind, provider, id }, 'object not watched: it is updated only when its notification arrives');
      this.options.onWatch?.(kind, 'failed');
    }
  }

  /** Starts waking every `wakeMs` (no-op when running; after `stop`, starts again). */
  start(): void {
    if (this.started && !this.stopping) return;
    this.started = true;
    this.stopping = false;
    this.schedule();
  }

  /** Stops waking; resolves when the pass under way (if any) has finished. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One pass: every due entry of every provider, within the providers' budgets. */
  async pass(): Promise<void> {
    await Promise.all(this.options.providers().map((provider) => this.passProvider(provider)));
  }

  private schedule(): void {
    if (this.stopping) return;
    // One timer, one pass at a time (a `start` right after a `stop` may find a pass still finishing).
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (this.running) return this.schedule();
      this.running = this.pass()
        .catch((error: unknown) => this.log.error({ err: error }, 'watcher pass failed'))
        .finally(() => {
          this.running = undefined;
          this.schedule();
        });
    }, this.wakeMs);
    this.timer.unref();
  }

  private async passProvider(provider: ProviderId): Promise<void> {
    let taken: TakenWatch[];
    try {
      taken = await this.options.store.take(provider, this.now(), TAKE_BATCH, this.options.leaseMs ?? WATCH_LEASE_MS);
    } catch (error) {
      this.log.warn({ err: error, provider }, 'watch store unavailable; re-reads wait');
      return;
    }
    for (let i = 0; i < taken.length; i++) {
      if (this.stopping) {
        // Shutting down: what this replica took goes back, due now, for another replica.
        await this.putBack(taken.slice(i), this.now());
        return;
      }
      const deferredUntil = await this.reread(taken[i]!);
      if (deferredUntil !== undefined) {
        // The provider's budget is spent: the rest wait for its next token too.
        await this.putBack(taken.slice(i + 1), deferredUntil);
        for (const rest of taken.slice(i + 1)) this.options.onReread?.(provider, rest.entry.kind, 'deferred');
        return;
      }
    }
  }

  /** Re-reads one taken entry; returns when it was deferred (the provider's budget is spent), until when. */
  private async reread(taken: TakenWatch): Promise<number | undefined> {
    const { entry } = taken;
    const { provider, id } = entry;
    const done = (outcome: RereadOutcome) => this.options.onReread?.(provider, entry.kind, outcome);
    const log = this.log.child({ kind: entry.kind, provider, id, attempt: entry.attempt });
    try {
      const kind = this.kinds.get(entry.kind);
      if (this.now() >= entry.expiresAt) {
        await this.options.store.drop(taken);
        log.info('watch expired before the object was final');
        return void done('expired');
      }
      if (!kind) {
        // A kind another replica (a newer version) registered: left for a replica that knows it.
        log.warn('no such watch kind registered here');
        await this.later(taken);
        return void done('failed');
      }
      const object = this.objectOf(kind, provider, id);
      if ((await this.options.dedupe.lookup(object, undefined)).final) {
        await this.options.store.drop(taken);
        return void done('final');
      }
      const retryAfterMs = await this.spend(provider);
      if (retryAfterMs !== undefined) {
        const until = this.now() + retryAfterMs;
        await this.options.store.reschedule(taken, entry, until);
        done('deferred');
        return until;
      }
      const reading = kind.judge(await kind.read(provider, id, { requestId: `watch-${randomUUID()}`, signal: AbortSignal.timeout(READ_DEADLINE_MS) }));
      const outcome = await publishOnce(
        {
          events: this.options.events,
          dedupe: this.options.dedupe,
          retentionMs: this.retentionMs,
          onForgetFailed: (error) => log.warn({ err: error }, 'de-duplication state not released'),
        },
        provider,
        reading.object ?? kind.object?.(id) ?? id,
        reading,
      );
      if (outcome === 'published') log.info({ state: reading.state }, 'change found by re-reading published');
      if (reading.final) await this.options.store.drop(taken);
      else await this.later(taken);
      return void done(outcome === 'published' ? 'published' : reading.final ? 'final' : 'unchanged');
    } catch (error) {
      log.warn({ err: error }, 're-read failed; tried again later');
      await this.later(taken).catch((storeError: unknown) => log.warn({ err: storeError }, 'watch store unavailable; the lease lapses'));
      return void done('failed');
    }
  }

  /** Reschedules a taken entry one attempt later: the wait doubles from the interval up to the maximum. */
  private later(taken: TakenWatch): Promise<void> {
    const attempt = taken.entry.attempt + 1;
    const waitMs = Math.min(this.maxIntervalMs, this.intervalMs * 2 ** Math.min(attempt, 30));
    return this.options.store.reschedule(taken, { ...taken.entry, attempt }, this.now() + waitMs);
  }

  private async putBack(taken: readonly TakenWatch[], dueAt: number): Promise<void> {
    for (const entry of taken) {
      await this.options.store
        .reschedule(entry, entry.entry, dueAt)
        .catch((error: unknown) => this.log.warn({ err: error }, 'watch store unavailable; the lease lapses'));
    }
  }

  /** A token from the provider's budget: undefined when taken, otherwise how long until one is back. */
  private async spend(provider: ProviderId): Promise<number | undefined> {
    if (!this.options.rateLimiter) return undefined;
    try {
      const decision = await this.options.rateLimiter.take(`watch:${provider}`, this.budget);
      return decision.allowed ? undefined : Math.max(1, decision.retryAfterMs);
    } catch (error) {
      // As for webhook confirmations: a state store outage does not stop re-reads that got this far.
      this.log.warn({ err: error, provider }, 're-read budget unavailable; re-read allowed');
      return undefined;
    }
  }

  private objectOf(kind: WatchKind, provider: ProviderId, id: string): string {
    return `${provider}:${kind.object?.(id) ?? id}`;
  }

  private get retentionMs(): number {
    return this.options.retentionMs ?? PUBLISHED_STATE_RETENTION_MS;
  }
}
