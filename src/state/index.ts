/**
 * Everything replicas must share — provider credentials, idempotency records, webhook de-duplication,
 * the event fan-out, rate-limit buckets, the reference-data cache and the objects watched until final —
 * in memory (one process) or in
 * Redis (REDIS_URL: any number of replicas).
 */
import { MemoryEventBus, type EventBus } from '../events/bus.js';
import { MemoryEventDedupeStore, type EventDedupeStore } from '../events/dedupe.js';
import { DEFAULT_EVENT_LOG, type EventLogOptions } from '../events/log.js';
import { MemoryWatchStore, type WatchStore } from '../events/watch-store.js';
import { MemoryCacheStore, type CacheStore } from './cache.js';
import { MemoryCredentialStore, type CredentialStore } from './credential-store.js';
import { MemoryIdempotencyStore, type IdempotencyStore } from './idempotency-store.js';
import { MemoryRateLimiter, type RateLimiter } from './rate-limiter.js';
import { RedisCacheStore } from './redis/cache.js';
import { connectRedis, DEFAULT_REDIS_COMMAND_TIMEOUT_MS, redisReachable } from './redis/connection.js';
import { RedisCredentialStore } from './redis/credential-store.js';
import { EVENT_READ_BLOCK_MS, RedisEventBus } from './redis/event-bus.js';
import { RedisEventDedupeStore } from './redis/event-dedupe.js';
import { RedisIdempotencyStore } from './redis/idempotency-store.js';
import { RedisRateLimiter } from './redis/rate-limiter.js';
import { RedisWatchStore } from './redis/watch-store.js';
import { RedisWebhookPositionStore } from './redis/webhook-positions.js';
import { MemoryWebhookPositionStore, type WebhookPositionStore } from './webhook-positions.js';

export interface SharedState {
  kind: 'memory' | 'redis';
  credentials: CredentialStore;
  idempotency: IdempotencyStore;
  dedupe: EventDedupeStore;
  events: EventBus;
  rateLimiter: RateLimiter;
  cache: CacheStore;
  /** The objects the gateway re-reads until they are final (src/events/watcher.ts). */
  watches: WatchStore;
  /** Each client webhook endpoint's position in the event log and its delivery lease (src/webhooks/deliveries.ts). */
  webhookPositions: WebhookPositionStore;
  /** Whether the state store answers (readiness). */
  reachable(): Promise<boolean>;
  close(): Promise<void>;
}

/** `eventLog`: EVENT_RETENTION_HOURS and EVENT_LOG_MAX_LENGTH (see ../events/log.ts). */
export function memoryState(eventLog: EventLogOptions = DEFAULT_EVENT_LOG): SharedState {
  const webhookPositions = new MemoryWebhookPositionStore();
  const events = new MemoryEventBus(undefined, { ...eventLog, holds: webhookPositions });
  return {
    kind: 'memory',
    credentials: new MemoryCredentialStore(),
    idempotency: new MemoryIdempotencyStore(),
    dedupe: new MemoryEventDedupeStore(),
    events,
    rateLimiter: new MemoryRateLimiter(),
    cache: new MemoryCacheStore(),
    watches: new MemoryWatchStore(),
    webhookPositions,
    reachable: async () => true,
    close: () => events.close(),
  };
}

/** `commandTimeoutMs`: REDIS_COMMAND_TIMEOUT_MS, the deadline of every command (see redis/connection.ts). */
export function redisState(
  url: string,
  prefix: string,
  commandTimeoutMs = DEFAULT_REDIS_COMMAND_TIMEOUT_MS,
  eventLog: EventLogOptions = DEFAULT_EVENT_LOG,
): SharedState {
  const redis = connectRedis(url, { commandTimeout: commandTimeoutMs });
  // The event log's reader blocks on XREAD: a connection of its own, whose deadline allows the block.
  const subscriber = connectRedis(url, { commandTimeout: commandTimeoutMs + EVENT_READ_BLOCK_MS });
  const events = new RedisEventBus(redis, subscriber, prefix, undefined, eventLog);
  return {
    kind: 'redis',
    credentials: new RedisCredentialStore(redis, prefix),
    idempotency: new RedisIdempotencyStore(redis, prefix),
    dedupe: new RedisEventDedupeStore(redis, prefix),
    events,
    rateLimiter: new RedisRateLimiter(redis, prefix),
    cache: new RedisCacheStore(redis, prefix),
    watches: new RedisWatchStore(redis, prefix),
    webhookPositions: new RedisWebhookPositionStore(redis, prefix),
    reachable: () => redisReachable(redis),
    close: async () => {
      await events.close();
      redis.disconnect();
      subscriber.disconnect();
    },
  };
}
