/**
 * The one path every provider notification takes:
 *   authenticate (signature or secret URL) → parse → confirm by reading the resource from the provider
 *   → de-duplicate (a day) → publish to subscribers.
 * Nothing unauthenticated, unparseable or unconfirmed is ever published. The provider gets 200 once the
 * event is published (or known as a duplicate), 4xx for what a retry cannot fix, and 503 when the
 * confirmation could not be made or the event could not be recorded/published, so that it retries later.
 */
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { EventBus, PaymentEventValue } from '../events/bus.js';
import { EVENT_DEDUPE_TTL_MS, type EventDedupeStore } from '../events/dedupe.js';
import type { Logger } from '../logging.js';
import type { CallContext } from '../domain/models.js';
import { ProviderError } from '../providers/errors.js';
import type { ProviderId } from '../providers/provider.js';

/** How long confirming an event with the provider may take: Talo wants an answer within 3 s. */
export const CONFIRM_DEADLINE_MS = 2_500;

/** What a confirmed notification becomes; null when it is authentic but not worth publishing. */
export interface Confirmed {
  /** Identity of the event for de-duplication (the same change delivered twice has the same key). */
  dedupeKey: string;
  event: Omit<PaymentEventValue, 'id' | 'provider'> | null;
}

export interface WebhookHandler<Body> {
  provider: ProviderId;
  /** Null when authentic; otherwise a short reason (logged, never the secret). */
  authenticate(request: FastifyRequest, raw: Buffer): string | null;
  /** The notification body, or null when it is not what the provider sends. */
  parse(json: unknown): Body | null;
  confirm(body: Body, call: CallContext): Promise<Confirmed>;
}

export interface PipelineDeps {
  events: EventBus;
  dedupe: EventDedupeStore;
  logger: Logger;
  onOutcome?(provider: ProviderId, outcome: WebhookOutcome): void;
}

/** `unavailable`: confirmed, but our own de-duplication store or event bus failed (503, the provider retries). */
export type WebhookOutcome = 'published' | 'duplicate' | 'ignored' | 'unauthenticated' | 'malformed' | 'not_found' | 'unconfirmed' | 'unavailable';

/** An opaque event id derived from the de-duplication key. */
export function eventId(provider: ProviderId, dedupeKey: string): string {
  return `evt_${createHash('sha256').update(`${provider}:${dedupeKey}`).digest('hex').slice(0, 32)}`;
}

export function webhookRoute<Body>(handler: WebhookHandler<Body>, deps: PipelineDeps) {
  const { provider } = handler;
  const webhookLog = deps.logger.child({ webhook: provider.toLowerCase() });

  return async (request: FastifyRequest, reply: FastifyReply) => {
    // Every line about this delivery carries its request id (the provider clients' lines get it from
    // the call context below).
    const log = webhookLog.child({ requestId: request.id });
    const done = (reply: FastifyReply, status: number, outcome: WebhookOutcome, detail?: string) => {
      deps.onOutcome?.(provider, outcome);
      (status >= 400 ? log.warn.bind(log) : log.info.bind(log))({ outcome, detail }, `webhook ${outcome}`);
      return reply.code(status).send(status >= 400 ? { error: outcome } : { received: true, outcome });
    };
    const raw = request.body;
    if (!Buffer.isBuffer(raw)) return done(reply, 400, 'malformed', 'no body');
    const refusal = handler.authenticate(request, raw);
    if (refusal) return done(reply, 401, 'unauthenticated', refusal);

    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      return done(reply, 400, 'malformed', 'not JSON');
    }
    const body = handler.parse(json);
    if (body === null) return done(reply, 400, 'malformed', 'unexpected shape');

    let confirmed: Confirmed;
    try {
      confirmed = await handler.confirm(body, { requestId: request.id, signal: AbortSignal.timeout(CONFIRM_DEADLINE_MS) });
    } catch (error) {
      if (error instanceof ProviderError && error.reason === 'NOT_FOUND') return done(reply, 422, 'not_found', 'the provider does not know it');
      log.warn({ err: error }, 'webhook confirmation failed');
      return done(reply, 503, 'unconfirmed', error instanceof ProviderError ? error.reason : 'error');
    }
    const key = `${provider}:${confirmed.dedupeKey}`;
    let first: boolean;
    try {
      first = await deps.dedupe.firstSeen(key, EVENT_DEDUPE_TTL_MS);
    } catch (error) {
      log.warn({ err: error }, 'webhook de-duplication store unavailable');
      return done(reply, 503, 'unavailable', 'de-duplication store');
    }
    if (!first) return done(reply, 200, 'duplicate');
    if (!confirmed.event) return done(reply, 200, 'ignored');
    try {
      await deps.events.publish({ ...confirmed.event, id: eventId(provider, confirmed.dedupeKey), provider });
    } catch (error) {
      // Not published: forget the key, or the provider's retry would be taken for a duplicate and lost.
      log.warn({ err: error }, 'webhook event could not be published');
      await deps.dedupe.forget?.(key).catch((forgetError: unknown) => log.warn({ err: forgetError }, 'webhook de-duplication key not released'));
      return done(reply, 503, 'unavailable', 'event bus');
    }
    return done(reply, 200, 'published');
  };
}
