/**
 * Payment events across replicas, over a Redis stream (`<prefix>events:log`, issue 28): `publish`
 * appends to the stream (one order for every replica; entries older than EVENT_RETENTION_HOURS, and
 * entries beyond EVENT_LOG_MAX_LENGTH that every webhook endpoint has had, are trimmed as new ones come), and every replica reads the stream from the
 * last entry it delivered (XREAD BLOCK on a connection of its own) and hands each entry to its own
 * subscribers. Local delivery goes through the stream too, so every replica sees the same order, and a
 * subscriber resuming after a cursor (or fallen behind) reads the stream's range before the live entries (../../events/bus.ts).
 *
 * Each event id is appended once (`<prefix>events:id:<event id>` names its entry, kept for the retention).
 *
 * A cursor is the entry's stream id plus the log's epoch, a token kept beside the stream
 * (`<prefix>events:epoch`) and written into every entry: a Redis that comes back empty (restarted
 * without persistence, flushed) starts a new epoch on the next publish, and cursors of the old one are
 * CURSOR_EXPIRED. A replica's reader that finds the stream reset (its newest entry of another epoch, or
 * none) after an outage reads the new stream from its start.
 */
import type { Redis } from 'ioredis';
import {
  FollowingSubscription,
  LocalSubscribers,
  readPage,
  type EventBus,
  type EventFilter,
  type EventPage,
  type PaymentEventValue,
} from '../../events/bus.js';
import {
  checkRetention,
  CursorExpiredError,
  decodeEventCursor,
  DEFAULT_EVENT_LOG,
  encodeEventCursor,
  newEpoch,
  parsePosition,
  positionText,
  type EventLogOptions,
  type LoggedEvent,
  type RangeReader,
} from '../../events/log.js';
import { guarded } from './connection.js';
import { holdsKey } from './webhook-positions.js';

/** How long one XREAD waits for new entries; the reader's connection allows this plus the command deadline. */
export const EVENT_READ_BLOCK_MS = 2_000;

// Appends an entry (creating the log's epoch with the first), trims by age, then by length what no
// webhook endpoint holds (KEYS[4], the holds' sorted set: entries from the oldest hold's millisecond on
// stay); returns the epoch and id. An event id already appended (KEYS[3], kept for the retention) is not
// appended again: a publish that timed out may still run late, after its caller published the event
// anew (see `guarded`). One append trims at most TRIM_BATCH entries past the cap by length, so a hold
// that moves far at once is caught up over the next appends rather than in one long script.
const APPEND = `
local epoch = redis.call('GET', KEYS[2])
local seen = redis.call('GET', KEYS[3])
if epoch and seen then
  return {epoch, seen}
end
if not epoch then
  epoch = ARGV[1]
  redis.call('SET', KEYS[2], epoch)
end
local id = redis.call('XADD', KEYS[1], '*', 'ep', epoch, 'ev', ARGV[3])
redis.call('XTRIM', KEYS[1], 'MINID', '~', ARGV[4])
local over = redis.call('XLEN', KEYS[1]) - tonumber(ARGV[2])
if over > 0 then
  local hold = redis.call('ZRANGE', KEYS[4], 0, 0, 'WITHSCORES')
  if #hold == 0 then
    redis.call('XTRIM', KEYS[1], 'MAXLEN', '~', ARGV[2])
  elseif tonumber(hold[2]) > 0 then
    local before = redis.call('XRANGE', KEYS[1], '-', '(' .. string.format('%d', tonumber(hold[2])) .. '-0', 'COUNT', math.min(over, tonumber(ARGV[6])))
    if #before > 0 then
      local ms, seq = string.match(before[#before][1], '(%d+)-(%d+)')
      redis.call('XTRIM', KEYS[1], 'MINID', ms .. '-' .. string.format('%d', tonumber(seq) + 1))
    end
  end
end
redis.call('SET', KEYS[3], id, 'PX', ARGV[5])
return {epoch, id}
`;

/** The most entries one append trims by length when webhook endpoints hold the log. */
const TRIM_BATCH = 1_000;

type StreamEntry = [id: string, fields: string[]];

function field(fields: string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}

/** A stream entry as a logged event; undefined for an entry that is not one (never crashes the replica). */
function logged([id, fields]: StreamEntry): { event: LoggedEvent; epoch: string } | undefined {
  const epoch = field(fields, 'ep');
  const json = field(fields, 'ev');
  const position = parsePosition(id);
  if (!epoch || !json || !position) return undefined;
  try {
    return { event: { ...(JSON.parse(json) as PaymentEventValue), cursor: encodeEventCursor(epoch, position) }, epoch };
  } catch {
    return undefined;
  }
}

export class RedisEventBus implements EventBus {
  private readonly local: LocalSubscribers;
  private readonly stream: string;
  private readonly epochKey: string;
  private readonly idPrefix: string;
  private readonly holdsKey: string;
  private readonly ready: Promise<void>;
  private readonly options: EventLogOptions;
  /** The last entry this replica delivered (or the stream's newest when it started), and its epoch. */
  private lastId = '0-0';
  private lastEpoch?: string;
  private started = false;
  private closed = false;
  private wake?: () => void;
  private readonly loop: Promise<void>;

