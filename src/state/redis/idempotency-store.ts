/**
 * Idempotency records in Redis. Each transition is one Lua script, so two replicas receiving the same
 * key at once cannot both claim it; leases use Redis's own clock (TIME), so replicas agree on them.
 *
 * A claim that fails (no answer within the command deadline) is a refusal: the caller sends nothing.
 * Redis may still run it when it wakes, leaving a pending record whose lease nobody uses; so each claim
 * names its holder, and a failed claim is given back for that holder only (`guarded`'s undo): a retry
 * then takes the key over (attempt 2, the first to send anything). Should the give-back be lost, the
 * late claim's lease lapses by itself: a retry waits for it (in_progress), then takes over — later,
 * but still one transfer.
 */
import type { Redis } from 'ioredis';
import {
  IDEMPOTENCY_RETENTION_MS,
  LAPSED_WHY,
  type ClaimResult,
  type IdempotencyRecord,
  type IdempotencyStore,
  type UnknownNote,
} from '../idempotency-store.js';
import { guarded, writeToken } from './connection.js';

const NOW_MS = `local t = redis.call('TIME'); local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/**
 * KEYS[1] record; ARGV: fingerprint, leaseMs, retentionMs, holder, the lapsed-lease note's why. Returns
 * {status, attempt|outcome[, unknown note JSON]}; a takeover of a lapsed (not released) lease records an
 * unknown note first, as the memory store does.
 */
const CLAIM = `${NOW_MS}
local raw = redis.call('GET', KEYS[1])
if not raw then
  redis.call('SET', KEYS[1], cjson.encode({fingerprint = ARGV[1], state = 'pending', leaseUntilMs = now + tonumber(ARGV[2]), attempts = 1, holder = ARGV[4]}), 'PX', ARGV[3])
  return {'claimed', '1'}
end
local record = cjson.decode(raw)
if record.fingerprint ~= ARGV[1] then return {'conflict', ''} end
if record.state == 'completed' then return {'completed', record.outcome or ''} end
if (record.leaseUntilMs or 0) > now then return {'in_progress', ''} end
if not record.unknown and (record.leaseUntilMs or 0) > 0 then
  record.unknown = {sinceMs = record.leaseUntilMs - tonumber(ARGV[2]), why = ARGV[5]}
end
record.leaseUntilMs = now + tonumber(ARGV[2])
record.attempts = record.attempts + 1
record.holder = ARGV[4]
redis.call('SET', KEYS[1], cjson.encode(record), 'KEEPTTL')
if record.unknown then return {'claimed', tostring(record.attempts), cjson.encode(record.unknown)} end
return {'claimed', tostring(record.attempts)}`;

/** KEYS[1] record; ARGV: outcome JSON, retentionMs. */
const COMPLETE = `
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local record = cjson.decode(raw)
record.state = 'completed'
record.outcome = ARGV[1]
record.leaseUntilMs = nil
record.holder = nil
record.unknown = nil
redis.call('SET', KEYS[1], cjson.encode(record), 'PX', ARGV[2])
return 1`;

/**
 * KEYS[1] record; ARGV[1] holder, or '' for whoever holds it; ARGV[2] an unknown note (JSON) or '': gives
 * up the lease, keeps the record pending; a note is recorded keeping the first note's sinceMs.
 */
const RELEASE = `
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local record = cjson.decode(raw)
if record.state ~= 'pending' then return 0 end
if ARGV[1] ~= '' and record.holder ~= ARGV[1] then return 0 end
record.leaseUntilMs = 0
if ARGV[2] and ARGV[2] ~= '' then
  local note = cjson.decode(ARGV[2])
  if record.unknown and record.unknown.sinceMs then note.sinceMs = record.unknown.sinceMs end
  record.unknown = note
end
redis.call('SET', KEYS[1], cjson.encode(record), 'KEEPTTL')
return 1`;

export class RedisIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(key: string): string {
    return `${this.prefix}idempotency:${key}`;
  }

  async claim(key: string, fingerprint: string, leaseMs: number): Promise<ClaimResult> {
    const holder = writeToken();
    const [status, detail, unknown] = (await guarded(
      () => this.redis.eval(CLAIM, 1, this.key(key), fingerprint, leaseMs, IDEMPOTENCY_RETENTION_MS, holder, LAPSED_WHY),
      () => this.redis.eval(RELEASE, 1, this.key(key), holder, ''),
    )) as [string, string, string?];
    switch (status) {
      case 'claimed':
        return unknown ? { status, attempt: Number(detail), unknown: JSON.parse(unknown) as UnknownNote } : { status, attempt: Number(detail) };
      case 'completed':
        return { status, outcome: detail ? JSON.parse(detail) : undefined };
      case 'in_progress':
      case 'conflict':
        return { status };
      default:
        throw new Error(`unexpected idempotency claim answer ${status}`);
    }
  }

  async complete(key: string, outcome: unknown, retentionMs: number): Promise<void> {
    await guarded(() => this.redis.eval(COMPLETE, 1, this.key(key), JSON.stringify(outcome ?? null), retentionMs));
  }

  async release(key: string, unknown?: UnknownNote): Promise<void> {
    await guarded(() => this.redis.eval(RELEASE, 1, this.key(key), '', unknown ? JSON.stringify(unknown) : ''));
  }

  async get(key: string): Promise<IdempotencyRecord | undefined> {
    const raw = await guarded(() => this.redis.get(this.key(key)));
    if (!raw) return undefined;
    const { holder: _holder, ...record } = JSON.parse(raw) as IdempotencyRecord & { outcome?: string; holder?: string };
    return { ...record, outcome: typeof record.outcome === 'string' ? JSON.parse(record.outcome) : record.outcome };
  }
}
