/**
 * The one way a confirmed reading of an object becomes an event, for the webhook pipeline and the
 * watcher alike: record its state for the object (atomic: the first recorder, on any replica,
 * publishes), then publish. A publication that fails un-records the state, so the next confirmation
 * (the provider's retry, the watcher's next re-read) publishes it after all.
 */
import type { ProviderId } from '../providers/provider.js';
import type { EventBus, PaymentEventValue } from './bus.js';
import type { EventDedupeStore } from './dedupe.js';
import type { Reading } from './readings.js';
import { eventId } from './values.js';

export type PublishOutcome = 'published' | 'duplicate' | 'ignored';

/** The de-duplication store or the bus failed: nothing was published and the state is not recorded (when it could be undone). */
export class PublishFailedError extends Error {
  constructor(
    readonly step: 'record' | 'publish',
    cause: unknown,
  ) {
    super(step === 'record' ? 'the event de-duplication store is unavailable' : 'the event could not be published', { cause });
  }
}

export interface PublishOnceDeps {
  events: EventBus;
  dedupe: EventDedupeStore;
  /** How long the recorded state is remembered. */
  retentionMs: number;
  /** Wraps the bus's publish (the webhook pipeline's span). */
  publishing?<T>(event: PaymentEventValue, publish: () => Promise<T>): Promise<T>;
  /** A failed un-record after a failed publish (logged by the caller). */
  onForgetFailed?(error: unknown): void;
}

/**
 * Records `reading` for `provider:object` and publishes its event when this caller recorded it first.
 * The event id is derived from the object and state, so both paths publish identical events.
 */
export async function publishOnce(deps: PublishOnceDeps, provider: ProviderId, object: string, reading: Reading): Promise<PublishOutcome> {
  const recorded = `${provider}:${object}`;
  let first: boolean;
  try {
    first = await deps.dedupe.record(recorded, reading.state, reading.final, deps.retentionMs);
  } catch (error) {
    throw new PublishFailedError('record', error);
  }
  if (!first) return 'duplicate';
  if (!reading.event) return 'ignored';
  const event: PaymentEventValue = { ...reading.event, id: eventId(provider, `${object}:${reading.state}`), provider };
  try {
    await (deps.publishing ? deps.publishing(event, () => deps.events.publish(event)) : deps.events.publish(event));
  } catch (error) {
    // Not published: forget the state, or the next confirmation would be taken for a duplicate and lost.
    await deps.dedupe.forget(recorded, reading.state).catch((forgetError: unknown) => deps.onForgetFailed?.(forgetError));
    throw new PublishFailedError('publish', error);
  }
  return 'published';
}
