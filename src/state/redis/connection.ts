/**
 * Redis connections for shared state (REDIS_URL). Commands fail fast while Redis is unreachable
 * (no offline queue): money-moving mutations must refuse rather than wait or guess, and readiness must
 * say so. ioredis reconnects by itself, so everything recovers when Redis returns.
 *
 * Only the very first connection attempt queues commands: a replica that has just started (or a bus
 * subscribing in its constructor) must not see "unavailable" merely because its socket is still being
 * opened. That wait is bounded (maxRetriesPerRequest: queued commands fail after the second failed
 * attempt), and after the first `ready` commands never queue again.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { StateUnavailableError } from '../errors.js';

export { StateUnavailableError };

const OPTIONS: RedisOptions = {
  // Switched off on the first `ready` (see connectRedis).
  enableOfflineQueue: true,
  maxRetriesPerRequest: 1,
  connectTimeout: 2_000,
  // Reconnect quickly at first, then every 2 s at most, forever.
  retryStrategy: (times) => Math.min(times * 100, 2_000),
  lazyConnect: false,
};

export function connectRedis(url: string, extra: RedisOptions = {}): Redis {
  const redis = new Redis(url, { ...OPTIONS, ...extra });
  // Errors surface on the commands that fail; the connection's own error events are expected during an
  // outage and must not crash the process.
  redis.on('error', () => undefined);
  if (extra.enableOfflineQueue === undefined) {
    redis.once('ready', () => {
      redis.options.enableOfflineQueue = false;
    });
  }
  return redis;
}

/** True when Redis answers PING within `timeoutMs`. */
export async function redisReachable(redis: Redis, timeoutMs = 1_000): Promise<boolean> {
  try {
    const answer = await Promise.race([redis.ping(), new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), timeoutMs).unref())]);
    return answer === 'PONG';
  } catch {
    return false;
  }
}

/** Runs a Redis operation, turning connection failures into StateUnavailableError. */
export async function guarded<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw new StateUnavailableError(error);
  }
}
