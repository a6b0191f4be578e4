/**
 * Prometheus metrics (prom-client) for GET /metrics. Labels are bounded: operation names are the
 * client's, so only well-formed names are kept and at most MAX_OPERATION_NAMES distinct ones; client
 * labels are CLIENTS_FILE names; endpoints are the clients' fixed labels. No label ever holds a secret
 * or an account number.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { TrustedDocument } from '../auth/clients.js';
import { TalliedCounter, TalliedHistogram } from './tallied.js';
import type { BreakerState, TransportHooks } from '../providers/http.js';
import type { ProviderId } from '../providers/provider.js';
import type { WireSurprise } from '../providers/wire.js';

export const MAX_OPERATION_NAMES = 200;

/**
 * The door an operation came in by: POST/GET /graphql (text or by id), graphql-ws, GraphQL over SSE, or
 * the CSV export (GET /exports/activity.csv).
 */
export type Door = 'http' | 'websocket' | 'sse' | 'export';

/** How a CSV export ended: the whole file sent, refused before the first byte, cut off by a provider failure, or left by its client. */
export type ExportOutcome = 'complete' | 'refused' | 'failed' | 'cancelled';

/** The operation name the CSV export is counted under in pasarela_graphql_operations_total. */
export const EXPORT_OPERATION = 'ActivityExport';
const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const BREAKER_VALUE: Record<BreakerState, number> = { closed: 0, half_open: 1, open: 2 };

/** What an operation is counted by: its client app, its door and when it started (a request's context has them). */
export interface CountedOperation {
  client: { name: string };
  door: Door;
  startedAt: number;
}

export class Metrics {
  readonly registry = new Registry();
  private readonly operationNames = new Set<string>();
  private readonly operationChildren = new Map<
    string,
    { count: { inc(): void }; seconds: { observe(value: number): void }; open: { inc(): void; dec(): void } | undefined }
  >();
  private readonly upstreamChildren = new Map<string, { count: { inc(): void }; seconds: { observe(value: number): void } }>();

  // Counted on every operation: tallied series (./tallied.ts), not prom-client's, which cost more per call.
  readonly operations = new TalliedCounter(
    'pasarela_graphql_operations_total',
    'GraphQL operations by operation name, type, client, door (http, websocket, sse, export) and outcome (success, error); a subscription is counted once it is set up (or refused).',
    this.registry,
  );

  readonly subscriptionsOpen = new Gauge({
    name: 'pasarela_subscriptions_open',
    help: 'Subscriptions set up and not yet ended, by door (websocket, sse).',
    labelNames: ['door'] as const,
    registers: [this.registry],
  });

  readonly websocketConnections = new Gauge({
    name: 'pasarela_websocket_connections_open',
    help: 'GraphQL-over-WebSocket connections accepted (a valid key) and not yet closed.',
    registers: [this.registry],
  });

