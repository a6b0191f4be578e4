/**
 * Where provider credentials (TelePagos/Talo tokens, the Tupay session cookie) are cached, behind an
 * interface so replicas can share one credential per provider (the Redis issue brings that
 * implementation). `singleFlight` runs at most one renewal per key at a time; in memory that is per
 * process, in Redis it becomes a short cross-replica lock.
 */

export interface StoredCredential {
  /** The token or cookie value. A secret: never log it. */
  value: string;
  /** When the provider stops accepting it (epoch ms). */
  expiresAtMs: number;
  /** When to renew it proactively (epoch ms); set by whoever obtained it. */
  renewAtMs?: number;
}

export interface CredentialStore {
  get(key: string): Promise<StoredCredential | undefined>;
  set(key: string, credential: StoredCredential): Promise<void>;
  /** Deletes the credential, but only if it still is `value` (a newer one stays). */
  deleteIf(key: string, value: string): Promise<void>;
  /** Runs `fn` unless a run for `key` is already in flight, whose result is then shared. */
  singleFlight<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

export class MemoryCredentialStore implements CredentialStore {
  private readonly credentials = new Map<string, StoredCredential>();
  private readonly flights = new Map<string, Promise<unknown>>();

  async get(key: string): Promise<StoredCredential | undefined> {
    const credential = this.credentials.get(key);
    if (credential && credential.expiresAtMs <= Date.now()) {
      this.credentials.delete(key);
      return undefined;
    }
    return credential;
  }

  async set(key: string, credential: StoredCredential): Promise<void> {
    this.credentials.set(key, credential);
  }

  async deleteIf(key: string, value: string): Promise<void> {
    if (this.credentials.get(key)?.value === value) this.credentials.delete(key);
  }

  singleFlight<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const inFlight = this.flights.get(key);
    if (inFlight) return inFlight as Promise<T>;
    // A failed flight is forgotten with its promise: the next caller tries again.
    const flight = fn().finally(() => this.flights.delete(key));
    this.flights.set(key, flight);
    return flight;
  }
}
