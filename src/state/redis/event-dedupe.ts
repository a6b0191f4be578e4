/**
 * Webhook de-duplication in Redis: one hash per object, `<prefix>event:<object>`, whose fields are the
 * recorded states as `s:<state>` (value: the order of recording), `!order` (the counter) and `!final`
 * naming the final state when there is one. Each step is one command or one Lua script, so replicas agree on which of them publishes.
 * `b:<state>` names who recorded the state: a record that failed (no answer within the command deadline,
 * so the delivery is answered 503) is undone for that recorder only if Redis runs it late (`guarded`),
 * or the provider's retry would be taken for a duplicate and the event lost.
 */
import type { Redis } from 'ioredis';
import { MAX_STATES_PER_OBJECT, type EventDedupeStore, type ObjectHistory } from '../../events/dedupe.js';
import { guarded, writeToken } from './connection.js';

const FINAL_FIELD = '!final';
const ORDER_FIELD = '!order';

/** KEYS[1] object; ARGV: state, final (1/0), retentionMs, max states, recorder. Returns 1 when newly recorded. */
const RECORD = `
redis.call('PEXPIRE', KEYS[1], ARGV[3])
if redis.call('HEXISTS', KEYS[1], 's:' .. ARGV[1]) == 1 then return 0 end
local order = redis.call('HINCRBY', KEYS[1], '${ORDER_FIELD}', 1)
redis.call('HSET', KEYS[1], 's:' .. ARGV[1], order, 'b:' .. ARGV[1], ARGV[5])
if ARGV[2] == '1' then redis.call('HSET', KEYS[1], '${FINAL_FIELD}', ARGV[1]) end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
local fields = redis.call('HGETALL', KEYS[1])
local states, oldest, oldestOrder = 0, nil, nil
for i = 1, #fields, 2 do
  local name = fields[i]
  if string.sub(name, 1, 2) == 's:' then
    states = states + 1
    local n = tonumber(fields[i + 1])
    if oldestOrder == nil or n < oldestOrder then oldest, oldestOrder = string.sub(name, 3), n end
  end
end
if states > tonumber(ARGV[4]) then
  redis.call('HDEL', KEYS[1], 's:' .. oldest, 'b:' .. oldest)
  if redis.call('HGET', KEYS[1], '${FINAL_FIELD}') == oldest then redis.call('HDEL', KEYS[1], '${FINAL_FIELD}') end
end
return 1`;

/**
 * KEYS[1] object; ARGV: state, recorder ('' for whoever recorded it): un-records the state (and the
 * final mark when it was that state).
 */
const FORGET = `
if ARGV[2] ~= '' and redis.call('HGET', KEYS[1], 'b:' .. ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HDEL', KEYS[1], 's:' .. ARGV[1], 'b:' .. ARGV[1])
if redis.call('HGET', KEYS[1], '${FINAL_FIELD}') == ARGV[1] then redis.call('HDEL', KEYS[1], '${FINAL_FIELD}') end
return 1`;

export class RedisEventDedupeStore implements EventDedupeStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async lookup(object: string, state: string | undefined): Promise<ObjectHistory> {
    const [recorded, final] = await guarded(() => this.redis.hmget(this.key(object), state === undefined ? ORDER_FIELD : `s:${state}`, FINAL_FIELD));
    return { recorded: state !== undefined && recorded !== null, final: final !== null };
  }

  async record(object: string, state: string, final: boolean, retentionMs: number): Promise<boolean> {
    const recorder = writeToken();
    const recorded = await guarded(
      () => this.redis.eval(RECORD, 1, this.key(object), state, final ? '1' : '0', retentionMs, MAX_STATES_PER_OBJECT, recorder),
      () => this.redis.eval(FORGET, 1, this.key(object), state, recorder),
    );
    return recorded === 1;
  }

  async forget(object: string, state: string): Promise<void> {
    await guarded(() => this.redis.eval(FORGET, 1, this.key(object), state, ''));
  }

  private key(object: string): string {
    return `${this.prefix}event:${object}`;
  }
}
