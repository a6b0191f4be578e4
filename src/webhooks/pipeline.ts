/**
 * The one path every provider notification takes:
 *   authenticate (signature, with its timestamp within SIGNED_TIMESTAMP_TOLERANCE_MS when the format
 *   has one, or secret URL) → parse (a known signed format, or any body read for ids only: hints.ts)
 *   → de-duplicate by the notification's ids, before any provider call
 *   (the object's claimed state is already published, or the object reached a final state) → take a
 *   token from the provider's confirmation bucket → confirm by reading the resource from the provider
 *   → record the confirmed state for the object (atomic: the first recorder publishes) → publish
 *   (src/events/publish-once.ts, the step the watcher's re-reads share: one de-duplication for both).
 * Nothing unauthenticated, unparseable or unconfirmed is ever published, and an object is never
 * published twice in the same state, however late a replay comes (see src/events/dedupe.ts for how
 * long and how much is remembered). The provider gets 200 once the event is published (or known as a
 * duplicate), 4xx for what a retry cannot fix, 429 with Retry-After when the confirmation bucket is
 * empty, and 503 when the confirmation could not be made or the event could not be recorded/published,
 * so that it retries later.
 *
 * Traced (src/observability/tracing.ts): a `webhook <PROVIDER>` server span per delivery (its parent
 * the sender's `traceparent`, if any) with its outcome, and `webhook.authenticate`, `webhook.confirm`
 * (the provider calls under it) and `webhook.publish` children.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { EventBus } from '../events/bus.js';
import { PublishFailedError, publishOnce, type PublishOutcome } from '../events/publish-once.js';
import type { Reading } from '../events/readings.js';
import { shapeOf } from './hints.js';
import { PUBLISHED_STATE_RETENTION_MS, type EventDedupeStore } from '../events/dedupe.js';
import type { Logger } from '../logging.js';
import type { CallContext } from '../domain/models.js';
import { ProviderError } from '../providers/errors.js';
import type { ProvidersConfig } from '../config.js';
import type { Capabilities, CapabilityName } from '../providers/capabilities.js';
import type { ProviderId } from '../providers/provider.js';
import type { RateLimit, RateLimiter } from '../state/rate-limiter.js';
import { DEFAULT_CONFIRM_RATE_LIMIT } from './confirm-rate.js';
import { SpanStatusCode, endFailed, startIncoming, startSpan, startTraced, type Traced } from '../observability/tracing.js';

/**
 * **assumption**: how long confirming an event with the provider may take, for every provider: Talo wants
 * an answer within 3 s (TALO_WEBHOOK_ANSWER_WITHIN_MS); the others say nothing, and a slower confirmation
 * is answered 503, so the provider retries.
 */
export const CONFIRM_DEADLINE_MS = 2_500;
/**
 * **assumption**: the bodies a notification may come in, for every provider; any other is answered 400.
 * JSON as the documents show, and form-encoded, the other way the same fields are commonly posted
 * (`readNotificationBody` reads only the formats listed here).
 */
export const NOTIFICATION_BODY_FORMATS: readonly ('JSON' | 'form-encoded')[] = ['JSON', 'form-encoded'];
/** How far a signed timestamp (Tupay's X-Date) may be from our clock, either way (Stripe's default). */
export const SIGNED_TIMESTAMP_TOLERANCE_MS = 5 * 60_000;

/** True when a signed timestamp is readable and within the tolerance of `nowMs`. */
export function timestampWithinTolerance(at: number, nowMs = Date.now()): boolean {
  return !Number.isNaN(at) && Math.abs(nowMs - at) <= SIGNED_TIMESTAMP_TOLERANCE_MS;
}

/** What the notification itself says, read before any provider call. */
export interface Notice {
  /** The object it is about, unique within the provider (e.g. `deposit:123`). */
  object: string;
  /** The object's state as the (authenticated) body claims it, when the format carries one. */
  claimed?: string;
}

/** What a confirmed notification becomes: the object's reading, as the watcher's re-reads make it too. */
export type Confirmed = Reading;

export interface WebhookHandler<Body> {
  provider: ProviderId;
  /** Null when authentic; otherwise a short reason (logged, never the secret). */
  authenticate(request: FastifyRequest, raw: Buffer): string | null;
  /** The notification body, or null when it holds nothing to act on (no id). */
  parse(json: unknown, request: FastifyRequest): Body | null;
  notice(body: Body): Notice;
  confirm(body: Body, call: CallContext): Promise<Confirmed>;
}

/** How a provider's notifications prove themselves: signed on the bare path, or on a secret token path. */
export type NotificationAuth = 'signature' | 'url-token';

/** A capability of the notifying provider, asked when a notice arrives (the handler is made before). */
export type CapabilityAsker = <K extends CapabilityName>(name: K) => () => Capabilities[K];