  /**
   * `reader` must be a connection of its own (its XREAD blocks), with a command deadline above
   * EVENT_READ_BLOCK_MS.
   */
  constructor(
    private readonly redis: Redis,
    private readonly reader: Redis,
    prefix: string,
    queueLimit?: number,
    options: EventLogOptions = DEFAULT_EVENT_LOG,
  ) {
    this.local = new LocalSubscribers(queueLimit);
    this.stream = `${prefix}events:log`;
    this.epochKey = `${prefix}events:epoch`;
    this.idPrefix = `${prefix}events:id:`;
    this.holdsKey = holdsKey(prefix);
    this.options = options;
    let started!: () => void;
    this.ready = new Promise((resolve) => (started = resolve));
    this.loop = this.run(started);
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** Starts from the stream's newest entry (events before this replica started are not delivered live). */
  private async start(): Promise<void> {
    const newest = (await this.reader.xrevrange(this.stream, '+', '-', 'COUNT', 1)) as StreamEntry[];
    const entry = newest[0] ? logged(newest[0]) : undefined;
    if (!this.started) {
      this.lastId = newest[0]?.[0] ?? '0-0';
      this.lastEpoch = entry?.epoch;
      this.started = true;
    } else if (this.lastEpoch !== undefined && (!entry || entry.epoch !== this.lastEpoch)) {
      // The stream was reset while we could not read it: everything in the new one is new to us.
      this.lastId = '0-0';
      this.lastEpoch = entry?.epoch;
    }
  }

  private async run(started: () => void): Promise<void> {
    let failures = 0;
    let fresh = true;
    while (!this.closed) {
      try {
        if (fresh) {
          await this.start();
          fresh = false;
          started();
        }
        const reply = (await this.reader.xread('COUNT', REPLAY_COUNT, 'BLOCK', EVENT_READ_BLOCK_MS, 'STREAMS', this.stream, this.lastId)) as
          [string, StreamEntry[]][] | null;
        failures = 0;
        for (const entry of reply?.[0]?.[1] ?? []) {
          this.lastId = entry[0];
          const read = logged(entry);
          if (!read) continue;
          this.lastEpoch = read.epoch;
          this.local.deliver(read.event);
        }
      } catch {
        if (this.closed) break;
        // Redis is unreachable or did not answer: try again, checking the stream was not reset meanwhile.
        fresh = true;
        failures++;
        // Until the first start, publishes wait for it; after a few failures they go ahead (and fail or not on their own).
        if (failures >= 3) started();
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          setTimeout(resolve, Math.min(100 * failures, 1_000)).unref();
        });
      }
    }
  }

  async publish(event: PaymentEventValue): Promise<LoggedEvent> {
    await this.ready;
    const minId = Math.max(0, this.now() - this.options.retentionMs);
    const appended = `${this.idPrefix}${event.id}`;
    const [epoch, id] = (await guarded(() =>
      this.redis.eval(
        APPEND,
        4,
        this.stream,
        this.epochKey,
        appended,
        this.holdsKey,
        newEpoch(),
        this.options.maxLength,
        JSON.stringify(event),
        String(minId),
        this.options.retentionMs,
        TRIM_BATCH,
      ),
    )) as [string, string];
    return { ...event, cursor: encodeEventCursor(epoch, parsePosition(id)!) };
  }

  private readonly range: RangeReader = async (after, count) => {
    if (after === undefined) {
      const start = String(Math.max(0, this.now() - this.options.retentionMs));
      const entries = (await guarded(() => this.redis.xrange(this.stream, start, '+', 'COUNT', count))) as StreamEntry[];
      return entries.flatMap((entry) => logged(entry)?.event ?? []);
    }
    const cursor = decodeEventCursor(after);
    checkRetention(cursor, this.options);
    const id = positionText(cursor.position);
    // From the cursor's own entry, inclusive: while it is kept, nothing after it has been trimmed.
    const entries = (await guarded(() => this.redis.xrange(this.stream, id, '+', 'COUNT', count + 1))) as StreamEntry[];
    const own = entries[0] && entries[0][0] === id ? logged(entries[0]) : undefined;
    if (!own) throw new CursorExpiredError('trimmed');
    if (own.epoch !== cursor.epoch) throw new CursorExpiredError('other-log');
    return entries.slice(1).flatMap((entry) => logged(entry)?.event ?? []);
  };

  subscribe(filter: EventFilter): AsyncIterableIterator<LoggedEvent> {
    return FollowingSubscription.follow(() => this.local.subscribe(filter), this.range, filter);
  }

  resume(filter: EventFilter, after: string): Promise<AsyncIterableIterator<LoggedEvent>> {
    return FollowingSubscription.resume(() => this.local.subscribe(filter), this.range, filter, after);
  }

  read(filter: EventFilter, after: string | undefined, first: number): Promise<EventPage> {
    return readPage(this.range, filter, after, first);
  }

  get subscriberCount(): number {
    return this.local.size;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.local.close();
    this.wake?.();
    // Ends a blocked XREAD: the loop sees `closed` and stops.
    this.reader.disconnect();
    await this.loop;
  }
}

/** Entries one XREAD hands over at most. */
const REPLAY_COUNT = 500;
