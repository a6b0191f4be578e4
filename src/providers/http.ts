/**
 * The one upstream transport: every byte Pasarela sends a provider goes through here.
 *
 * - a keep-alive undici Pool per provider origin;
 * - one time budget per call (UPSTREAM_TIMEOUT_MS): its attempts and the waits between them all come
 *   out of it, so a hung provider costs a caller the budget once, not once per retry; and cancellation
 *   when the caller's signal fires (the GraphQL request is gone);
 * - bounded retries with exponential backoff and full jitter, honouring Retry-After on 429/503, while
 *   the budget allows — only for safe calls (GET) and calls the provider documents as replayable
 *   (TelePagos cash-out with the same reference_id); every other POST is sent exactly once;
 * - a circuit breaker per provider (cockatiel's policy with a WindowBreaker: opens when the failure
 *   ratio over the last seconds passes a threshold, then lets one probe through per probe interval while
 *   every other call fails fast) so an outage fails fast; a shared GET counts once per caller it served;
 * - the request id sent as `X-Request-Id`; a hook per attempt for metrics;
 * - the trace: W3C `traceparent`/`tracestate` on every attempt and, when the call's trace is recorded
 *   (tracing on, sampled), a span per call (retry and breaker decisions as events) with a client span
 *   per attempt (src/observability/tracing.ts).
 *
 * It classifies transport-level failures (timeouts, resets, 5xx, 429) into ProviderError; answers with
 * another status are returned for the provider client to read, since only it knows the error shape.
 */
import { Pool, errors as undiciErrors } from 'undici';
import type { IncomingHttpHeaders } from 'node:http';
import { BrokenCircuitError, CircuitState, circuitBreaker, handleWhen, type CircuitBreakerPolicy } from 'cockatiel';
import { WindowBreaker } from './breaker.js';
import { ProviderError, failureOutcome, type ProviderErrorReason } from './errors.js';
import type { ProviderId } from './provider.js';
import { Cancellation, type CancelSignal } from '../cancellation.js';
import { jsonBody } from './json-body.js';
import {
  SpanKind,
  SpanStatusCode,
  endFailed,
  injectTrace,
  recording,
  startSpan,
  startTraced,
  traceIdOf,
  type Span,
  type TraceContext,
} from '../observability/tracing.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/**
 * - `safe`: no side effect; retried (the default for GET).
 * - `replayable`: has an effect, but the provider documents that replaying it is harmless.
 * - `never`: sent once whatever happens (the default for every other method).
 */
export type RetryMode = 'safe' | 'replayable' | 'never';

export interface UpstreamCall {
  method: HttpMethod;
  /** Relative to the provider base URL, without a leading slash: `v2/account/balance`. */
  path: string;
  /** Stable label for logs, metrics and errors: `GET v2/payment/cashout/{id}` (no concrete ids). */
  endpoint: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** Sent as a JSON body (a `JsonDecimal` in it is written as an exact JSON number: json-body.ts). */
  json?: unknown;
  headers?: Record<string, string>;
  retry?: RetryMode;
  /**
   * `false`: sent for this caller alone, even when an identical GET is in flight (its caller shares the
   * call itself: `shared`). GETs are shared by default; nothing else ever is.
   */
  share?: false;
  /** Aborts the call (and any pending retry) when the caller goes away. */
  signal?: CancelSignal;
  requestId?: string;
  /**
   * The trace the call belongs to (the operation's or delivery's span; a client's remote context when
   * tracing is off): sent as `traceparent`, and the parent of the call's span.
   */
  trace?: TraceContext;
}

export interface UpstreamResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** Parsed JSON, or the raw text when the answer is not JSON. */
  body: unknown;
  /**
   * Set when an earlier attempt of this call had its answer lost (it may have acted): this answer is
   * to a replay, so a refusal read from it is no proof that nothing happened (errors.ts, afterLostAnswer).
   */
  afterLostAnswer?: boolean;
}

export type CallOutcome = 'success' | 'http_error' | 'server_error' | 'rate_limited' | 'timeout' | 'network' | 'circuit_open' | 'cancelled';

export interface CallEvent {
  provider: ProviderId;
  endpoint: string;
  method: HttpMethod;
  outcome: CallOutcome;
  status?: number;
  durationMs: number;
  /** 1 for the first try, 2 for the first retry… */
  attempt: number;
  /** The request the call was made for (for log lines; a shared GET carries its first caller's). */
  requestId?: string;
  /** Its trace id, when the call has a trace (for log lines). */
  traceId?: string;
}

