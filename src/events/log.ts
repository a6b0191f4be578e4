/**
 * The event log (issue 28): every published event is appended with an opaque, ordered cursor and kept
 * for EVENT_RETENTION_HOURS (at most EVENT_LOG_MAX_LENGTH entries), so an app that was away reads what
 * it missed — by subscribing with `after`, or page by page with `Query.events`.
 *
 * A position in a log is `ms-seq` (a Redis stream id; the memory log uses the same shape), ordered as a
 * pair. A cursor is base64url of `pe1:<epoch>:<ms>-<seq>`: `epoch` names one log (a random token made
 * when the log is created — a Redis flushed or restarted without persistence, or a restarted process
 * with the memory log, starts a new one), so a cursor of another log is refused, never mistaken for a
 * position in this one.
 *
 * A cursor is valid while its own entry is still in the log (entries leave from the oldest end, so then
 * nothing after it has left) and younger than the retention; otherwise reading after it is refused with
 * CursorExpiredError before anything is delivered, never by silently skipping what was lost.
 *
 * Which limit wins: the retention always (an entry older than it leaves, whoever still wants it); the
 * length cap only trims what every client app's webhook endpoint has had. Each endpoint's position is a
 * hold (`LogHolds`): entries at or after the oldest hold are kept past EVENT_LOG_MAX_LENGTH until the
 * endpoint moves on or the retention ends them, so an event is kept until every endpoint has had it (or
 * has given it up after WEBHOOK_RETRY_HOURS). A receiver down for hours costs the events published
 * meanwhile, bounded by the retention.
 */
import { randomBytes } from 'node:crypto';
import type { PaymentEventValue } from './event.js';

/** An event as the log holds it: with its cursor. */
export interface LoggedEvent extends PaymentEventValue {
  cursor: string;
}

export interface Position {
  ms: number;
  seq: number;
}

export interface DecodedCursor {
  epoch: string;
  position: Position;
}

/** EVENT_RETENTION_HOURS's default: a week. */
export const DEFAULT_EVENT_RETENTION_HOURS = 168;
/** EVENT_LOG_MAX_LENGTH's default. */
export const DEFAULT_EVENT_LOG_MAX_LENGTH = 100_000;

/**
 * The webhook endpoints' holds on a log: the millisecond of the oldest position an endpoint has not yet
 * moved past (0: it starts from the oldest entry kept), undefined when no endpoint holds anything.
 * Entries from that millisecond on are not trimmed by length.
 */
export interface LogHolds {
  oldestMs(): number | undefined;
}

export interface EventLogOptions {
  retentionMs: number;
  maxLength: number;
  /** The clock (tests move it). */
  now?: () => number;
  /** The memory log's holds (the Redis log reads them from Redis: src/state/redis/webhook-positions.ts). */
  holds?: LogHolds;
}

export const DEFAULT_EVENT_LOG: EventLogOptions = { retentionMs: DEFAULT_EVENT_RETENTION_HOURS * 3_600_000, maxLength: DEFAULT_EVENT_LOG_MAX_LENGTH };

/** The cursor cannot be read after: it is not one of ours, or what followed it is no longer kept. */
export class CursorExpiredError extends Error {
  constructor(readonly why: 'unknown' | 'retention' | 'trimmed' | 'other-log') {
    super(
      {
        unknown: 'after is not a cursor of this event log',
        retention: 'after is older than the event retention',
        trimmed: 'the events after this cursor are no longer kept',
        'other-log': 'after is a cursor of an earlier event log (the log was reset)',
      }[why] +
        ': some events after it may be lost; re-read the current state of what you follow, then subscribe without `after` (or page `events` from the start)',
    );
    this.name = 'CursorExpiredError';
  }
}

export function newEpoch(): string {
  return randomBytes(6).toString('hex');
}

export function positionText(position: Position): string {
  return `${position.ms}-${position.seq}`;
}

export function parsePosition(text: string): Position | undefined {
  const match = /^(\d{1,16})-(\d{1,16})$/.exec(text);
  if (!match) return undefined;
  const ms = Number(match[1]);
  const seq = Number(match[2]);
  return Number.isSafeInteger(ms) && Number.isSafeInteger(seq) ? { ms, seq } : undefined;
}

export function comparePositions(a: Position, b: Position): number {
  return a.ms - b.ms || a.seq - b.seq;
}

export function encodeEventCursor(epoch: string, position: Position): string {
  return Buffer.from(`pe1:${epoch}:${positionText(position)}`, 'utf8').toString('base64url');
}

/** Throws CursorExpiredError('unknown') for anything that is not a cursor of an event log. */
export function decodeEventCursor(cursor: string): DecodedCursor {
  const text = /^[A-Za-z0-9_-]{1,200}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const match = /^pe1:([0-9a-f]{1,64}):(.+)$/.exec(text);
  const position = match ? parsePosition(match[2]!) : undefined;
  if (!match || !position) throw new CursorExpiredError('unknown');
  return { epoch: match[1]!, position };
}

