/**
 * Watched objects in Redis, per provider: a sorted set `<prefix>watch:due:<provider>` of members
 * (`<kind>:<id>`) scored by when each is next due, and a hash `<prefix>watch:entries:<provider>` holding
 * each member's entry as JSON (`e:<member>`) and, while it is taken, its lease holder (`h:<member>`).
 * Each step is one Lua script, so of replicas taking due entries at once exactly one gets each; the
 * watcher removes an entry when it is final or expired (so both keys empty themselves).
 *
 * A command that fails on its deadline may still run late: a late take leaves its entries leased to
 * nobody until the lease ends (they are re-read that much later); a late add watches the object after
 * all; a late reschedule or drop is ignored once the lease has gone to another replica.
 */
import type { Redis } from 'ioredis';
import type { ProviderId } from '../../providers/provider.js';
import { watchMember, type TakenWatch, type WatchEntry, type WatchStore } from '../../events/watch-store.js';
import { guarded, writeToken } from './connection.js';

/** KEYS[1] due set, KEYS[2] entries; ARGV: member, entry JSON, dueAt. Returns 1 when added. */
const ADD = `
if redis.call('HEXISTS', KEYS[2], 'e:' .. ARGV[1]) == 1 then return 0 end
redis.call('HSET', KEYS[2], 'e:' .. ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
return 1`;

/** KEYS[1] due set, KEYS[2] entries; ARGV: now, max, leaseMs, holder. Returns the taken entries' JSON. */
const TAKE = `
local now = tonumber(ARGV[1])
local members = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[2]))
local taken = {}
for _, member in ipairs(members) do
  local raw = redis.call('HGET', KEYS[2], 'e:' .. member)
  if raw then
    redis.call('HSET', KEYS[2], 'h:' .. member, ARGV[4])
    redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), member)
    taken[#taken + 1] = raw
  else
    redis.call('ZREM', KEYS[1], member)
  end
end
return taken`;

/** KEYS[1] due set, KEYS[2] entries; ARGV: member, holder, dueAt, entry JSON. */
const RESCHEDULE = `
if redis.call('HGET', KEYS[2], 'h:' .. ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[2], 'e:' .. ARGV[1], ARGV[4])
redis.call('HDEL', KEYS[2], 'h:' .. ARGV[1])
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
return 1`;

/** KEYS[1] due set, KEYS[2] entries; ARGV: member, holder. */
const DROP = `
if redis.call('HGET', KEYS[2], 'h:' .. ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HDEL', KEYS[2], 'e:' .. ARGV[1], 'h:' .. ARGV[1])
redis.call('ZREM', KEYS[1], ARGV[1])
return 1`;

export class RedisWatchStore implements WatchStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async add(entry: WatchEntry, dueAt: number): Promise<boolean> {
    const added = await guarded(() => this.redis.eval(ADD, 2, ...this.keys(entry.provider), watchMember(entry.kind, entry.id), JSON.stringify(entry), dueAt));
    return added === 1;
  }

  async take(provider: ProviderId, now: number, max: number, leaseMs: number): Promise<TakenWatch[]> {
    const lease = writeToken();
    const taken = (await guarded(() => this.redis.eval(TAKE, 2, ...this.keys(provider), now, max, leaseMs, lease))) as string[];
    return taken.map((raw) => ({ entry: JSON.parse(raw) as WatchEntry, lease }));
  }

  async reschedule(taken: TakenWatch, entry: WatchEntry, dueAt: number): Promise<void> {
    const { provider, kind, id } = taken.entry;
    await guarded(() => this.redis.eval(RESCHEDULE, 2, ...this.keys(provider), watchMember(kind, id), taken.lease, dueAt, JSON.stringify(entry)));
  }

  async drop(taken: TakenWatch): Promise<void> {
    const { provider, kind, id } = taken.entry;
    await guarded(() => this.redis.eval(DROP, 2, ...this.keys(provider), watchMember(kind, id), taken.lease));
  }

  async get(kind: string, provider: ProviderId, id: string): Promise<{ entry: WatchEntry; dueAt: number } | undefined> {
    const [due, entries] = this.keys(provider);
    const member = watchMember(kind, id);
    const [raw, score] = await guarded(() => Promise.all([this.redis.hget(entries, `e:${member}`), this.redis.zscore(due, member)]));
    return raw && score !== null ? { entry: JSON.parse(raw) as WatchEntry, dueAt: Number(score) } : undefined;
  }

  private keys(provider: ProviderId): [string, string] {
    return [`${this.prefix}watch:due:${provider}`, `${this.prefix}watch:entries:${provider}`];
  }
}