export type BreakerState = 'closed' | 'open' | 'half_open';

/** Observers for metrics and logs; they must not throw. */
export interface TransportHooks {
  onCall?(event: CallEvent): void;
  onRetry?(event: {
    provider: ProviderId;
    endpoint: string;
    attempt: number;
    delayMs: number;
    reason: ProviderErrorReason;
    requestId?: string;
    traceId?: string;
  }): void;
  onBreakerState?(event: { provider: ProviderId; state: BreakerState }): void;
}

export interface RetryOptions {
  /** Retries after the first attempt. Default 2. */
  maxRetries: number;
  /** First backoff ceiling; doubles each retry (full jitter picks within it). Default 100 ms. */
  baseDelayMs: number;
  /** Backoff ceiling. Default 2,000 ms. */
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the call fails with RATE_LIMITED. Default 5,000 ms. */
  maxRetryAfterMs: number;
}

export interface BreakerOptions {
  /** Failure ratio (0–1, exclusive) over the window above which the circuit opens. Default 0.5. */
  threshold: number;
  /** Length of the sliding time window (BREAKER_WINDOW_MS). Default 5,000 ms. */
  windowMs: number;
  /** Calls (counted per caller) the window must hold before it may open (BREAKER_MIN_CALLS). Default 10. */
  minimumCalls: number;
  /** The probe interval: how long the circuit stays open before one probe goes through (BREAKER_PROBE_INTERVAL_MS). Default 5,000 ms. */
  halfOpenAfterMs: number;
}

export interface TransportOptions {
  provider: ProviderId;
  /** Provider base URL; call paths are appended to it (`https://api.telepagos.com.ar` + `v2/...`). */
  baseUrl: string;
  /** The whole call's time budget, shared by its attempts and retry waits (UPSTREAM_TIMEOUT_MS). Default 10,000 ms. */
  timeoutMs?: number;
  retry?: Partial<RetryOptions>;
  breaker?: Partial<BreakerOptions>;
  /** Keep-alive connections to the provider origin. Default 32. */
  connections?: number;
  /** Largest response body accepted. Default 64 MiB. */
  maxResponseBytes?: number;
  hooks?: TransportHooks;
}

export const DEFAULT_RETRY: RetryOptions = { maxRetries: 2, baseDelayMs: 100, maxDelayMs: 2_000, maxRetryAfterMs: 5_000 };
export const DEFAULT_BREAKER: BreakerOptions = { threshold: 0.5, windowMs: 5_000, minimumCalls: 10, halfOpenAfterMs: 5_000 };
export const DEFAULT_UPSTREAM_TIMEOUT_MS = 10_000;
/** The least of a call's budget a retry must still have to be sent. */
const MIN_ATTEMPT_MS = 10;

/** Reasons that say the provider is unhealthy: they count against the circuit. */
const BREAKER_FAILURES: ReadonlySet<ProviderErrorReason> = new Set(['SERVER_ERROR', 'TIMEOUT', 'NETWORK']);

function countsAgainstCircuit(error: unknown): boolean {
  return error instanceof ProviderError && BREAKER_FAILURES.has(error.reason);
}

function retryable(error: unknown): error is ProviderError {
  return error instanceof ProviderError && error.retryable;
}

const ignore = () => undefined;

const BREAKER_STATES: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half_open',
  [CircuitState.Isolated]: 'open',
};