export function positionOf(event: LoggedEvent): Position {
  return decodeEventCursor(event.cursor).position;
}

/** The millisecond a webhook endpoint at `cursor` holds the log from: 0 (everything) without a readable cursor. */
export function holdMs(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  try {
    return decodeEventCursor(cursor).position.ms;
  } catch {
    return 0;
  }
}

/** The time checks shared by both logs: a cursor older than the retention is refused. */
export function checkRetention(cursor: DecodedCursor, options: EventLogOptions): void {
  const now = (options.now ?? Date.now)();
  if (cursor.position.ms < now - options.retentionMs) throw new CursorExpiredError('retention');
}

/**
 * What a log offers the bus: the entries after a cursor (or from the oldest kept), oldest first, at
 * most `count`, every provider (the caller filters). Throws CursorExpiredError when `after` is not
 * valid at the time of the read.
 */
export type RangeReader = (after: string | undefined, count: number) => Promise<LoggedEvent[]>;

/**
 * A bounded in-memory log: at most `maxLength` entries (more while webhook endpoints hold them), oldest
 * dropped first, entries older than the retention dropped on every append and read. Positions are
 * `ms-seq` with a sequence number that only grows and a millisecond that never goes back, so they order
 * like a Redis stream's.
 */
export class MemoryEventLog {
  readonly epoch = newEpoch();
  /** The entries and their positions, oldest first from `head` (the slots before it are spent). */
  private entries: (LoggedEvent | undefined)[] = [];
  private positions: Position[] = [];
  private head = 0;
  private seq = 0;
  private lastMs = 0;
  /** The entries by event id. */
  private readonly byId = new Map<string, LoggedEvent>();

  constructor(private readonly options: EventLogOptions = DEFAULT_EVENT_LOG) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** Appends `event`, or answers the entry already appended with its id (an event id is logged once, as in Redis): `fresh` says which. */
  append(event: PaymentEventValue): { logged: LoggedEvent; fresh: boolean } {
    this.expire();
    const appended = this.byId.get(event.id);
    if (appended) return { logged: appended, fresh: false };
    this.lastMs = Math.max(this.lastMs, this.now());
    const position = { ms: this.lastMs, seq: ++this.seq };
    const logged = { ...event, cursor: encodeEventCursor(this.epoch, position) };
    this.entries.push(logged);
    this.positions.push(position);
    this.byId.set(logged.id, logged);
    this.trimToLength();
    return { logged, fresh: true };
  }

  /** Drops the oldest entries beyond `maxLength` that no webhook endpoint holds. */
  private trimToLength(): void {
    if (this.length <= this.options.maxLength) return;
    const held = this.options.holds?.oldestMs();
    while (this.length > this.options.maxLength && (held === undefined || this.positions[this.head]!.ms < held)) this.dropOldest();
  }

  private dropOldest(): void {
    const dropped = this.entries[this.head];
    if (dropped && this.byId.get(dropped.id) === dropped) this.byId.delete(dropped.id);
    this.entries[this.head] = undefined;
    this.head++;
    // Spent slots are let go once they are half the arrays (amortised constant time per entry).
    if (this.head >= 1024 && this.head * 2 >= this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.positions = this.positions.slice(this.head);
      this.head = 0;
    }
  }

  private expire(): void {
    const oldest = this.now() - this.options.retentionMs;
    while (this.length > 0 && this.positions[this.head]!.ms < oldest) this.dropOldest();
  }

  private at(offset: number): { event: LoggedEvent; position: Position } {
    return { event: this.entries[this.head + offset]!, position: this.positions[this.head + offset]! };
  }

  get length(): number {
    return this.entries.length - this.head;
  }

  range: RangeReader = async (after, count) => {
    this.expire();
    let start = 0;
    if (after !== undefined) {
      const cursor = decodeEventCursor(after);
      if (cursor.epoch !== this.epoch) throw new CursorExpiredError('other-log');
      checkRetention(cursor, this.options);
      // Sequence numbers are consecutive: the entry of `seq` is at a known offset from the oldest.
      const offset = this.length === 0 ? -1 : cursor.position.seq - this.at(0).position.seq;
      if (offset < 0 || offset >= this.length || comparePositions(this.at(offset).position, cursor.position) !== 0) {
        throw new CursorExpiredError(cursor.position.seq > this.seq ? 'unknown' : 'trimmed');
      }
      start = offset + 1;
    }
    const out: LoggedEvent[] = [];
    for (let i = start; i < this.length && out.length < count; i++) out.push(this.at(i).event);
    return out;
  };
}
