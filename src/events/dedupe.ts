/**
 * Webhook de-duplication by object: for each notified object (a cash-in, a payment, a deposit) the
 * states already published, and whether one of them is final (the object can change no more). The
 * pipeline consults it before any provider call and records each confirmed state atomically, so an
 * object in a state already recorded is never published again, however late a replay comes. Behind an
 * interface so replicas share it (Redis).
 *
 * Bounds: an object is kept PUBLISHED_STATE_RETENTION_MS after it was last recorded, with at most
 * MAX_STATES_PER_OBJECT states (the oldest dropped); the memory store holds at most
 * MAX_OBJECTS_IN_MEMORY objects (the least recently recorded dropped first).
 */

/** How long an object's published states are remembered after its last confirmation: 400 days. */
export const PUBLISHED_STATE_RETENTION_MS = 400 * 24 * 60 * 60 * 1000;
/** States remembered per object (an object changes a handful of times; a bound against abuse). */
export const MAX_STATES_PER_OBJECT = 32;
/** Objects the in-memory store holds (one process); Redis is bounded by the retention instead. */
export const MAX_OBJECTS_IN_MEMORY = 200_000;

export interface ObjectHistory {
  /** The asked state is recorded for the object. */
  recorded: boolean;
  /** A final state is recorded: no notification about this object can bring anything new. */
  final: boolean;
}

export interface EventDedupeStore {
  /** What is remembered of `object`: whether `state` (when given) and a final state are recorded. */
  lookup(object: string, state: string | undefined): Promise<ObjectHistory>;
  /**
   * Records `state` for `object` (final or not) and keeps the object `retentionMs` from now. True when
   * the state was not recorded yet: exactly one of concurrent callers, on any replica, gets true.
   */
  record(object: string, state: string, final: boolean, retentionMs: number): Promise<boolean>;
  /** Un-records `state` (its publication failed), so the provider's retry publishes it after all. */
  forget(object: string, state: string): Promise<void>;
}

interface Remembered {
  /** In order of recording. */
  states: Set<string>;
  finalState?: string;
  expiresAtMs: number;
}

export interface MemoryDedupeOptions {
  /** The clock (epoch ms); tests move it. */
  now?: () => number;
  maxObjects?: number;
}

export class MemoryEventDedupeStore implements EventDedupeStore {
  /** In order of last recording: the first entry is the one to drop when full. */
  private readonly objects = new Map<string, Remembered>();
  private readonly now: () => number;
  private readonly maxObjects: number;

  constructor(options: MemoryDedupeOptions = {}) {
    this.now = options.now ?? Date.now;
    this.maxObjects = options.maxObjects ?? MAX_OBJECTS_IN_MEMORY;
  }

  get size(): number {
    return this.objects.size;
  }

  async lookup(object: string, state: string | undefined): Promise<ObjectHistory> {
    const entry = this.live(object);
    return { recorded: !!entry && state !== undefined && entry.states.has(state), final: entry?.finalState !== undefined };
  }

  async record(object: string, state: string, final: boolean, retentionMs: number): Promise<boolean> {
    const entry = this.live(object) ?? { states: new Set<string>(), expiresAtMs: 0 };
    // Re-inserted at the end: the least recently recorded object is dropped first.
    this.objects.delete(object);
    if (this.objects.size >= this.maxObjects) this.objects.delete(this.objects.keys().next().value!);
    this.objects.set(object, entry);
    entry.expiresAtMs = this.now() + retentionMs;
    if (entry.states.has(state)) return false;
    entry.states.add(state);
    if (final) entry.finalState = state;
    if (entry.states.size > MAX_STATES_PER_OBJECT) this.dropOldest(entry);
    return true;
  }

  async forget(object: string, state: string): Promise<void> {
    const entry = this.objects.get(object);
    if (!entry) return;
    entry.states.delete(state);
    if (entry.finalState === state) entry.finalState = undefined;
  }

  private live(object: string): Remembered | undefined {
    const entry = this.objects.get(object);
    if (entry && entry.expiresAtMs <= this.now()) {
      this.objects.delete(object);
      return undefined;
    }
    return entry;
  }

  private dropOldest(entry: Remembered): void {
    const oldest = entry.states.values().next().value!;
    entry.states.delete(oldest);
    if (entry.finalState === oldest) entry.finalState = undefined;
  }
}