/** Retry-After as seconds or an HTTP date, in milliseconds from now. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (!raw) return undefined;
  if (/^\d+$/.test(raw.trim())) return Number(raw.trim()) * 1000;
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function parseBody(text: string, contentType: string | string[] | undefined): unknown {
  const type = String(contentType ?? '');
  if (!text) return undefined;
  if (type.includes('json') || /^[\s]*[[{]/.test(text)) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

export class UpstreamTransport {
  readonly provider: ProviderId;
  private readonly origin: string;
  /** The provider's host and port, for spans (`server.address`, `server.port`). */
  private readonly host: string;
  private readonly port: number;
  private readonly basePath: string;
  private readonly pool: Pool;
  private readonly timeoutMs: number;
  private readonly retryOptions: RetryOptions;
  private readonly breaker: CircuitBreakerPolicy;
  /** The breaker's window, also fed directly with the outcomes of shared calls' other callers. */
  private readonly window: WindowBreaker;
  private readonly hooks: TransportHooks;
  /** Shared flights by key (`shared`): GETs by path, query and headers (so, per credential), provider reads by theirs. */
  private readonly inFlight = new Map<string, SharedCall>();

  constructor(options: TransportOptions) {
    const base = new URL(options.baseUrl);
    this.provider = options.provider;
    this.origin = base.origin;
    this.host = base.hostname;
    this.port = Number(base.port) || (base.protocol === 'https:' ? 443 : 80);
    this.basePath = base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_UPSTREAM_TIMEOUT_MS;
    this.retryOptions = { ...DEFAULT_RETRY, ...options.retry };
    this.hooks = options.hooks ?? {};
    this.pool = new Pool(this.origin, {
      connections: options.connections ?? 32,
      maxResponseSize: options.maxResponseBytes ?? 64 * 1024 * 1024,
      // Our own timeout governs; undici's would fire with a less precise error.
      headersTimeout: 0,
      bodyTimeout: 0,
    });

    const { threshold, windowMs, minimumCalls, halfOpenAfterMs } = { ...DEFAULT_BREAKER, ...options.breaker };
    this.window = new WindowBreaker({ threshold, windowMs, minimumCalls });
    this.breaker = circuitBreaker(handleWhen(countsAgainstCircuit), { halfOpenAfter: halfOpenAfterMs, breaker: this.window });
    this.breaker.onStateChange((state) => this.hooks.onBreakerState?.({ provider: this.provider, state: BREAKER_STATES[state] }));
  }

  /** The circuit's current state, for readiness and metrics. */
  get breakerState(): BreakerState {
    return BREAKER_STATES[this.breaker.state];
  }

  /**
   * Sends the call. Identical GETs already in flight (same path, query and credential headers) share
   * that one upstream request (`shared`), unless the call says `share: false` because its caller shares
   * it itself, around more than this request (the provider call shares the authenticated read).
   */
  request(call: UpstreamCall): Promise<UpstreamResponse> {
    if (call.method !== 'GET' || call.share === false) return this.send(call);
    return this.shared(`${this.pathFor(call)}\n${JSON.stringify(call.headers ?? {})}`, call, (signal) => this.send({ ...call, signal }));
  }

  /**
   * `run` once for every caller asking with the same `key` while it is in flight: the key names the
   * call and everything its answer depends on. The flight carries its first caller's request id and
   * trace (`run` closes over them); each caller still stops waiting when its own signal fires, and the
   * flight is cancelled (the signal `run` gets fires) only when every waiter has gone. While the
   * circuit is not closed nothing is shared: each caller fails fast on its own, or is the probe. A
   * flight's outcome counts in the circuit once per caller it served (`settleShared`).
   */
  shared<T>(key: string, call: Pick<UpstreamCall, 'endpoint' | 'requestId' | 'signal'>, run: (signal: CancelSignal | undefined) => Promise<T>): Promise<T> {
    if (this.breaker.state !== CircuitState.Closed) return run(call.signal);
    if (call.signal?.aborted) return Promise.reject(this.cancelled(call));
    let entry = this.inFlight.get(key);
    if (!entry) {
      // The shared flight belongs to no single caller: it is cancelled only when every waiter has gone.
      const controller = new Cancellation();
      const shared: SharedCall = { promise: undefined as unknown as Promise<unknown>, controller, waiters: 0 };
      shared.promise = run(controller).then(
        (value) => {
          this.settleShared(key, shared, true, undefined);
          return value;
        },
        (error: unknown) => {
          this.settleShared(key, shared, false, error);
          throw error;
        },
      );
      // Waiters handle the outcome; when all have left, nobody does, and that must not be "unhandled".
      shared.promise.catch(ignore);
      this.inFlight.set(key, shared);
      entry = shared;
    }
    const joined = entry;
    joined.waiters++;
    const promise = joined.promise as Promise<T>;
    if (!call.signal) return promise;
    return abortable(promise, call.signal, () => {
      if (--joined.waiters === 0) joined.controller.abort();
      return this.cancelled(call);
    });
  }

  /**
   * Ends a shared GET: forgets it, and gives the breaker its outcome once for each other caller still
   * waiting (the attempts counted the first), so 200 callers failed by one hung GET are 200 failures.
   */
  private settleShared(key: string, shared: SharedCall, ok: boolean, error: unknown): void {
    this.inFlight.delete(key);
    const others = shared.waiters - 1;
    if (others <= 0 || this.breaker.state !== CircuitState.Closed) return;
    if (ok) return this.window.record(true, others);
    if (!countsAgainstCircuit(error)) return;
    this.window.record(false, others - 1);
    // The last one goes through the policy, which opens the circuit if the window now says so.
    this.breaker.execute(() => Promise.reject(error)).catch(ignore);
  }

  private cancelled(call: Pick<UpstreamCall, 'endpoint' | 'requestId'>): ProviderError {
    return new ProviderError(`The call to ${this.provider} was cancelled`, {
      provider: this.provider,
      reason: 'CANCELLED',
      endpoint: call.endpoint,
      requestId: call.requestId,
    });
  }

  /** The call, in its span when tracing is on. */
  private send(call: UpstreamCall): Promise<UpstreamResponse> {
    if (!recording(call.trace)) return this.attempts(call, undefined);
    return this.traced(call);
  }

  /**
   * The call's span (`<PROVIDER> <endpoint>`): the parent of its attempts' spans, with the retry mode,
   * the attempts made, each retry decision and a breaker refusal as events, and the outcome.
   */
  private async traced(call: UpstreamCall): Promise<UpstreamResponse> {
    const traced = startTraced(`${this.provider} ${call.endpoint}`, call.trace, {
      'pasarela.provider': this.provider,
      'pasarela.provider.endpoint': call.endpoint,
      'pasarela.retry.mode': retryMode(call),
    })!;
    const span = traced.span!;
    try {
      const response = await this.attempts({ ...call, trace: traced.context }, span);
      span.setAttribute('http.response.status_code', response.status);
      span.end();
      return response;
    } catch (error) {
      endFailed(span, error, error instanceof ProviderError ? error.reason : undefined);
      throw error;
    }
  }

  /** Attempts, and retries while the mode allows and the call's time budget has room for another. */
  private async attempts(call: UpstreamCall, span: Span | undefined): Promise<UpstreamResponse> {
    const retries = retryMode(call) === 'never' ? 0 : this.retryOptions.maxRetries;
    const deadline = performance.now() + this.timeoutMs;
    // Whether an earlier attempt may have reached the provider without its answer reaching us: then a
    // later failure answers a replay and proves nothing about the first (errors.ts, afterLostAnswer).
    let lostAnswer = false;
    const lastFailure = (failure: unknown): unknown => {
      if (failure instanceof ProviderError) failure.afterLostAnswer ||= lostAnswer;
      return failure;
    };
    for (let attempt = 1; ; attempt++) {
      span?.setAttribute('pasarela.attempts', attempt);
      try {
        const response = await this.guarded(call, attempt, deadline);
        if (lostAnswer) response.afterLostAnswer = true;
        return response;
      } catch (error) {
        const failure = this.normalizeFailure(error, call, span);
        if (attempt > retries || !retryable(failure)) {
          span?.setAttribute('pasarela.retry.decision', !retryable(failure) ? 'not_retryable' : retries === 0 ? 'never' : 'retries_exhausted');
          throw lastFailure(failure);
        }
        const delayMs = this.retryDelay(failure, attempt, deadline);
        if (delayMs === undefined) {
          span?.setAttribute('pasarela.retry.decision', 'budget_exhausted');
          throw lastFailure(failure);
        }
        if (failureOutcome(failure) === 'unknown') lostAnswer = true;
        const { reason, endpoint = call.endpoint, requestId } = failure;
        this.hooks.onRetry?.({ provider: this.provider, endpoint, attempt, delayMs, reason, requestId, traceId: traceIdOf(call.trace) });
        span?.addEvent('retry', { 'pasarela.attempt': attempt, 'pasarela.retry.reason': reason, 'pasarela.retry.delay_ms': Math.round(delayMs) });
        if (!(await pause(delayMs, call.signal))) throw lastFailure(this.cancelled(call));
      }
    }
  }

  /** One attempt through the breaker; while its probe is out, the others fail fast instead of waiting for it. */
  private guarded(call: UpstreamCall, attempt: number, deadline: number): Promise<UpstreamResponse> {
    if (this.breaker.state === CircuitState.HalfOpen) return Promise.reject(new BrokenCircuitError());
    return this.breaker.execute(() => this.attempt(call, attempt, deadline));
  }

  /**
   * How long to wait before retrying after a retryable `error`, or undefined not to: full jitter (AWS
   * architecture blog) unless the provider said how long to wait, and only if the next attempt would
   * still have MIN_ATTEMPT_MS of the budget (an attempt started with less is a request the provider
   * receives and nobody waits for: an attempt's timer can fire a fraction of a millisecond before the
   * deadline as `performance.now()` reads it).
   */
  private retryDelay(error: ProviderError, attempt: number, deadline: number): number | undefined {
    const { baseDelayMs, maxDelayMs } = this.retryOptions;
    const delayMs = error.retryAfterMs ?? Math.random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
    return performance.now() + delayMs + MIN_ATTEMPT_MS <= deadline ? delayMs : undefined;
  }

  /** Turns what the policies throw (open circuit, cancelled wait) into the taxonomy. */
  private normalizeFailure(error: unknown, call: UpstreamCall, span: Span | undefined): unknown {
    if (error instanceof ProviderError) return error;
    if (error instanceof BrokenCircuitError) {
      span?.setAttribute('pasarela.breaker.decision', 'refused');
      span?.addEvent('circuit open: call refused', { 'pasarela.breaker.state': this.breakerState });
      this.hooks.onCall?.({
        provider: this.provider,
        endpoint: call.endpoint,
        method: call.method,
        outcome: 'circuit_open',
        durationMs: 0,
        attempt: 0,
        requestId: call.requestId,
      });
      return new ProviderError(`${this.provider} is failing; calls are paused for a moment (circuit open)`, {
        provider: this.provider,
        reason: 'CIRCUIT_OPEN',
        endpoint: call.endpoint,
        requestId: call.requestId,
      });
    }
    if (call.signal?.aborted) return this.cancelled(call);
    return error;
  }

  /** One try, with what is left of the call's budget (`deadline`, a performance.now() time). */
  private async attempt(call: UpstreamCall, attempt: number, deadline: number): Promise<UpstreamResponse> {
    const started = performance.now();
    const span = recording(call.trace) ? this.attemptSpan(call, attempt) : undefined;
    const report = (outcome: CallOutcome, status?: number) => {
      if (span) endAttempt(span, outcome, status);
      this.hooks.onCall?.({
        provider: this.provider,
        endpoint: call.endpoint,
        method: call.method,
        outcome,
        status,
        durationMs: performance.now() - started,
        attempt,
        requestId: call.requestId,
        traceId: call.trace && traceIdOf(call.trace),
      });
    };
    const fail = (
      reason: ProviderErrorReason,
      message: string,
      extra: { httpStatus?: number; retryAfterMs?: number; retryable?: boolean; cause?: unknown } = {},
    ) => new ProviderError(message, { provider: this.provider, reason, endpoint: call.endpoint, requestId: call.requestId, ...extra });

    if (call.signal?.aborted) {
      report('cancelled');
      throw fail('CANCELLED', `The call to ${this.provider} was cancelled`);
    }
    // One controller and one timer per attempt: AbortSignal.timeout and AbortSignal.any keep weak
    // references and finalizers that every garbage collection must process, on the hot path.
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, deadline - started);
    const cancel = () => controller.abort();
    call.signal?.addEventListener('abort', cancel, { once: true });
    const headers: Record<string, string> = { accept: 'application/json', ...call.headers };
    if (call.requestId) headers['x-request-id'] = call.requestId;
    if (span || call.trace) injectTrace(headers, call.trace, span);
    let body: string | undefined;
    if (call.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = jsonBody(call.json);
      if (span && body !== undefined) span.setAttribute('http.request.body.size', Buffer.byteLength(body));
    }

    try {
      const response = await this.pool.request({ method: call.method, path: this.pathFor(call), headers, body, signal: controller.signal });
      const text = await response.body.text();
      if (span) span.setAttribute('http.response.body.size', Buffer.byteLength(text));
      const parsed = parseBody(text, response.headers['content-type']);
      const status = response.statusCode;
      if (status >= 500) {
        report('server_error', status);
        const retryAfterMs = status === 503 ? parseRetryAfter(response.headers['retry-after']) : undefined;
        throw fail('SERVER_ERROR', `${this.provider} answered HTTP ${status}`, {
          httpStatus: status,
          retryAfterMs,
          retryable: this.retryableWait(retryAfterMs),
        });
      }
      if (status === 429) {
        report('rate_limited', status);
        const retryAfterMs = parseRetryAfter(response.headers['retry-after']);
        throw fail('RATE_LIMITED', `${this.provider} is rate limiting Pasarela`, {
          httpStatus: status,
          retryAfterMs,
          retryable: this.retryableWait(retryAfterMs),
        });
      }
      report(status >= 400 ? 'http_error' : 'success', status);
      return { status, headers: response.headers, body: parsed };
    } catch (error) {
      if (error instanceof ProviderError) throw error;
      if (call.signal?.aborted) {
        report('cancelled');
        throw fail('CANCELLED', `The call to ${this.provider} was cancelled`, { cause: error });
      }
      if (timedOut) {
        report('timeout');
        throw fail('TIMEOUT', `${this.provider} did not answer within ${this.timeoutMs} ms`, { retryable: true });
      }
      report('network');
      throw fail('NETWORK', `Could not reach ${this.provider} (${networkErrorCode(error)})`, { retryable: true });
    } finally {
      clearTimeout(timer);
      call.signal?.removeEventListener('abort', cancel);
    }
  }

  /** One attempt's client span (`<endpoint>`, e.g. `GET v2/account/balance`). */
  private attemptSpan(call: UpstreamCall, attempt: number): Span | undefined {
    return startSpan(
      call.endpoint,
      call.trace,
      {
        'http.request.method': call.method,
        'url.template': call.endpoint.slice(call.method.length + 1),
        'server.address': this.host,
        'server.port': this.port,
        'pasarela.provider': this.provider,
        'pasarela.provider.endpoint': call.endpoint,
        'pasarela.attempt': attempt,
        // Semantic conventions: only on a resend.
        ...(attempt > 1 ? { 'http.request.resend_count': attempt - 1 } : {}),
        'pasarela.breaker.state': this.breakerState,
      },
      SpanKind.CLIENT,
    );
  }

  private retryableWait(retryAfterMs: number | undefined): boolean {
    return retryAfterMs === undefined || retryAfterMs <= this.retryOptions.maxRetryAfterMs;
  }

  private pathFor(call: UpstreamCall): string {
    if (!call.query) return `${this.basePath}${call.path}`;
    const query = queryString(call.query);
    return `${this.basePath}${call.path}${query ? `?${query}` : ''}`;
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}

