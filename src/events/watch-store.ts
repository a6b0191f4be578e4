/**
 * The objects the gateway watches until they are final (./watcher.ts): per provider, each entry and
 * when it is next due. Behind an interface so replicas share it (Redis: src/state/redis/watch-store.ts).
 *
 * A due entry is taken under a lease: `take` hands it to one caller, on one replica, and moves its due
 * time to the end of the lease, so no other caller gets it meanwhile and a replica that dies holding it
 * only delays it. The holder then reschedules or drops it; either is ignored once the lease has gone to
 * another caller. Times are the caller's clock (epoch ms), so a test moves them.
 */
import type { ProviderId } from '../providers/provider.js';

export interface WatchEntry {
  /** The kind of object (a registered watch kind: how it is read back). */
  kind: string;
  provider: ProviderId;
  /** The provider's id of the object. */
  id: string;
  /** Re-reads done so far. */
  attempt: number;
  /** When the gateway started watching it (epoch ms). */
  firstSeen: number;
  /** When the gateway stops watching it, final or not (epoch ms). */
  expiresAt: number;
}

/** An entry taken by one caller, with the lease that names the caller. */
export interface TakenWatch {
  entry: WatchEntry;
  lease: string;
}

export interface WatchStore {
  /** Watches `entry` from now on, first due at `dueAt`; false when it is watched already (nothing changes) or the store is full. */
  add(entry: WatchEntry, dueAt: number): Promise<boolean>;
  /**
   * Up to `max` of `provider`'s entries due at `now`, earliest first, each leased to this caller until
   * `now + leaseMs`: exactly one of concurrent callers, on any replica, gets a given entry.
   */
  take(provider: ProviderId, now: number, max: number, leaseMs: number): Promise<TakenWatch[]>;
  /** Puts a taken entry back as `entry` (its new attempt count), due at `dueAt`; nothing if the lease is no longer the caller's. */
  reschedule(taken: TakenWatch, entry: WatchEntry, dueAt: number): Promise<void>;
  /** Stops watching a taken entry (final or expired); nothing if the lease is no longer the caller's. */
  drop(taken: TakenWatch): Promise<void>;
  /** The entry and when it is due, if watched (for operators and tests). */
  get(kind: string, provider: ProviderId, id: string): Promise<{ entry: WatchEntry; dueAt: number } | undefined>;
}

/** Entries the in-memory store holds (one process); a watch past it is refused (and logged). */
export const MAX_WATCHES_IN_MEMORY = 100_000;

/** The member naming an entry within its provider. */
export const watchMember = (kind: string, id: string): string => `${kind}:${id}`;

interface Held {
  entry: WatchEntry;
  dueAt: number;
  lease?: string;
}

let leases = 0;

export class MemoryWatchStore implements WatchStore {
  private readonly providers = new Map<ProviderId, Map<string, Held>>();
  private count = 0;

  constructor(private readonly maxEntries = MAX_WATCHES_IN_MEMORY) {}

  async add(entry: WatchEntry, dueAt: number): Promise<boolean> {
    const entries = this.of(entry.provider);
    const member = watchMember(entry.kind, entry.id);
    if (entries.has(member) || this.count >= this.maxEntries) return false;
    entries.set(member, { entry: { ...entry }, dueAt });
    this.count++;
    return true;
  }

  async take(provider: ProviderId, now: number, max: number, leaseMs: number): Promise<TakenWatch[]> {
    const due = [...this.of(provider).values()].filter((held) => held.dueAt <= now).sort((a, b) => a.dueAt - b.dueAt);
    const lease = `memory-${++leases}`;
    return due.slice(0, max).map((held) => {
      held.lease = lease;
      held.dueAt = now + leaseMs;
      return { entry: { ...held.entry }, lease };
    });
  }

  async reschedule(taken: TakenWatch, entry: WatchEntry, dueAt: number): Promise<void> {
    const held = this.held(taken);
    if (!held) return;
    held.entry = { ...entry };
    held.dueAt = dueAt;
    held.lease = undefined;
  }

  async drop(taken: TakenWatch): Promise<void> {
    if (!this.held(taken)) return;
    this.of(taken.entry.provider).delete(watchMember(taken.entry.kind, taken.entry.id));
    this.count--;
  }

  async get(kind: string, provider: ProviderId, id: string): Promise<{ entry: WatchEntry; dueAt: number } | undefined> {
    const held = this.of(provider).get(watchMember(kind, id));
    return held && { entry: { ...held.entry }, dueAt: held.dueAt };
  }

  /** The entry a taken one names, while its lease is still the caller's. */
  private held(taken: TakenWatch): Held | undefined {
    const held = this.of(taken.entry.provider).get(watchMember(taken.entry.kind, taken.entry.id));
    return held?.lease === taken.lease ? held : undefined;
  }

  private of(provider: ProviderId): Map<string, Held> {
    let entries = this.providers.get(provider);
    if (!entries) this.providers.set(provider, (entries = new Map()));
    return entries;
  }
}
