/**
 * Payment events fan out to subscribers through an EventBus: in memory by default, shared across
 * replicas with Redis (issue 7). Events are plain JSON so they can cross a process boundary.
 *
 * Each subscriber has a bounded queue: one that cannot keep up is ended with an error rather than
 * allowed to grow memory without bound (it reconnects and re-reads what it missed).
 */
import type { ProviderId } from '../providers/provider.js';

export type PaymentEventType = 'PAYMENT_CREATED' | 'PAYMENT_UPDATED' | 'CASHIN_RECEIVED' | 'CASHOUT_UPDATED';

/** A normalized provider event; `payment`/`cashin`/`cashout` are GraphQL values (plain objects). */
export interface PaymentEventValue {
  /** Unique per provider event. */
  id: string;
  provider: ProviderId;
  type: PaymentEventType;
  occurredAt: string;
  /** When Pasarela observed the change (set where that differs from, or replaces, the provider's time). */
  observedAt?: string;
  payment?: unknown;
  cashin?: unknown;
  cashout?: unknown;
}

export interface EventFilter {
  provider?: ProviderId;
}

export interface EventBus {
  publish(event: PaymentEventValue): Promise<void>;
  /** Events published from now on that match `filter`, in publish order. */
  subscribe(filter: EventFilter): AsyncIterableIterator<PaymentEventValue>;
  close(): Promise<void>;
}

/** Events a subscriber may have waiting before it is dropped as too slow. */
export const SUBSCRIBER_QUEUE_LIMIT = 1_000;

export class SlowSubscriberError extends Error {
  constructor(limit: number) {
    super(`The subscriber fell more than ${limit} events behind and was disconnected; subscribe again`);
  }
}

/** One subscriber's bounded queue, exposed as an async iterator. */
export class Subscriber implements AsyncIterableIterator<PaymentEventValue> {
  private readonly queue: PaymentEventValue[] = [];
  private waiting?: { resolve(result: IteratorResult<PaymentEventValue>): void; reject(error: unknown): void };
  private failure?: Error;
  private done = false;

  constructor(
    readonly filter: EventFilter,
    private readonly onEnd: (subscriber: Subscriber) => void,
    private readonly limit = SUBSCRIBER_QUEUE_LIMIT,
  ) {}

  matches(event: PaymentEventValue): boolean {
    return !this.filter.provider || this.filter.provider === event.provider;
  }

  push(event: PaymentEventValue): void {
    if (this.done) return;
    if (this.waiting) {
      const waiting = this.waiting;
      this.waiting = undefined;
      waiting.resolve({ value: event, done: false });
      return;
    }
    if (this.queue.length >= this.limit) {
      this.fail(new SlowSubscriberError(this.limit));
      return;
    }
    this.queue.push(event);
  }

  private fail(error: Error): void {
    this.failure = error;
    this.queue.length = 0;
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

  next(): Promise<IteratorResult<PaymentEventValue>> {
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

  return(): Promise<IteratorResult<PaymentEventValue>> {
    this.queue.length = 0;
    this.finish();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<PaymentEventValue> {
    return this;
  }

  get queued(): number {
    return this.queue.length;
  }
}

export class MemoryEventBus implements EventBus {
  private readonly subscribers = new Set<Subscriber>();

  constructor(private readonly queueLimit = SUBSCRIBER_QUEUE_LIMIT) {}

  async publish(event: PaymentEventValue): Promise<void> {
    this.deliver(event);
  }

  /** Hands an event to the local subscribers (also what a shared bus calls on receipt). */
  deliver(event: PaymentEventValue): void {
    for (const subscriber of this.subscribers) if (subscriber.matches(event)) subscriber.push(event);
  }

  subscribe(filter: EventFilter): AsyncIterableIterator<PaymentEventValue> {
    const subscriber = new Subscriber(filter, (s) => this.subscribers.delete(s), this.queueLimit);
    this.subscribers.add(subscriber);
    return subscriber;
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  async close(): Promise<void> {
    for (const subscriber of [...this.subscribers]) await subscriber.return();
  }
}
