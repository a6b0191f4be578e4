import { holdMs, type LogHolds } from '../events/log.js';

/**
 * Where each client app's webhook endpoint is in the event log (issue 28): the cursor of the last event
 * delivered (or given up on), and — while one event keeps failing — that event's id and when its first
 * attempt failed, so a replica that takes over goes on with the same retry window.
 *
 * An endpoint is delivered by one replica at a time: the one holding its lease (`lease` takes or renews
 * it for `holder`). A position is saved only by the lease's holder, so a replica whose lease ran out
 * cannot move a position another replica now owns.
 *
 * Each saved position is also the endpoint's hold on the event log (../events/log.ts `LogHolds`): the log
 * keeps, past its length cap, every entry an endpoint has not moved past. An endpoint taken out of
 * CLIENTS_FILE lets its hold go (`forget`); its position stays, in case it comes back.
 */
export interface WebhookPosition {
  /** The cursor of the last event delivered or given up on; undefined: from the oldest event kept. */
  cursor?: string;
  /** The event that is failing (not yet delivered) and when its first attempt failed (ms). */
  failing?: { id: string; since: number; attempts: number };
}

export interface WebhookPositionStore {
  /** Takes the endpoint's lease for `holder`, or renews it when `holder` has it; false when another replica holds it. */
  lease(endpoint: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Lets the lease go (when `holder` has it). */
  release(endpoint: string, holder: string): Promise<void>;
  get(endpoint: string): Promise<WebhookPosition>;
  /** Saves the position (and the endpoint's hold on the log) when `holder` holds the lease; false (nothing saved) otherwise. */
  save(endpoint: string, holder: string, position: WebhookPosition): Promise<boolean>;
  /**
   * Holds the event log from the endpoint's saved position (from the oldest entry kept when it has none),
   * whoever holds the lease: an endpoint holds the log from the moment it is configured, before its first save.
   */
  hold(endpoint: string): Promise<void>;
  /** Lets the endpoint's hold on the event log go (it was taken out of CLIENTS_FILE). */
  forget(endpoint: string): Promise<void>;
}

/** One process's positions and leases; the memory event log's holds. */
export class MemoryWebhookPositionStore implements WebhookPositionStore, LogHolds {
  private readonly positions = new Map<string, WebhookPosition>();
  private readonly held = new Map<string, number>();
  private readonly leases = new Map<string, { holder: string; until: number }>();

  private holds(endpoint: string, holder: string): boolean {
    const lease = this.leases.get(endpoint);
    return lease !== undefined && lease.holder === holder && lease.until > Date.now();
  }

  async lease(endpoint: string, holder: string, ttlMs: number): Promise<boolean> {
    const lease = this.leases.get(endpoint);
    if (lease && lease.holder !== holder && lease.until > Date.now()) return false;
    this.leases.set(endpoint, { holder, until: Date.now() + ttlMs });
    return true;
  }

  async release(endpoint: string, holder: string): Promise<void> {
    if (this.leases.get(endpoint)?.holder === holder) this.leases.delete(endpoint);
  }

  async get(endpoint: string): Promise<WebhookPosition> {
    return structuredClone(this.positions.get(endpoint) ?? {});
  }

  async save(endpoint: string, holder: string, position: WebhookPosition): Promise<boolean> {
    if (!this.holds(endpoint, holder)) return false;
    this.positions.set(endpoint, structuredClone(position));
    this.held.set(endpoint, holdMs(position.cursor));
    return true;
  }

  async hold(endpoint: string): Promise<void> {
    this.held.set(endpoint, holdMs(this.positions.get(endpoint)?.cursor));
  }

  async forget(endpoint: string): Promise<void> {
    this.held.delete(endpoint);
  }

  oldestMs(): number | undefined {
    let oldest: number | undefined;
    for (const ms of this.held.values()) if (oldest === undefined || ms < oldest) oldest = ms;
    return oldest;
  }
}
