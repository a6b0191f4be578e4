/** Webhook de-duplication in Redis: SET NX PX — the first replica to see an event wins. */
import type { Redis } from 'ioredis';
import type { EventDedupeStore } from '../../events/dedupe.js';
import { guarded } from './connection.js';

export class RedisEventDedupeStore implements EventDedupeStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async firstSeen(key: string, ttlMs: number): Promise<boolean> {
    return (await guarded(() => this.redis.set(this.key(key), '1', 'PX', ttlMs, 'NX'))) === 'OK';
  }

  /** Lets a retry of an event whose publication failed be published after all. */
  async forget(key: string): Promise<void> {
    await guarded(() => this.redis.del(this.key(key)));
  }

  private key(key: string): string {
    return `${this.prefix}event:${key}`;
  }
}
