/**
 * Payment events fan out to subscribers through an EventBus: in memory by default, shared across
 * replicas with Redis (issue 7). Events are plain JSON so they can cross a process boundary.
 *
 * The bus is backed by an event log (./log.ts, issue 28): `publish` appends to the log, and what is
 * delivered live is what the log took, in the log's order, each event with its cursor. A subscriber
 * that was away resumes `after` the last cursor it received: the log's entries first, then live events,
 * with no gap and no duplicate across the hand-over (`ResumedSubscription`).
 *
 * Each subscriber has a bounded queue: one that cannot keep up does not grow memory without bound, and
 * does not lose events either — past its queue it reads on from the log at its own pace, then follows
 * live again (`FollowingSubscription`). Only when the log no longer holds its place (the retention or
 * the length cap passed it) is it ended, with SlowSubscriberError (the API's SUBSCRIBER_TOO_SLOW).
 */
import type { ProviderId } from '../providers/provider.js';
import type { PaymentEventValue } from './event.js';
import {
  comparePositions,
  CursorExpiredError,
  decodeEventCursor,
  MemoryEventLog,
  positionOf,
  type EventLogOptions,
  type LoggedEvent,
  type Position,
  type RangeReader,
} from './log.js';

export type { LoggedEvent };

export type { PaymentEventType, PaymentEventValue } from './event.js';

export interface EventFilter {
  provider?: ProviderId;
}

/** One page of the log (Query.events). */
export interface EventPage {
  events: LoggedEvent[];
  /** Whether an event matching the filter may follow (read on after `endCursor`). */
  hasMore: boolean;
  /**
   * Where to read on: the last event's cursor — or, when a filter skipped many events, the last one
   * read (which may not match the filter). Undefined on an empty page that reached the end.
   */
  endCursor?: string;
}

export interface EventBus {
  /** Appends `event` to the log and delivers it to every matching subscriber, on every replica. */
  publish(event: PaymentEventValue): Promise<LoggedEvent>;
  /** Events published from now on that match `filter`, in log order. */
  subscribe(filter: EventFilter): AsyncIterableIterator<LoggedEvent>;
  /**
   * Every logged event after the cursor `after` that matches `filter`, in log order, then the live
   * ones, none missed and none twice. Rejects with CursorExpiredError (nothing delivered) when the log
   * no longer has what follows `after`.
   */
  resume(filter: EventFilter, after: string): Promise<AsyncIterableIterator<LoggedEvent>>;
  /** At most `first` logged events matching `filter`, after `after` (from the oldest kept without it). CursorExpiredError as `resume`. */
  read(filter: EventFilter, after: string | undefined, first: number): Promise<EventPage>;
  close(): Promise<void>;
}

export function matches(filter: EventFilter, event: PaymentEventValue): boolean {
  return !filter.provider || filter.provider === event.provider;
}

/** Events a subscriber may have waiting before it is dropped as too slow. */
export const SUBSCRIBER_QUEUE_LIMIT = 1_000;

/**
 * A subscriber fell so far behind that the log no longer holds the events after the last one it
 * received: they are lost to it, and it is ended.
 */
export class SlowSubscriberError extends Error {
  constructor(why: CursorExpiredError) {
    super(
      `The subscription fell so far behind that the events after the last one it received are no longer kept (${why.message.split(':')[0]}); re-read the current state of what you follow, then subscribe again`,
    );
    this.name = 'SlowSubscriberError';
  }
}

/** A Subscriber's queue overflowed: it ends, keeping its oldest event (the place its consumer reads on from in the log). */
export class QueueOverflow extends Error {
  constructor(limit: number) {
    super(`the subscriber fell more than ${limit} events behind`);
    this.name = 'QueueOverflow';
  }
}

/** One subscriber's bounded queue, exposed as an async iterator. */
export class Subscriber implements AsyncIterableIterator<LoggedEvent> {
  private readonly queue: LoggedEvent[] = [];
  private waiting?: { resolve(result: IteratorResult<LoggedEvent>): void; reject(error: unknown): void };
  private failure?: Error;
  private done = false;

  constructor(
    readonly filter: EventFilter,
    private readonly onEnd: (subscriber: Subscriber) => void,
    private readonly limit = SUBSCRIBER_QUEUE_LIMIT,
  ) {}

  matches(event: PaymentEventValue): boolean {
    return matches(this.filter, event);
  }

  /** Ended because it fell behind (its error not yet read). */
  get overflowed(): boolean {
    return this.failure !== undefined;
  }