/** Characters URLSearchParams writes as they are (application/x-www-form-urlencoded). */
const FORM_SAFE = /^[A-Za-z0-9*._-]*$/;

/**
 * The query as URLSearchParams writes it, byte for byte. Most queries (dates, page numbers, ids) need no
 * escaping and are joined directly; any other is written by URLSearchParams itself.
 */
export function queryString(query: NonNullable<UpstreamCall['query']>): string {
  let text = '';
  for (const key of Object.keys(query)) {
    const value = query[key];
    if (value === undefined) continue;
    const written = String(value);
    if (!FORM_SAFE.test(key) || !FORM_SAFE.test(written)) return slowQueryString(query);
    text += text ? `&${key}=${written}` : `${key}=${written}`;
  }
  return text;
}

function slowQueryString(query: NonNullable<UpstreamCall['query']>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) search.set(key, String(value));
  return search.toString();
}

function retryMode(call: UpstreamCall): RetryMode {
  return call.retry ?? (call.method === 'GET' ? 'safe' : 'never');
}

/** Ends an attempt's span with its outcome: an error unless the provider answered below 500 (and not 429). */
function endAttempt(span: Span, outcome: CallOutcome, status: number | undefined): void {
  span.setAttribute('pasarela.outcome', outcome);
  if (status !== undefined) span.setAttribute('http.response.status_code', status);
  if (outcome !== 'success' && outcome !== 'http_error') {
    span.setAttribute('error.type', status === undefined ? outcome : String(status));
    span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
  }
  span.end();
}

interface SharedCall {
  promise: Promise<unknown>;
  controller: Cancellation;
  /** Callers still waiting; a caller without a signal never leaves. */
  waiters: number;
}

/** Waits `ms`; resolves false at once if `signal` fires first. */
function pause(ms: number, signal: CancelSignal | undefined): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise<boolean>((resolve) => {
    const cancel = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', cancel);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', cancel, { once: true });
  });
}

/** `promise`, or a rejection with `onAbort()` as soon as `signal` fires, whichever comes first. */
function abortable<T>(promise: Promise<T>, signal: CancelSignal, onAbort: () => Error): Promise<T> {
  if (signal.aborted) return Promise.reject(onAbort());
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(onAbort());
    signal.addEventListener('abort', abort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', abort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', abort);
        reject(error);
      },
    );
  });
}

/** A short, secret-free name for a network failure (never the message: it can echo request details). */
function networkErrorCode(error: unknown): string {
  if (error instanceof undiciErrors.UndiciError) return error.code;
  if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'string') return error.code;
  return 'connection failed';
}
