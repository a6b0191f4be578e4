/**
 * Reference data shared by replicas: GET, and on a miss load and SET with PX. Within one process,
 * concurrent callers share one flight (the GET, the load and the SET), so they cause one load however
 * fast or slow the loader is; a failed load is shared by its callers and not cached.
 */
import type { Redis } from 'ioredis';
import type { CacheStore } from '../cache.js';

export class RedisCacheStore implements CacheStore {
  private readonly loading = new Map<string, Promise<unknown>>();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  getOrLoad<V>(key: string, ttlMs: number, load: () => Promise<V>): Promise<V> {
    // Join a flight already under way before asking Redis: a caller arriving while another's load is
    // finishing (its SET not yet done) would otherwise miss in Redis and load a second time.
    const pending = this.loading.get(key) as Promise<V> | undefined;
    if (pending) return pending;
    const flight = this.lookup(key, ttlMs, load).finally(() => this.loading.delete(key));
    this.loading.set(key, flight);
    return flight;
  }

  private async lookup<V>(key: string, ttlMs: number, load: () => Promise<V>): Promise<V> {
    const redisKey = `${this.prefix}cache:${key}`;
    // A cache is an optimisation: if Redis is down, load from the provider instead of failing.
    const hit = await this.redis.get(redisKey).catch(() => null);
    if (hit !== null) return JSON.parse(hit) as V;
    const value = await load();
    await this.redis.set(redisKey, JSON.stringify(value), 'PX', ttlMs).catch(() => undefined);
    return value;
  }
}