/**
 * A provider's notifications as its folder declares them (src/providers/<p>/webhook.ts), found through
 * src/providers/notifiers.ts: routes.ts serves POST /webhooks/<slug> for `signature` and
 * /webhooks/<slug>/:token for `url-token`, with one handler.
 */
export interface ProviderNotifications {
  readonly provider: ProviderId;
  readonly auth: readonly NotificationAuth[];
  /** The handler when the provider is configured in `config`; undefined otherwise. */
  handler(config: ProvidersConfig, capability: CapabilityAsker): WebhookHandler<unknown> | undefined;
  /**
   * Where the embedded default (src/embedded.ts) tells this provider's sandbox to notify the gateway at
   * `publicUrl`; undefined when it is told nothing.
   */
  sandboxTarget?(config: ProvidersConfig, publicUrl: string): string | undefined;
}

export interface PipelineDeps {
  events: EventBus;
  dedupe: EventDedupeStore;
  logger: Logger;
  /** The shared token buckets; without one, confirmations are not limited. */
  rateLimiter?: RateLimiter;
  confirmRateLimit?: RateLimit;
  /** How long published states are remembered (default PUBLISHED_STATE_RETENTION_MS). */
  retentionMs?: number;
  onOutcome?(provider: ProviderId, outcome: WebhookOutcome): void;
}

/**
 * `unavailable`: our own de-duplication store or event bus failed (503, the provider retries);
 * `rate_limited`: the provider's confirmation bucket is empty (429 with Retry-After, the provider retries).
 */
export type WebhookOutcome =
  'published' | 'duplicate' | 'ignored' | 'unauthenticated' | 'malformed' | 'not_found' | 'unconfirmed' | 'unavailable' | 'rate_limited';

