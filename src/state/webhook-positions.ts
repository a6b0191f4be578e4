/**
 * Where each client app's webhook endpoint is in the event log (issue 28): the cursor of the last event
 * delivered (or given up on), and — while one event keeps failing — that event's id and when its first
 * attempt failed, so a replica that takes over goes on with the same retry window.
 *
 * An endpoint is delivered by one replica at a time: the one holding its lease (`lease` takes or renews
 * it for `holder`). A position is saved only by the lease's holder, so a replica whose lease ran out
 * cannot move a position another replica now owns.
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
  /** Saves the position when `holder` holds the lease; false (nothing saved) otherwise. */
  save(endpoint: string, holder: string, position: WebhookPosition): Promise<boolean>;
}

/** One process's positions and leases. */
export class MemoryWebhookPositionStore implements WebhookPositionStore {
  private readonly positions = new Map<string, WebhookPosition>();
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
    return true;
  }
}
