/**
 * A short-TTL cache for reference data (TelePagos concepts and operation types): in memory, or in
 * Redis so replicas share it. Concurrent misses in one process share one load; a failed load is not
 * cached. Only for data that may be minutes old without harm.
 */

export interface CacheStore {
  getOrLoad<V>(key: string, ttlMs: number, load: () => Promise<V>): Promise<V>;
}

export class MemoryCacheStore implements CacheStore {
  private readonly values = new Map<string, { value: unknown; expiresAtMs: number }>();
  private readonly loading = new Map<string, Promise<unknown>>();

  getOrLoad<V>(key: string, ttlMs: number, load: () => Promise<V>): Promise<V> {
    const hit = this.values.get(key);
    if (hit && hit.expiresAtMs > Date.now()) return Promise.resolve(hit.value as V);
    const pending = this.loading.get(key);
    if (pending) return pending as Promise<V>;
    const loaded = load()
      .then((value) => {
        this.values.set(key, { value, expiresAtMs: Date.now() + ttlMs });
        return value;
      })
      .finally(() => this.loading.delete(key));
    this.loading.set(key, loaded);
    return loaded;
  }
}
