/**
 * Webhook endpoints' positions in Redis: `<prefix>webhook:pos:<endpoint>` (the position as JSON) and
 * `<prefix>webhook:lease:<endpoint>` (the holder's token, SET NX PX; renewed and saved only by its
 * holder, each check-and-write one Lua script). Every save also sets the endpoint's hold on the event
 * log in the sorted set `<prefix>events:holds` (member: the endpoint, score: the millisecond of its
 * position), which the log's append reads before trimming by length (./event-bus.ts).
 */
import type { Redis } from 'ioredis';
import type { WebhookPosition, WebhookPositionStore } from '../webhook-positions.js';
import { holdMs } from '../../events/log.js';
import { guarded } from './connection.js';

/** KEYS[1] lease; ARGV: holder, ttlMs. Returns 1 when `holder` holds the lease afterwards. */
const LEASE = `
local current = redis.call('GET', KEYS[1])
if current and current ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', tonumber(ARGV[2]))
return 1`;

/** KEYS[1] lease; ARGV: holder. */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1`;

/** KEYS[1] lease, KEYS[2] position, KEYS[3] holds; ARGV: holder, position JSON, hold ms, endpoint. */
const SAVE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[4])
return 1`;

/** The sorted set of webhook endpoints' holds on the event log. */
export function holdsKey(prefix: string): string {
  return `${prefix}events:holds`;
}

export class RedisWebhookPositionStore implements WebhookPositionStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private leaseKey(endpoint: string): string {
    return `${this.prefix}webhook:lease:${endpoint}`;
  }

  private positionKey(endpoint: string): string {
    return `${this.prefix}webhook:pos:${endpoint}`;
  }

  async lease(endpoint: string, holder: string, ttlMs: number): Promise<boolean> {
    return (await guarded(() => this.redis.eval(LEASE, 1, this.leaseKey(endpoint), holder, ttlMs))) === 1;
  }

  async release(endpoint: string, holder: string): Promise<void> {
    await guarded(() => this.redis.eval(RELEASE, 1, this.leaseKey(endpoint), holder));
  }

  async get(endpoint: string): Promise<WebhookPosition> {
    const raw = await guarded(() => this.redis.get(this.positionKey(endpoint)));
    return raw ? (JSON.parse(raw) as WebhookPosition) : {};
  }

  async save(endpoint: string, holder: string, position: WebhookPosition): Promise<boolean> {
    const keys = [this.leaseKey(endpoint), this.positionKey(endpoint), holdsKey(this.prefix)];
    const saved = await guarded(() => this.redis.eval(SAVE, 3, ...keys, holder, JSON.stringify(position), holdMs(position.cursor), endpoint));
    return saved === 1;
  }

  async hold(endpoint: string): Promise<void> {
    const position = await this.get(endpoint);
    await guarded(() => this.redis.zadd(holdsKey(this.prefix), holdMs(position.cursor), endpoint));
  }

  async forget(endpoint: string): Promise<void> {
    await guarded(() => this.redis.zrem(holdsKey(this.prefix), endpoint));
  }
}
