/**
 * Per-client rate limiting: a token bucket per API client (rate and burst from CLIENTS_FILE). In memory
 * by default; in Redis the bucket is shared, so the limit holds across replicas.
 */

export interface RateLimit {
  /** Tokens added per second. */
  perSecond: number;
  /** Bucket size: how many requests may come at once. */
  burst: number;
}

export interface RateDecision {
  allowed: boolean;
  /** When refused: how long until one token is back. */
  retryAfterMs: number;
}

export interface RateLimiter {
  take(key: string, limit: RateLimit): Promise<RateDecision>;
}

/** The bucket arithmetic, shared by the memory limiter and mirrored by the Redis script. */
export function refill(tokens: number, lastMs: number, nowMs: number, limit: RateLimit): number {
  return Math.min(limit.burst, tokens + ((nowMs - lastMs) / 1000) * limit.perSecond);
}

export class MemoryRateLimiter implements RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; lastMs: number }>();

  async take(key: string, limit: RateLimit): Promise<RateDecision> {
    const now = Date.now();
    const bucket = this.buckets.get(key) ?? { tokens: limit.burst, lastMs: now };
    bucket.tokens = refill(bucket.tokens, bucket.lastMs, now, limit);
    bucket.lastMs = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, retryAfterMs: 0 };
    }
    return { allowed: false, retryAfterMs: Math.ceil(((1 - bucket.tokens) / limit.perSecond) * 1000) };
  }
}
