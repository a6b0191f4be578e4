/**
 * Webhook de-duplication: providers deliver the same event more than once (retries, replays); each is
 * published once. Keys are kept for a day. Behind an interface so replicas share it (Redis).
 */

export interface EventDedupeStore {
  /** True the first time `key` is seen within `ttlMs`, false afterwards. Atomic. */
  firstSeen(key: string, ttlMs: number): Promise<boolean>;
  /**
   * Forgets `key`, so it is first seen again: called when the event it marked could not be published,
   * so that the provider's retry is published instead of dropped as a duplicate. Optional: a store
   * without it loses such an event.
   */
  forget?(key: string): Promise<void>;
}

export const EVENT_DEDUPE_TTL_MS = 24 * 60 * 60 * 1000;

export class MemoryEventDedupeStore implements EventDedupeStore {
  private readonly seen = new Map<string, number>();
  private lastSweep = Date.now();

  async firstSeen(key: string, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    this.sweep(now);
    const until = this.seen.get(key);
    if (until !== undefined && until > now) return false;
    this.seen.set(key, now + ttlMs);
    return true;
  }

  async forget(key: string): Promise<void> {
    this.seen.delete(key);
  }

  /** Drops expired keys at most once a minute, so memory follows the event rate, not uptime. */
  private sweep(now: number): void {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    for (const [key, until] of this.seen) if (until <= now) this.seen.delete(key);
  }
}
