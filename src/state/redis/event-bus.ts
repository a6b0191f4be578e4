/**
 * Payment events across replicas: published to a Redis channel, delivered by every replica to its own
 * subscribers (a webhook received by replica A reaches a subscriber on replica B). Local delivery goes
 * through Redis too, so every replica sees the same order.
 */
import type { Redis } from 'ioredis';
import { MemoryEventBus, type EventBus, type EventFilter, type PaymentEventValue } from '../../events/bus.js';
import { guarded } from './connection.js';

export class RedisEventBus implements EventBus {
  private readonly local: MemoryEventBus;
  private readonly channel: string;
  private readonly ready: Promise<unknown>;

  /** `subscriber` must be a connection of its own: Redis reserves a subscribed connection for messages. */
  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    prefix: string,
    queueLimit?: number,
  ) {
    this.local = new MemoryEventBus(queueLimit);
    this.channel = `${prefix}events`;
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel !== this.channel) return;
      try {
        this.local.deliver(JSON.parse(message) as PaymentEventValue);
      } catch {
        // a malformed message on our channel is dropped, never crashes the replica
      }
    });
    this.ready = this.subscriber.subscribe(this.channel).catch(() => undefined);
    // ioredis re-subscribes after a reconnect only to channels it once reached; subscribe on every
    // ready too, so a replica started during an outage joins the channel when Redis comes back.
    this.subscriber.on('ready', () => void this.subscriber.subscribe(this.channel).catch(() => undefined));
  }

  async publish(event: PaymentEventValue): Promise<void> {
    await this.ready;
    await guarded(() => this.publisher.publish(this.channel, JSON.stringify(event)));
  }

  subscribe(filter: EventFilter): AsyncIterableIterator<PaymentEventValue> {
    return this.local.subscribe(filter);
  }

  get subscriberCount(): number {
    return this.local.subscriberCount;
  }

  async close(): Promise<void> {
    await this.local.close();
    await this.subscriber.unsubscribe(this.channel).catch(() => undefined);
  }
}