  readonly exports = new Counter({
    name: 'pasarela_csv_exports_total',
    help: 'CSV exports by export and outcome (complete, refused: before the first byte, failed: cut off by a provider failure, cancelled: the client left).',
    labelNames: ['export', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly exportRows = new Counter({
    name: 'pasarela_csv_export_rows_total',
    help: 'Rows written by CSV exports, by export.',
    labelNames: ['export'] as const,
    registers: [this.registry],
  });

  readonly exportSeconds = new Histogram({
    name: 'pasarela_csv_export_duration_seconds',
    help: 'CSV export duration, from the request to the end of the response, by export and outcome.',
    labelNames: ['export', 'outcome'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers: [this.registry],
  });

  readonly operationSeconds = new TalliedHistogram(
    'pasarela_graphql_operation_duration_seconds',
    'GraphQL operation latency.',
    [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    this.registry,
  );

  readonly upstreamCalls = new Counter({
    name: 'pasarela_upstream_calls_total',
    help: 'Provider calls (every attempt) by provider, endpoint and outcome.',
    labelNames: ['provider', 'endpoint', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly upstreamSeconds = new Histogram({
    name: 'pasarela_upstream_call_duration_seconds',
    help: 'Provider call latency by provider and endpoint.',
    labelNames: ['provider', 'endpoint'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly upstreamRetries = new Counter({
    name: 'pasarela_upstream_retries_total',
    help: 'Provider call retries by provider, endpoint and reason.',
    labelNames: ['provider', 'endpoint', 'reason'] as const,
    registers: [this.registry],
  });

  private breakerStates?: () => Partial<Record<ProviderId, BreakerState>>;

  readonly breakerState = new Gauge({
    name: 'pasarela_circuit_breaker_state',
    help: 'Circuit breaker per provider: 0 closed, 1 half-open, 2 open.',
    labelNames: ['provider'] as const,
    registers: [this.registry],
    // Read at every scrape, so a provider whose breaker never changed is reported too (as closed).
    collect: () => {
      for (const [provider, state] of Object.entries(this.breakerStates?.() ?? {})) this.breakerState.set({ provider }, BREAKER_VALUE[state]);
    },
  });

  readonly credentialRenewals = new Counter({
    name: 'pasarela_credential_renewals_total',
    help: 'Provider token/session renewals.',
    labelNames: ['provider'] as const,
    registers: [this.registry],
  });

  readonly mutations = new Counter({
    name: 'pasarela_mutations_total',
    help: 'Mutations by operation and outcome (created, replayed, conflict, invalid, rejected, unavailable, in_progress).',
    labelNames: ['operation', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly webhooks = new Counter({
    name: 'pasarela_webhooks_total',
    help: 'Provider notifications by provider and outcome (published, duplicate, ignored, unauthenticated, malformed, not_found, unconfirmed, unavailable, rate_limited).',
    labelNames: ['provider', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly watchRereads = new Counter({
    name: 'pasarela_watch_rereads_total',
    help: 'Due watched objects by provider, kind and outcome (published, unchanged, final, expired, failed, deferred).',
    labelNames: ['provider', 'kind', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly watches = new Counter({
    name: 'pasarela_watches_total',
    help: 'Objects given to the watcher by kind and outcome (watched, final: already final so not watched, failed: not stored).',
    labelNames: ['kind', 'outcome'] as const,
    registers: [this.registry],
  });

  /**
   * Bounded labels: provider (3), the clients' fixed endpoint labels, kind (5 words, WireSurpriseKind).
   * The field is in the log line (once per field), never a label.
   */
  readonly wireSurprises = new Counter({
    name: 'pasarela_provider_wire_surprises_total',
    help: 'Provider answers read in a form the client did not expect, by provider, endpoint and kind (unknown_field, unknown_status, coerced_type, dropped_field, skipped_row).',
    labelNames: ['provider', 'endpoint', 'kind'] as const,
    registers: [this.registry],
  });

  private readonly wireSurpriseChildren = new Map<string, { inc(): void }>();

  /**
   * Documents run by id (or by their trusted text), by client, document id, operation name and outcome
   * (`hit`: a document the gateway held; `registered`: registered by APQ just now). Bounded: manifest
   * documents are the operator's; every APQ-registered document is labelled `apq`.
   */
  readonly persistedDocuments = new TalliedCounter(
    'pasarela_persisted_documents_total',
    'Operations run from a document the gateway holds, by client, document (its id; "apq" for APQ registrations), operation and outcome (hit, registered).',
    this.registry,
  );

  private readonly persistedChildren = new Map<string, { inc(): void }>();

  readonly persistedUnknown = new Counter({
    name: 'pasarela_persisted_documents_unknown_total',
    help: 'Requests for a document id the client app does not have (answered PERSISTED_QUERY_NOT_FOUND), by client. The id is in the log line.',
    labelNames: ['client'] as const,
    registers: [this.registry],
  });

  readonly trustedRefused = new Counter({
    name: 'pasarela_trusted_documents_refused_total',
    help: 'Documents refused because a trusted-only client app sent one outside its manifests (text or APQ registration), by client.',
    labelNames: ['client'] as const,
    registers: [this.registry],
  });

  readonly untrustedDocuments = new Counter({
    name: 'pasarela_untrusted_documents_total',
    help: 'Documents outside its manifests run by a trusted-or-any client app, by client: what must go before it can be trusted-only.',
    labelNames: ['client'] as const,
    registers: [this.registry],
  });

  readonly trustedDocuments = new Gauge({
    name: 'pasarela_trusted_documents',
    help: 'Documents held from the manifests of each client app (after the last successful load).',
    labelNames: ['client'] as const,
    registers: [this.registry],
  });

  readonly apqDocuments = new Gauge({
    name: 'pasarela_apq_registered_documents',
    help: 'Documents each client app holds registered by APQ (in memory, per replica).',
    labelNames: ['client'] as const,
    registers: [this.registry],
  });

  readonly apqBytes = new Gauge({
    name: 'pasarela_apq_registered_bytes',
    help: "Bytes each client app's APQ registrations hold, as accounted against APQ_MAX_BYTES (an estimate of the parsed documents' memory).",
    labelNames: ['client'] as const,
    registers: [this.registry],
  });

  readonly clientReloads = new Counter({
    name: 'pasarela_clients_reloads_total',
    help: 'Reloads of CLIENTS_FILE and the manifests by outcome (applied, refused: the previous tables stay).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly webhookDeliveries = new Counter({
    name: 'pasarela_webhook_deliveries_total',
    help: "Webhook delivery attempts to client apps by outcome (delivered; retried: a non-2xx answer, a timeout or a network error, tried again after a backoff; failed: given up after WEBHOOK_RETRY_HOURS; cursor_expired: the endpoint's position left the log, delivery went on from the oldest event kept). endpoint is a hash of the app and URL.",
    labelNames: ['client', 'endpoint', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly webhookBacklog = new Gauge({
    name: 'pasarela_webhook_backlog',
    help: 'Events waiting for delivery to each webhook endpoint, as last seen by the replica delivering it (at most one page of the log: 100 means 100 or more).',
    labelNames: ['client', 'endpoint'] as const,
    registers: [this.registry],
  });

  constructor(options: { processMetrics?: boolean } = {}) {
    // Node's standard process metrics under their usual names (process_resident_memory_bytes,
    // nodejs_eventloop_lag_seconds, nodejs_gc_duration_seconds, …), as every Node service exposes them.
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  /** A bounded label for a client-chosen operation name. */
  operationLabel(name: string | null | undefined): string {
    if (!name || !OPERATION_NAME.test(name)) return 'anonymous';
    if (this.operationNames.has(name)) return name;
    if (this.operationNames.size >= MAX_OPERATION_NAMES) return 'other';
    this.operationNames.add(name);
    return name;
  }

  transportHooks(): TransportHooks {
    return {
      onCall: (e) => {
        const series = this.upstreamSeries(e.provider, e.endpoint, e.outcome);
        series.count.inc();
        if (e.outcome !== 'circuit_open' && e.outcome !== 'cancelled') series.seconds.observe(e.durationMs / 1000);
      },
      onRetry: (e) => this.upstreamRetries.inc({ provider: e.provider, endpoint: e.endpoint, reason: e.reason }),
      onBreakerState: (e) => this.breakerState.set({ provider: e.provider }, BREAKER_VALUE[e.state]),
    };
  }

  /**
   * Counts and times a GraphQL operation (from its context's start to its response), labelled by its
   * name, type, client and outcome: `error` when its response has any error, partial ones included.
   */
  operationDone(ctx: CountedOperation, operationName: string | null | undefined, type: string | undefined, failed: boolean): void {
    const series = this.operationSeries(this.operationLabel(operationName), type ?? 'unknown', failed ? 'error' : 'success', ctx.client.name, ctx.door);
    series.count.inc();
    series.seconds.observe((performance.now() - ctx.startedAt) / 1000);
  }

  /** A subscription set up (its source stream open): counted as a successful operation, timed to its set-up, and open until `subscriptionEnded`. */
  subscriptionStarted(ctx: CountedOperation, operationName: string | null | undefined): void {
    const series = this.operationSeries(this.operationLabel(operationName), 'subscription', 'success', ctx.client.name, ctx.door);
    series.count.inc();
    series.seconds.observe((performance.now() - ctx.startedAt) / 1000);
    series.open!.inc();
  }

  /** A subscription `subscriptionStarted` counted has ended (completed, failed, or its client left). */
  subscriptionEnded(ctx: CountedOperation, operationName: string | null | undefined): void {
    this.operationSeries(this.operationLabel(operationName), 'subscription', 'success', ctx.client.name, ctx.door).open!.dec();
  }

  /**
   * A CSV export ended: counted by outcome with its rows and duration. (As an operation of door
   * `export`, named EXPORT_OPERATION, it is counted by the operation pipeline like any other.)
   */
  exportDone(name: string, outcome: ExportOutcome, rows: number, seconds: number): void {
    this.exports.inc({ export: name, outcome });
    if (rows > 0) this.exportRows.inc({ export: name }, rows);
    this.exportSeconds.observe({ export: name, outcome }, seconds);
  }

  /**
   * The series of an operation's counter and histogram (and a subscription's open gauge), looked up
   * together by one key. Cardinality is bounded by operationLabel.
   */
  private operationSeries(operation: string, type: string, outcome: string, client: string, door: Door) {
    const key = `${operation}\u0000${type}\u0000${outcome}\u0000${client}\u0000${door}`;
    let series = this.operationChildren.get(key);
    if (!series) {
      series = {
        count: this.operations.series({ operation, type, outcome, client, door }),
        seconds: this.operationSeconds.series({ operation, type, outcome }),
        open: type === 'subscription' ? this.subscriptionsOpen.labels({ door }) : undefined,
      };
      this.operationChildren.set(key, series);
    }
    return series;
  }

  /** The labelled children of a provider endpoint's call counter (per outcome) and latency histogram. */
  private upstreamSeries(provider: string, endpoint: string, outcome: string) {
    const key = `${provider}\u0000${endpoint}\u0000${outcome}`;
    let series = this.upstreamChildren.get(key);
    if (!series) {
      series = { count: this.upstreamCalls.labels({ provider, endpoint, outcome }), seconds: this.upstreamSeconds.labels({ provider, endpoint }) };
      this.upstreamChildren.set(key, series);
    }
    return series;
  }

  /** Where the breakers' current states are read at each scrape (the configured providers). */
  observeBreakers(states: () => Partial<Record<ProviderId, BreakerState>>): void {
    this.breakerStates = states;
  }

  wireSurprise(surprise: Pick<WireSurprise, 'provider' | 'endpoint' | 'kind'>): void {
    const { provider, endpoint, kind } = surprise;
    const key = `${provider}\u0000${endpoint}\u0000${kind}`;
    let child = this.wireSurpriseChildren.get(key);
    if (!child) {
      child = this.wireSurprises.labels({ provider, endpoint, kind });
      this.wireSurpriseChildren.set(key, child);
    }
    child.inc();
  }

  persistedDocument(client: string, document: TrustedDocument, outcome: 'hit' | 'registered'): void {
    const key = `${client}\u0000${document.id}\u0000${outcome}`;
    let child = this.persistedChildren.get(key);
    if (!child) {
      const label = document.source === 'apq' ? 'apq' : document.id;
      child = this.persistedDocuments.series({ client, document: label, operation: this.operationLabel(document.name), outcome });
      // APQ documents share one label: keep one child per client and outcome, not one per hash.
      if (document.source !== 'apq') this.persistedChildren.set(key, child);
    }
    child.inc();
  }

  persistedUnknownId(client: string): void {
    this.persistedUnknown.inc({ client });
  }

  /** The documents each client app holds now (apps gone since the last load drop out). */
  trustedLoaded(apps: readonly { name: string; documents: number }[]): void {
    this.trustedDocuments.reset();
    for (const app of apps) this.trustedDocuments.set({ client: app.name }, app.documents);
  }

  /** What an app's APQ registrations hold now (undefined: none any more, the app was dropped). */
  apqRegistrations(client: string, usage: { documents: number; bytes: number } | undefined): void {
    if (!usage) {
      this.apqDocuments.remove({ client });
      this.apqBytes.remove({ client });
      return;
    }
    this.apqDocuments.set({ client }, usage.documents);
    this.apqBytes.set({ client }, usage.bytes);
  }

  renewed(provider: ProviderId): void {
    this.credentialRenewals.inc({ provider });
  }
}