  push(event: LoggedEvent): void {
    if (this.done) return;
    if (this.waiting) {
      const waiting = this.waiting;
      this.waiting = undefined;
      waiting.resolve({ value: event, done: false });
      return;
    }
    if (this.queue.length >= this.limit) {
      this.fail(new QueueOverflow(this.limit));
      return;
    }
    this.queue.push(event);
  }

  /** Ends with `error`, keeping only the oldest event queued: read before the error, it says where the consumer was. */
  private fail(error: Error): void {
    this.failure = error;
    this.queue.length = Math.min(this.queue.length, 1);
    this.finish();
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.onEnd(this);
    if (this.waiting) {
      const waiting = this.waiting;
      this.waiting = undefined;
      if (this.failure) waiting.reject(this.failure);
      else waiting.resolve({ value: undefined, done: true });
    }
  }

  next(): Promise<IteratorResult<LoggedEvent>> {
    const event = this.queue.shift();
    if (event) return Promise.resolve({ value: event, done: false });
    if (this.failure) {
      const failure = this.failure;
      this.failure = undefined;
      return Promise.reject(failure);
    }
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<LoggedEvent>> {
    this.queue.length = 0;
    this.failure = undefined;
    this.finish();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<LoggedEvent> {
    return this;
  }

  get queued(): number {
    return this.queue.length;
  }
}

/** Log entries read per round trip while a subscriber catches up or a page is read. */
export const REPLAY_BATCH = 200;

/**
 * A subscription over the log. It listens live first (so nothing published from then on is missed); when
 * it resumes after a cursor, it reads the log after it batch by batch at its consumer's pace, then hands
 * over to the live events, dropping those at or before the last entry it read from the log (already
 * delivered). Whenever its live queue overflows — while catching up, or later because its consumer is
 * slow — the log still has everything: it listens anew and reads on from the last event it delivered.
 * If the log no longer has that place, it ends with SlowSubscriberError. Not an async generator:
 * `return()` must end it even while it waits.
 */
export class FollowingSubscription implements AsyncIterableIterator<LoggedEvent> {
  private live: Subscriber;
  private batch: LoggedEvent[];
  /** The last event delivered (or the cursor resumed after); undefined until the first event when following from now. */
  private lastCursor?: string;
  /** Its position while live events may repeat what the log delivered (a hand-over); undefined otherwise. */
  private last?: Position;
  private replaying: boolean;
  private closed = false;
  /** A full batch may have more behind it. */
  private batchWasFull: boolean;

  /** Validates `after` (first batch) before returning: an expired cursor is refused before anything is sent. */
  static async resume(listen: () => Subscriber, range: RangeReader, filter: EventFilter, after: string): Promise<FollowingSubscription> {
    const live = listen();
    try {
      const position = decodeEventCursor(after).position;
      const batch = await range(after, REPLAY_BATCH);
      return new FollowingSubscription(listen, range, filter, live, batch, after, position);
    } catch (error) {
      await live.return();
      throw error;
    }
  }

  /** The events published from now on. */
  static follow(listen: () => Subscriber, range: RangeReader, filter: EventFilter): FollowingSubscription {
    return new FollowingSubscription(listen, range, filter, listen(), undefined);
  }

  private constructor(
    private readonly listen: () => Subscriber,
    private readonly range: RangeReader,
    private readonly filter: EventFilter,
    live: Subscriber,
    batch: LoggedEvent[] | undefined,
    after?: string,
    position?: Position,
  ) {
    this.live = live;
    this.replaying = batch !== undefined;
    this.batch = batch ?? [];
    this.batchWasFull = batch?.length === REPLAY_BATCH;
    this.lastCursor = after;
    this.last = position;
  }

  private delivered(event: LoggedEvent, position: Position): IteratorResult<LoggedEvent> {
    this.lastCursor = event.cursor;
    this.last = position;
    return { value: event, done: false };
  }

  async next(): Promise<IteratorResult<LoggedEvent>> {
    for (;;) {
      while (this.replaying && !this.closed) {
        const event = this.batch.shift();
        if (event) {
          const position = positionOf(event);
          if (matches(this.filter, event)) return this.delivered(event, position);
          this.lastCursor = event.cursor;
          this.last = position;
          continue;
        }
        if (!this.batchWasFull && !this.live.overflowed) {
          this.replaying = false;
          break;
        }
        if (this.live.overflowed) {
          await this.live.return();
          this.live = this.listen();
        }
        let batch: LoggedEvent[];
        try {
          batch = await this.range(this.lastCursor, REPLAY_BATCH);
        } catch (error) {
          if (error instanceof CursorExpiredError && !this.closed) {
            await this.return();
            throw new SlowSubscriberError(error);
          }
          throw error;
        }
        if (this.closed) break;
        this.batchWasFull = batch.length === REPLAY_BATCH;
        this.batch = batch;
      }
      if (this.closed) return { value: undefined, done: true };
      let result: IteratorResult<LoggedEvent>;
      try {
        result = await this.live.next();
      } catch (error) {
        // Fell behind while live: the log has what the queue let go; read on from the last event delivered.
        // (The queue keeps its oldest event until the overflow is read, so one has always been delivered.)
        if (!(error instanceof QueueOverflow) || this.lastCursor === undefined) throw error;
        await this.live.return();
        this.live = this.listen();
        this.replaying = true;
        this.batchWasFull = true;
        continue;
      }
      if (result.done) return result;
      if (this.last !== undefined) {
        // Handing over from the log: drop the live events it delivered already. The first one past it
        // ends the hand-over (live events come in log order), so a subscription that keeps up decodes no cursor.
        if (comparePositions(positionOf(result.value), this.last) <= 0) continue;
        this.last = undefined;
      }
      this.lastCursor = result.value.cursor;
      return result;
    }
  }

  async return(): Promise<IteratorResult<LoggedEvent>> {
    this.closed = true;
    this.batch = [];
    await this.live.return();
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<LoggedEvent> {
    return this;
  }

  /** Events waiting to be read without another read of the log. */
  get queued(): number {
    return this.batch.length + this.live.queued;
  }
}

/** Log entries one page may read past its filter before it ends early (a rare provider must not make a page scan the whole log). */
export const PAGE_SCAN_LIMIT = 10 * REPLAY_BATCH;

/**
 * One page of `range` after `after`, filtered: reads on until `first` match, the log ends, or
 * PAGE_SCAN_LIMIT entries were read (then the page is short, `hasMore`, and `endCursor` is the last
 * entry read, so the next page goes on from there).
 */
export async function readPage(range: RangeReader, filter: EventFilter, after: string | undefined, first: number): Promise<EventPage> {
  const events: LoggedEvent[] = [];
  let cursor = after;
  let scanned = 0;
  for (;;) {
    const batch = await range(cursor, REPLAY_BATCH);
    for (const event of batch) {
      if (!matches(filter, event)) continue;
      if (events.length === first) return { events, hasMore: true, endCursor: events.at(-1)!.cursor };
      events.push(event);
    }
    if (batch.length < REPLAY_BATCH) return { events, hasMore: false, endCursor: events.at(-1)?.cursor };
    cursor = batch.at(-1)!.cursor;
    scanned += batch.length;
    if (scanned >= PAGE_SCAN_LIMIT) return { events, hasMore: true, endCursor: cursor };
  }
}

/** Local subscribers: what a bus hands the events its log took to. */
export class LocalSubscribers {
  private readonly subscribers = new Set<Subscriber>();

  constructor(private readonly queueLimit = SUBSCRIBER_QUEUE_LIMIT) {}

  deliver(event: LoggedEvent): void {
    for (const subscriber of this.subscribers) if (subscriber.matches(event)) subscriber.push(event);
  }

  subscribe(filter: EventFilter): Subscriber {
    const subscriber = new Subscriber(filter, (s) => this.subscribers.delete(s), this.queueLimit);
    this.subscribers.add(subscriber);
    return subscriber;
  }

  get size(): number {
    return this.subscribers.size;
  }

  async close(): Promise<void> {
    for (const subscriber of [...this.subscribers]) await subscriber.return();
  }
}

/** One process's bus over a bounded in-memory log. */
export class MemoryEventBus implements EventBus {
  private readonly local: LocalSubscribers;
  readonly log: MemoryEventLog;

  constructor(queueLimit = SUBSCRIBER_QUEUE_LIMIT, log?: EventLogOptions) {
    this.local = new LocalSubscribers(queueLimit);
    this.log = new MemoryEventLog(log);
  }

  async publish(event: PaymentEventValue): Promise<LoggedEvent> {
    const { logged, fresh } = this.log.append(event);
    if (fresh) this.local.deliver(logged);
    return logged;
  }

  subscribe(filter: EventFilter): AsyncIterableIterator<LoggedEvent> {
    return FollowingSubscription.follow(() => this.local.subscribe(filter), this.log.range, filter);
  }

  resume(filter: EventFilter, after: string): Promise<AsyncIterableIterator<LoggedEvent>> {
    return FollowingSubscription.resume(() => this.local.subscribe(filter), this.log.range, filter, after);
  }

  read(filter: EventFilter, after: string | undefined, first: number): Promise<EventPage> {
    return readPage(this.log.range, filter, after, first);
  }

  get subscriberCount(): number {
    return this.local.size;
  }

  async close(): Promise<void> {
    await this.local.close();
  }
}
