/** The token bucket in Redis: one Lua script per request, on Redis's clock, shared by all replicas. */
import type { Redis } from 'ioredis';
import type { RateDecision, RateLimit, RateLimiter } from '../rate-limiter.js';
import { guarded } from './connection.js';

/** KEYS[1] bucket; ARGV: perSecond, burst. Returns {allowed 0/1, retryAfterMs}. Mirrors refill(). */
const TAKE = `
local t = redis.call('TIME'); local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local rate = tonumber(ARGV[1]); local burst = tonumber(ARGV[2])
local bucket = redis.call('HMGET', KEYS[1], 'tokens', 'last')
local tokens = tonumber(bucket[1]) or burst
local last = tonumber(bucket[2]) or now
tokens = math.min(burst, tokens + ((now - last) / 1000) * rate)
local allowed = 0
local retry = 0
if tokens >= 1 then tokens = tokens - 1; allowed = 1 else retry = math.ceil(((1 - tokens) / rate) * 1000) end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'last', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst / rate) * 1000) + 1000)
return {allowed, retry}`;

export class RedisRateLimiter implements RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async take(key: string, limit: RateLimit): Promise<RateDecision> {
    const [allowed, retry] = (await guarded(() => this.redis.eval(TAKE, 1, `${this.prefix}rate:${key}`, limit.perSecond, limit.burst))) as [number, number];
    return { allowed: allowed === 1, retryAfterMs: Number(retry) };
  }
}
