/**
 * The per-request context every resolver receives: who is calling, the request id sent upstream, a
 * signal that fires when the client goes away, the provider clients, and this request's DataLoaders.
 */
import DataLoader from 'dataloader';
import { GraphQLError } from 'graphql';
import type { ClientApp } from './auth/clients.js';
import type { Config } from './config.js';
import type { EventBus } from './events/bus.js';
import type { Watches } from './events/watcher.js';
import type { Logger } from './logging.js';
import type { Door, Metrics } from './observability/metrics.js';
import type { CacheStore } from './state/cache.js';
import type { IdempotencyStore } from './state/idempotency-store.js';
import type { CallContext } from './domain/models.js';
import { CallAllowance } from './domain/call-allowance.js';
import type { CancelSignal } from './cancellation.js';
import type { ProviderRegistry } from './providers/registry.js';
import { ProviderError } from './providers/errors.js';
import type { Traced } from './observability/tracing.js';

export interface GatewayContext {
  requestId: string;
  /** The client app calling (from its API key), or the open-access client outside production. */
  client: ClientApp;
  config: Config;
  idempotency: IdempotencyStore;
  /** Payment events: published by webhooks and createPayment, read by subscriptions. */
  events: EventBus;
  /** Objects the gateway re-reads until final: a module that creates one that may change watches it. */
  watches: Watches;
  /** Short-TTL cache for reference data, shared by replicas with Redis. */
  cache: CacheStore;
  metrics: Metrics;
  /** Fires when the HTTP request is gone: upstream calls made for it are cancelled. */
  signal: CancelSignal;
  logger: Logger;
  providers: ProviderRegistry;
  /** This request's DataLoaders, created on first use (see `loader`). */
  loaders: Map<string, DataLoader<unknown, unknown>>;
  /** This request's single values (a list endpoint's answer), fetched on first use (see `once`). */
  values: Map<string, Promise<unknown>>;
  /**
   * Errors that do not blank a field: a provider failing inside `accounts` leaves the healthy accounts
   * in the data and adds its error here; the server appends these to the response's errors.
   */
  partialErrors: GraphQLError[];
  /** performance.now() when the context was made (the operation's start, for its duration metric). */
  startedAt: number;
  /** The door the operation came in by (its metrics' `door` label). */
  door: Door;
  /** The operation's provider calls, up to MAX_PROVIDER_CALLS_PER_OPERATION (passed on by `callContext`). */
  providerCalls: CallAllowance;
  /** The trusted document this operation runs (set before it runs): its id and name are on every log line. */
  document?: { id: string; name: string | undefined };
  /**
   * The operation's trace: its span when tracing is on, or the client's `traceparent` passed on when
   * it is off; undefined when off and the client sent none (src/observability/tracing.ts).
   */
  trace: Traced | undefined;
}

/** What every request's context shares: the gateway's configuration, stores and clients. */
export interface GatewayServices {
  config: Config;
  idempotency: IdempotencyStore;
  events: EventBus;
  watches: Watches;
  cache: CacheStore;
  metrics: Metrics;
  providers: ProviderRegistry;
  /** The gateway's logger; a request's lines come from a child of it with the request's id. */
  logger: Logger;
}

/**
 * One request's context. A class, so its lazy `logger` lives on the prototype: Apollo shallow-copies
 * the context of every operation (Object.assign onto the same prototype), which would run a getter
 * defined on the object itself and make a pino child (tens of kB of garbage with redaction) for every
 * request, logging or not.
 */
export class RequestContext implements GatewayContext {
  readonly config: Config;
  readonly idempotency: IdempotencyStore;
  readonly events: EventBus;
  readonly watches: Watches;
  readonly cache: CacheStore;
  readonly metrics: Metrics;
  readonly providers: ProviderRegistry;
  readonly loaders = new Map<string, DataLoader<unknown, unknown>>();
  readonly values = new Map<string, Promise<unknown>>();
  readonly partialErrors: GraphQLError[] = [];
  readonly startedAt = performance.now();
  readonly providerCalls: CallAllowance;
  document: { id: string; name: string | undefined } | undefined = undefined;
  private readonly gatewayLogger: Logger;
  private requestLogger: Logger | undefined = undefined;

