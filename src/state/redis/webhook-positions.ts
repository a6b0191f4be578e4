/**
 * Webhook endpoints' positions in Redis: `<prefix>webhook:pos:<endpoint>` (the position as JSON) and
 * `<prefix>webhook:lease:<endpoint>` (the holder's token, SET NX PX; renewed and saved only by its
 * holder, each check-and-write one Lua script).
 */
import type { Redis } from 'ioredis';
import type { WebhookPosition, WebhookPositionStore } from '../webhook-positions.js';
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

/** KEYS[1] lease, KEYS[2] position; ARGV: holder, position JSON. */
const SAVE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2])
return 1`;

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
    return (await guarded(() => this.redis.eval(SAVE, 2, this.leaseKey(endpoint), this.positionKey(endpoint), holder, JSON.stringify(position)))) === 1;
  }
}
