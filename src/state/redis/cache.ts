/** Reference data shared by replicas: GET, and on a miss load once per process and SET with PX. */
import type { Redis } from 'ioredis';
import type { CacheStore } from '../cache.js';

export class RedisCacheStore implements CacheStore {
  private readonly loading = new Map<string, Promise<unknown>>();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async getOrLoad<V>(key: string, ttlMs: number, load: () => Promise<V>): Promise<V> {
    const redisKey = `${this.prefix}cache:${key}`;
    // A cache is an optimisation: if Redis is down, load from the provider instead of failing.
    const hit = await this.redis.get(redisKey).catch(() => null);
    if (hit !== null) return JSON.parse(hit) as V;
    let pending = this.loading.get(key) as Promise<V> | undefined;
    if (!pending) {
      pending = load().finally(() => this.loading.delete(key));
      this.loading.set(key, pending);
      const value = await pending;
      await this.redis.set(redisKey, JSON.stringify(value), 'PX', ttlMs).catch(() => undefined);
      return value;
    }
    return pending;
  }
}