  constructor(
    services: GatewayServices,
    readonly client: ClientApp,
    readonly requestId: string,
    readonly signal: CancelSignal,
    readonly trace: Traced | undefined = undefined,
    readonly door: Door = 'http',
  ) {
    this.config = services.config;
    this.idempotency = services.idempotency;
    this.events = services.events;
    this.watches = services.watches;
    this.cache = services.cache;
    this.metrics = services.metrics;
    this.providers = services.providers;
    this.gatewayLogger = services.logger;
    this.providerCalls = new CallAllowance(services.config.maxProviderCallsPerOperation);
  }

  /** This request's logger (its id, trace id, client and trusted document on every line), made on first use. */
  get logger(): Logger {
    return (this.requestLogger ??= this.gatewayLogger.child({
      requestId: this.requestId,
      ...(this.trace ? { traceId: this.trace.traceId } : {}),
      client: this.client.name,
      ...(this.document ? { documentId: this.document.id, documentName: this.document.name } : {}),
    }));
  }
}

/**
 * What provider clients need from the request: cancellation, the request id, and where a listing row
 * left out as unreadable is reported (a partial error next to the rows that were read).
 */
export function callContext(ctx: GatewayContext): CallContext {
  return {
    signal: ctx.signal,
    requestId: ctx.requestId,
    trace: ctx.trace?.context,
    onSkippedRow: skippedRowsOf(ctx),
    calls: ctx.providerCalls,
  };
}

/** Where the request's unreadable rows go (made by a function: a closure built per provider call stays cheap). */
function skippedRowsOf(ctx: GatewayContext): (error: Error) => void {
  return (error) => {
    ctx.partialErrors.push(skippedRowError(error));
  };
}

/**
 * The call context of a call that must run to its end even if the client leaves (a transfer, a
 * charge, a sale point: anything that changes something at the provider; or a read that fills a cache
 * other requests share): the request id and the trace, but not the request's cancellation.
 */
export function detachedCallContext(ctx: GatewayContext): CallContext {
  return { requestId: ctx.requestId, trace: ctx.trace?.context };
}

/**
 * A row a provider sent that could not be read: its BAD_RESPONSE error (the message names the row and
 * field, never a value), without a path (no field failed), marked `skippedRow`.
 */
function skippedRowError(error: Error): GraphQLError {
  const extensions = error instanceof ProviderError ? { code: error.code, provider: error.provider, reason: error.reason } : {};
  return new GraphQLError(error.message, { originalError: error, extensions: { ...extensions, skippedRow: true } });
}

/**
 * This request's DataLoader named `name`, created on first use: one upstream call per distinct key
 * per request, however many times a query mentions it. Keys must be strings or numbers.
 */
export function loader<K extends string | number, V>(
  ctx: GatewayContext,
  name: string,
  batch: (keys: readonly K[]) => Promise<readonly (V | Error)[]>,
): DataLoader<K, V> {
  let existing = ctx.loaders.get(name) as DataLoader<K, V> | undefined;
  if (!existing) {
    existing = new DataLoader<K, V>(batch);
    ctx.loaders.set(name, existing as DataLoader<unknown, unknown>);
  }
  return existing;
}

/**
 * A single value (a list endpoint's answer), fetched once per request: every field that needs it in
 * the same request shares one upstream call, and its outcome (a failure too, so one response never
 * holds two answers from the same endpoint). No DataLoader: there is nothing to batch.
 */
export function once<V>(ctx: GatewayContext, name: string, fetch: () => Promise<V>): Promise<V> {
  let value = ctx.values.get(name) as Promise<V> | undefined;
  if (!value) {
    // Through a promise, so a fetch that throws synchronously (an unconfigured provider) rejects.
    value = Promise.resolve().then(fetch);
    ctx.values.set(name, value);
  }
  return value;
}

/** A loader fetching each key on its own (endpoints that take one id), errors kept per key. */
export function perKey<V>(ctx: GatewayContext, name: string, fetch: (key: string) => Promise<V>): DataLoader<string, V> {
  return loader<string, V>(ctx, name, (keys) =>
    Promise.all(
      keys.map((key) =>
        // Through a promise, so a fetch that throws synchronously (an unconfigured provider) is that
        // key's error, not DataLoader's generic TypeError.
        Promise.resolve()
          .then(() => fetch(key))
          .catch((error: unknown) => (error instanceof Error ? error : new Error(String(error)))),
      ),
    ),
  );
}