export function webhookRoute<Body>(handler: WebhookHandler<Body>, deps: PipelineDeps) {
  const { provider } = handler;
  const webhookLog = deps.logger.child({ webhook: provider.toLowerCase() });
  const retentionMs = deps.retentionMs ?? PUBLISHED_STATE_RETENTION_MS;
  const confirmLimit = deps.confirmRateLimit ?? DEFAULT_CONFIRM_RATE_LIMIT;
  const bucket = `webhook-confirm:${provider}`;

  return async (request: FastifyRequest, reply: FastifyReply) => {
    // Every line about this delivery carries its request id (the provider clients' lines get it from
    // the call context below).
    const trace = startIncoming(`webhook ${provider}`, request.headers, { 'pasarela.provider': provider, 'pasarela.request_id': request.id });
    const log = webhookLog.child(trace ? { requestId: request.id, traceId: trace.traceId } : { requestId: request.id });
    const done = (reply: FastifyReply, status: number, outcome: WebhookOutcome, detail?: string) => {
      deps.onOutcome?.(provider, outcome);
      if (trace?.span) endDelivery(trace, status, outcome);
      (status >= 400 ? log.warn.bind(log) : log.info.bind(log))({ outcome, detail }, `webhook ${outcome}`);
      return reply.code(status).send(status >= 400 ? { error: outcome } : { received: true, outcome });
    };
    const raw = request.body;
    if (!Buffer.isBuffer(raw)) return done(reply, 400, 'malformed', 'no body');
    const authenticating = startSpan('webhook.authenticate', trace?.context);
    const refusal = handler.authenticate(request, raw);
    if (authenticating) endStep(authenticating, refusal);
    if (refusal) return done(reply, 401, 'unauthenticated', refusal);

    const json = readNotificationBody(raw, request.headers['content-type']);
    if (json === undefined) return done(reply, 400, 'malformed', `not ${NOTIFICATION_BODY_FORMATS.join(' or ')}`);
    const body = handler.parse(json, request);
    if (body === null) {
      // Loud about a shape we cannot read: its key paths (never its values) go to the log.
      log.warn({ shape: shapeOf(json) }, 'webhook body holds no identifier we recognise');
      return done(reply, 400, 'malformed', 'no identifier');
    }

    // De-duplication by the notification's own ids: no provider call for what is known already.
    const notice = handler.notice(body);
    const object = `${provider}:${notice.object}`;
    try {
      const known = await deps.dedupe.lookup(object, notice.claimed);
      if (known.recorded || known.final)
        return done(reply, 200, 'duplicate', known.final ? 'final state already published' : 'claimed state already published');
    } catch (error) {
      log.warn({ err: error }, 'webhook de-duplication store unavailable');
      return done(reply, 503, 'unavailable', 'de-duplication store');
    }

    const retryAfterMs = await takeConfirmation(deps, bucket, confirmLimit, log);
    if (retryAfterMs !== undefined) {
      reply.header('retry-after', String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
      return done(reply, 429, 'rate_limited', 'confirmation bucket empty');
    }

    let confirmed: Confirmed;
    // The confirmation's provider calls are children of its span (or carry the sender's trace on).
    const confirming = startTraced('webhook.confirm', trace?.context);
    try {
      confirmed = await handler.confirm(body, { requestId: request.id, signal: AbortSignal.timeout(CONFIRM_DEADLINE_MS), trace: confirming?.context });
      confirming?.span?.end();
    } catch (error) {
      if (confirming?.span) endFailed(confirming.span, error, error instanceof ProviderError ? error.reason : undefined);
      if (error instanceof ProviderError && error.reason === 'NOT_FOUND') return done(reply, 422, 'not_found', 'the provider does not know it');
      log.warn({ err: error }, 'webhook confirmation failed');
      return done(reply, 503, 'unconfirmed', error instanceof ProviderError ? error.reason : 'error');
    }
    let outcome: PublishOutcome;
    try {
      outcome = await publishOnce(
        {
          events: deps.events,
          dedupe: deps.dedupe,
          retentionMs,
          publishing: async (event, publish) => {
            const publishing = startSpan('webhook.publish', trace?.context, { 'pasarela.event.type': event.type });
            try {
              const published = await publish();
              publishing?.end();
              return published;
            } catch (error) {
              if (publishing) endFailed(publishing, error);
              throw error;
            }
          },
          onForgetFailed: (forgetError) => log.warn({ err: forgetError }, 'webhook de-duplication state not released'),
        },
        provider,
        confirmed.object ?? notice.object,
        confirmed,
      );
    } catch (error) {
      if (!(error instanceof PublishFailedError)) throw error;
      if (error.step === 'record') {
        log.warn({ err: error.cause }, 'webhook de-duplication store unavailable');
        return done(reply, 503, 'unavailable', 'de-duplication store');
      }
      // Not published (and the state forgotten): the provider's retry publishes it.
      log.warn({ err: error.cause }, 'webhook event could not be published');
      return done(reply, 503, 'unavailable', 'event bus');
    }
    if (outcome === 'duplicate') return done(reply, 200, 'duplicate', 'confirmed state already published');
    if (outcome === 'ignored') return done(reply, 200, 'ignored');
    return done(reply, 200, 'published');
  };
}

/** A form-encoded body: `key=value` pairs joined by `&` (TelePagos documents its requests as JSON or form data). */
const FORM_BODY = /^[^=&\s]+=[^&\s]*(&[^=&\s]+=[^&\s]*)*$/;

/**
 * A notification body as a value to read: JSON, or form-encoded (`application/x-www-form-urlencoded`, or
 * a body of that form whatever its content type says) read as an object of its fields, a repeated field
 * as a list. Undefined when it is neither.
 */
export function readNotificationBody(raw: Buffer, contentType: string | undefined): unknown {
  const text = raw.toString('utf8');
  const form = /^application\/x-www-form-urlencoded\b/i.test(contentType ?? '');
  if (!form && NOTIFICATION_BODY_FORMATS.includes('JSON')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      // perhaps a form body under another content type
    }
  }
  const trimmed = text.trim();
  if (!NOTIFICATION_BODY_FORMATS.includes('form-encoded') || !FORM_BODY.test(trimmed)) return undefined;
  // No prototype: a field named `__proto__` is a field like any other.
  const fields = Object.create(null) as Record<string, string | string[]>;
  for (const [key, value] of new URLSearchParams(trimmed)) {
    const known = fields[key];
    fields[key] = known === undefined ? value : Array.isArray(known) ? [...known, value] : [known, value];
  }
  return fields;
}

/** Ends a delivery's span with its HTTP status and outcome (an error for what the provider must retry or fix). */
function endDelivery(trace: Traced, status: number, outcome: WebhookOutcome): void {
  const span = trace.span!;
  span.setAttribute('http.response.status_code', status);
  span.setAttribute('pasarela.outcome', outcome);
  if (status >= 400) span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
  span.end();
}

/** Ends the authentication step: an error with its (secret-free) refusal reason. */
function endStep(span: NonNullable<ReturnType<typeof startSpan>>, refusal: string | null): void {
  if (refusal) span.setStatus({ code: SpanStatusCode.ERROR, message: refusal });
  span.end();
}

/**
 * A token from the provider's confirmation bucket: undefined when one was taken, otherwise how long
 * until one is back. When the state store cannot be reached the confirmation goes ahead (as for
 * clients' limits: refusing every notification during a Redis outage would be worse).
 */
async function takeConfirmation(deps: PipelineDeps, bucket: string, limit: RateLimit, log: Logger): Promise<number | undefined> {
  if (!deps.rateLimiter) return undefined;
  try {
    const decision = await deps.rateLimiter.take(bucket, limit);
    return decision.allowed ? undefined : decision.retryAfterMs;
  } catch (error) {
    log.warn({ err: error }, 'confirmation rate limiter unavailable; confirmation allowed');
    return undefined;
  }
}
