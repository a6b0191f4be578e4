/**
 * Redis connections for shared state (REDIS_URL). Commands fail fast while Redis is unreachable
 * (no offline queue): money-moving mutations must refuse rather than wait or guess, and readiness must
 * say so. ioredis reconnects by itself, so everything recovers when Redis returns.
 *
 * Only the very first connection attempt queues commands: a replica that has just started (or a bus
 * subscribing in its constructor) must not see "unavailable" merely because its socket is still being
 * opened. That wait is bounded (maxRetriesPerRequest: queued commands fail after the second failed
 * attempt), and after the first `ready` commands never queue again.
 *
 * A Redis that is connected but does not answer (hung, stopped, overloaded) is given up on too: every
 * command has a deadline (REDIS_COMMAND_TIMEOUT_MS, ioredis `commandTimeout`, Lua scripts included)
 * after which it fails as if Redis were unreachable. A command that timed out is still on its way: Redis
 * may run it when it wakes (or ioredis may send it again after a reconnect), and its late reply is
 * matched to it and dropped, so the connection stays usable. The stores are written for that: whatever
 * a late command does is harmless, or undone by a command queued right behind it (`guarded`).
 * The event log's reader (./event-bus.ts) blocks in XREAD on a connection of its own, whose deadline is
 * the command deadline plus the block time.
 */
import { randomBytes } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import { StateUnavailableError } from '../errors.js';

export { StateUnavailableError };

/** REDIS_COMMAND_TIMEOUT_MS's default: far above a healthy Redis's milliseconds, far below a client's patience. */
export const DEFAULT_REDIS_COMMAND_TIMEOUT_MS = 500;

const OPTIONS: RedisOptions = {
  // Switched off on the first `ready` (see connectRedis).
  enableOfflineQueue: true,
  maxRetriesPerRequest: 1,
  connectTimeout: 2_000,
  // Reconnect quickly at first, then every 2 s at most, forever.
  retryStrategy: (times) => Math.min(times * 100, 2_000),
  lazyConnect: false,
  commandTimeout: DEFAULT_REDIS_COMMAND_TIMEOUT_MS,
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

/**
 * Runs a Redis operation, turning connection failures and timeouts into StateUnavailableError.
 *
 * `undoIfLate` is for a write that must not take effect once its caller was told it failed: it is sent
 * (not awaited) right after the failure, on the same connection, so if Redis runs the timed-out write
 * late it runs the undo right after it. It must undo only this caller's write (a token of its own in the
 * write), never someone else's. If the connection drops in between, the undo is lost: the write's own
 * expiry must bound what a late write can do.
 */
export async function guarded<T>(operation: () => Promise<T>, undoIfLate?: () => Promise<unknown>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    undoIfLate?.().catch(() => undefined);
    throw new StateUnavailableError(error);
  }
}

/** A token naming one caller's write, for its undo (see `guarded`). */
export function writeToken(): string {
  return randomBytes(12).toString('hex');
}
