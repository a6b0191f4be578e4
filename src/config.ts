/**
 * Environment → typed, validated configuration (docs/contract/README.md, "Environment").
 * Every problem is reported at once, each naming its variable and never echoing a secret's value.
 * Secrets are held as `Secret`.
 */
import {
  AMOUNT_WIRE_FORMATS,
  BALANCE_UNITS,
  DEFAULT_AMOUNT_WIRE_FORMAT,
  DEFAULT_BALANCE_UNIT,
  DEFAULT_TRANSACTIONS_ORDER,
  TRANSACTIONS_ORDERS,
} from './providers/telepagos/assumptions.js';
import {
  DEFAULT_TUPAY_RANGE_END,
  DEFAULT_TUPAY_RANGE_UNIT,
  DEFAULT_TUPAY_REPORT_RANGE_FORMAT,
  TUPAY_RANGE_ENDS,
  TUPAY_RANGE_UNITS,
  TUPAY_REPORT_RANGE_FORMATS,
} from './providers/tupay/assumptions.js';
import { DEFAULT_BREAKER } from './providers/http.js';
import { DEFAULT_MAX_PROVIDER_CALLS } from './domain/call-allowance.js';
import { taloConfig, type TaloConfig } from './providers/talo/config.js';
import { telepagosConfig, type TelepagosConfig } from './providers/telepagos/config.js';
import { tupayConfig, type TupayConfig } from './providers/tupay/config.js';
import type { ProviderConfigBlock } from './providers/config-block.js';
import { DEFAULT_REDIS_COMMAND_TIMEOUT_MS } from './state/redis/connection.js';
import { integer, isSet, oneOf, positiveDecimal, Problems, url, value, type Env } from './config-env.js';
import { DEFAULT_CONFIRM_RATE_LIMIT } from './webhooks/confirm-rate.js';
import { DEFAULT_EVENT_LOG_MAX_LENGTH, DEFAULT_EVENT_RETENTION_HOURS, type EventLogOptions } from './events/log.js';
import { DEFAULT_POLL_INTERVAL_MS, DEFAULT_POLL_MAX_INTERVAL_MS, DEFAULT_POLL_PER_MINUTE } from './events/watcher.js';

import type { ProviderWireChoices } from './providers/wire-choices.js';

export type { ProviderWireChoices };

/**
 * Each built-in provider's configuration block, declared by its folder (src/providers/<p>/config.ts),
 * in the contract's order (the order problems are reported in).
 */
interface ProviderConfigs {
  telepagos: TelepagosConfig;
  talo: TaloConfig;
  tupay: TupayConfig;
}
type ProviderKey = keyof ProviderConfigs;
const PROVIDER_CONFIGS: { [K in ProviderKey]: ProviderConfigBlock<ProviderConfigs[K]> } = { telepagos: telepagosConfig, talo: taloConfig, tupay: tupayConfig };
const PROVIDER_KEYS = Object.keys(PROVIDER_CONFIGS) as ProviderKey[];

export type { TaloConfig } from './providers/talo/config.js';
export type { TelepagosConfig } from './providers/telepagos/config.js';
export type { TupayConfig } from './providers/tupay/config.js';
export { ConfigError, type ConfigProblem } from './config-env.js';

export type ProvidersConfig = { [K in ProviderKey]?: ProviderConfigs[K] } & {
  /** Wire-format switches (provider guesses); defaults when absent. */
  wire?: ProviderWireChoices;
};

export interface Config {
  /** PORT, default 4000. */
  port: number;
  /** HOST, default 127.0.0.1. */
  host: string;
  /** NODE_ENV=production: no introspection, no landing page, no stack traces, API keys required. */
  production: boolean;
  /** PUBLIC_URL, default http://localhost:$PORT: base of the webhook URLs given to providers. */
  publicUrl: string;
  /** UPSTREAM_TIMEOUT_MS, default 10000: time budget of every provider call, shared by its attempts and retry waits. */
  upstreamTimeoutMs: number;
  /** BREAKER_WINDOW_MS, default 5000: the circuit breaker's sliding window (failure ratio over the last this-many ms). */
  breakerWindowMs: number;
  /** BREAKER_MIN_CALLS, default 10: calls (counted per caller) the window must hold before the circuit may open. */
  breakerMinCalls: number;
  /** BREAKER_PROBE_INTERVAL_MS, default 5000: how long an open circuit waits before letting one probe call through. */
  breakerProbeIntervalMs: number;
  /** REQUEST_DEADLINE_MS, default 30000: a GraphQL request's upstream calls are cancelled after this. */
  requestDeadlineMs: number;
  /**
   * MAX_PROVIDER_CALLS_PER_OPERATION, default the upstream budget (60, src/graphql/limits.ts): the most
   * provider calls one operation (a GraphQL query or mutation, a CSV export before its rows earn more)
   * may make; the call past it is not sent (src/domain/call-allowance.ts).
   */
  maxProviderCallsPerOperation: number;
  /** SHUTDOWN_GRACE_MS, default 10000: how long in-flight requests may finish on SIGTERM. */
  shutdownGraceMs: number;
  /** LOG_LEVEL, default info. */
  logLevel: string;
  /** REDIS_URL: shared state in Redis when set; in memory otherwise. */
  redisUrl?: string;
  /** REDIS_COMMAND_TIMEOUT_MS, default DEFAULT_REDIS_COMMAND_TIMEOUT_MS (500): a Redis command not answered by then fails as if Redis were down. */
  redisCommandTimeoutMs: number;
  /** REDIS_PREFIX: prefix of every key and channel in Redis; replicas of one deployment share it. Default "pasarela:". */
  redisPrefix: string;
  /** CLIENTS_FILE: the client apps and their API-key hashes and scopes. */
  clientsFile?: string;
  /** CORS_ORIGINS (comma-separated): browser origins allowed (besides Apollo Studio's with EXPLORER=apollo-sandbox). Default none. */
  corsOrigins: string[];
  /**
   * APQ_MAX_BYTES, default DEFAULT_APQ_MAX_BYTES (8 MiB): each client app's budget for the documents it
   * registers by APQ, in the bytes they hold once parsed; one registration may take at most
   * 1/DOCUMENTS_PER_BUDGET of it (src/graphql/apq-registrations.ts).
   */
  apqMaxBytes: number;
  /** MAX_OPERATION_AMOUNT: the largest amount one mutation may move or charge. Default 50000000. */
  maxOperationAmount: string;
  /**
   * WEBHOOK_CONFIRM_PER_MINUTE and WEBHOOK_CONFIRM_BURST (default DEFAULT_CONFIRM_RATE_LIMIT): each
   * provider's bucket of webhook confirmations (reads from the provider), shared by replicas in Redis mode.
   */
  webhookConfirmRate: { perSecond: number; burst: number };
  /**
   * The watcher (src/events/watcher.ts): a created object that is not final is re-read first
   * PENDING_POLL_INTERVAL_MS (default 30000) after it was created, then at twice the previous wait up to
   * PENDING_POLL_MAX_INTERVAL_MS (default 900000, not below the interval), at most PENDING_POLL_PER_MINUTE
   * re-reads per provider (default 60, all replicas together).
   */
  pendingPoll: { intervalMs: number; maxIntervalMs: number; perMinute: number };
  /**
   * The event log (src/events/log.ts): events are kept EVENT_RETENTION_HOURS (default 168, a week) and
   * at most EVENT_LOG_MAX_LENGTH of them (default 100000), whichever is fewer.
   */
  eventLog: EventLogOptions;
  /**
   * Webhooks to client apps (src/webhooks/deliveries.ts): a failed delivery is retried with jittered
   * exponential backoff from WEBHOOK_RETRY_BASE_MS (default 5000) until WEBHOOK_RETRY_HOURS (default 72)
   * after the event was logged, each attempt given WEBHOOK_TIMEOUT_MS (default 10000). WEBHOOK_ALLOW_HTTP=true lets endpoints
   * use http:// in production (elsewhere it is always allowed). WEBHOOK_LEASE_MS (default the larger of 30 s and three
   * timeouts; above the timeout): how long a replica's claim on an endpoint outlives it, so how soon another replica
   * takes over the deliveries of one that died.
   */
  webhookDelivery: { retryBaseMs: number; retryHours: number; timeoutMs: number; leaseMs: number; allowHttp: boolean };
  /**
   * EXPLORER: the page browsers get at GET /graphql — `graphiql` (self-hosted, no CDN), `apollo-sandbox`
   * (loaded from Apollo's CDN; also allows Apollo Studio's origins by CORS) or `off`. Default `graphiql`,
   * `off` in production (only an explicit value turns it on there).
   */
  explorer: Explorer;
  providers: ProvidersConfig;
  /**
   * No provider URL configured: the gateway starts the three sandboxes and points itself at them
   * (`withSandboxes`). Any provider URL set turns this off, and unset providers are not configured.
   */
  embedded: boolean;
}

/** APQ_MAX_BYTES's default: hundreds of typical documents per app. */
export const DEFAULT_APQ_MAX_BYTES = 8 * 1024 * 1024;

export const EXPLORERS = ['graphiql', 'apollo-sandbox', 'off'] as const;
export type Explorer = (typeof EXPLORERS)[number];

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * WEBHOOK_LEASE_MS: above the attempt timeout (an attempt runs without renewing the lease, so a shorter
 * lease could let a second replica post the same event while the first still waits for its answer).
 */
function webhookLeaseMs(env: Env, problems: Problems, timeoutMs: number): number {
  const fallback = Math.max(30_000, timeoutMs * 3);
  const leaseMs = integer(env, problems, 'WEBHOOK_LEASE_MS', fallback, 1_000, 600_000);
  if (leaseMs <= timeoutMs) return problems.add('WEBHOOK_LEASE_MS', `must be above WEBHOOK_TIMEOUT_MS (${timeoutMs})`) ?? fallback;
  return leaseMs;
}

function origins(env: Env, problems: Problems, name: string): string[] {
  const raw = value(env, name);
  if (raw === undefined) return [];
  const list: string[] = [];
  for (const item of raw.split(',')) {
    const origin = item.trim();
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      return problems.add(name, 'must be a comma-separated list of origins such as https://app.example.com') ?? [];
    }
    if (parsed.origin !== origin.replace(/\/$/, '')) {
      return problems.add(name, `must list bare origins (scheme://host[:port]), not ${JSON.stringify(origin)}`) ?? [];
    }
    list.push(parsed.origin);
  }
  return list;
}

function explorer(env: Env, problems: Problems, production: boolean): Explorer {
  return oneOf(env, problems, 'EXPLORER', EXPLORERS, production ? 'off' : 'graphiql');
}

function pendingPoll(env: Env, problems: Problems): Config['pendingPoll'] {
  const intervalMs = integer(env, problems, 'PENDING_POLL_INTERVAL_MS', DEFAULT_POLL_INTERVAL_MS, 10, 86_400_000);
  const maxIntervalMs = integer(env, problems, 'PENDING_POLL_MAX_INTERVAL_MS', DEFAULT_POLL_MAX_INTERVAL_MS, 10, 86_400_000);
  if (maxIntervalMs < intervalMs) problems.add('PENDING_POLL_MAX_INTERVAL_MS', 'must not be below PENDING_POLL_INTERVAL_MS');
  const perMinute = integer(env, problems, 'PENDING_POLL_PER_MINUTE', DEFAULT_POLL_PER_MINUTE, 1, 60_000);
  return { intervalMs, maxIntervalMs, perMinute };
}

/** Reads and validates the whole environment; a ConfigError lists every problem found. */
export function loadConfig(env: Env = process.env): Config {
  const problems = new Problems();
  const production = value(env, 'NODE_ENV') === 'production';
  const port = integer(env, problems, 'PORT', 4000, 0, 65535);
  let logLevel = value(env, 'LOG_LEVEL') ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) logLevel = problems.add('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`) ?? 'info';
  let redisUrl = value(env, 'REDIS_URL');
  if (redisUrl !== undefined && !/^rediss?:\/\//.test(redisUrl)) redisUrl = problems.add('REDIS_URL', 'must be a redis:// or rediss:// URL');

  const providers: ProvidersConfig = {
    wire: {
      telepagosAmountFormat: oneOf(env, problems, 'TELEPAGOS_AMOUNT_FORMAT', AMOUNT_WIRE_FORMATS, DEFAULT_AMOUNT_WIRE_FORMAT),
      tupayReportRangeFormat: oneOf(env, problems, 'TUPAY_REPORT_RANGE_FORMAT', TUPAY_REPORT_RANGE_FORMATS, DEFAULT_TUPAY_REPORT_RANGE_FORMAT),
      telepagosTransactionsOrder: oneOf(env, problems, 'TELEPAGOS_TRANSACTIONS_ORDER', TRANSACTIONS_ORDERS, DEFAULT_TRANSACTIONS_ORDER),
      telepagosBalanceUnit: oneOf(env, problems, 'TELEPAGOS_BALANCE_UNIT', BALANCE_UNITS, DEFAULT_BALANCE_UNIT),
      tupayRangeUnit: oneOf(env, problems, 'TUPAY_RANGE_UNIT', TUPAY_RANGE_UNITS, DEFAULT_TUPAY_RANGE_UNIT),
      tupayRangeEnd: oneOf(env, problems, 'TUPAY_RANGE_END', TUPAY_RANGE_ENDS, DEFAULT_TUPAY_RANGE_END),
    },
  };
  for (const key of PROVIDER_KEYS) readBlock(key, env, problems, production, providers);
  const embedded = !PROVIDER_KEYS.some((key) => isSet(env, PROVIDER_CONFIGS[key].urlVariable));
  if (embedded && production) {
    problems.add(
      PROVIDER_CONFIGS[PROVIDER_KEYS[0]!].urlVariable,
      'or another provider URL is required in production (the embedded sandboxes are for development)',
    );
  }
  const clientsFile = value(env, 'CLIENTS_FILE');
  if (production && !clientsFile) problems.add('CLIENTS_FILE', 'is required in production (client apps must present API keys)');

  const webhookTimeoutMs = integer(env, problems, 'WEBHOOK_TIMEOUT_MS', 10_000, 100, 60_000);
  const config: Config = {
    port,
    host: value(env, 'HOST') ?? '127.0.0.1',
    production,
    publicUrl: (url(env, problems, 'PUBLIC_URL') ?? `http://localhost:${port}`).replace(/\/$/, ''),
    upstreamTimeoutMs: integer(env, problems, 'UPSTREAM_TIMEOUT_MS', 10_000, 1, 600_000),
    breakerWindowMs: integer(env, problems, 'BREAKER_WINDOW_MS', DEFAULT_BREAKER.windowMs, 100, 600_000),
    breakerMinCalls: integer(env, problems, 'BREAKER_MIN_CALLS', DEFAULT_BREAKER.minimumCalls, 1, 1_000_000),
    breakerProbeIntervalMs: integer(env, problems, 'BREAKER_PROBE_INTERVAL_MS', DEFAULT_BREAKER.halfOpenAfterMs, 100, 600_000),
    requestDeadlineMs: integer(env, problems, 'REQUEST_DEADLINE_MS', 30_000, 100, 600_000),
    maxProviderCallsPerOperation: integer(env, problems, 'MAX_PROVIDER_CALLS_PER_OPERATION', DEFAULT_MAX_PROVIDER_CALLS, 1, 1_000_000),
    shutdownGraceMs: integer(env, problems, 'SHUTDOWN_GRACE_MS', 10_000, 0, 600_000),
    logLevel,
    redisUrl,
    redisCommandTimeoutMs: integer(env, problems, 'REDIS_COMMAND_TIMEOUT_MS', DEFAULT_REDIS_COMMAND_TIMEOUT_MS, 10, 60_000),
    redisPrefix: value(env, 'REDIS_PREFIX') ?? 'pasarela:',
    clientsFile,
    corsOrigins: origins(env, problems, 'CORS_ORIGINS'),
    apqMaxBytes: integer(env, problems, 'APQ_MAX_BYTES', DEFAULT_APQ_MAX_BYTES, 1024 * 1024, 1024 * 1024 * 1024),
    maxOperationAmount: positiveDecimal(env, problems, 'MAX_OPERATION_AMOUNT', '50000000'),
    webhookConfirmRate: {
      perSecond: integer(env, problems, 'WEBHOOK_CONFIRM_PER_MINUTE', DEFAULT_CONFIRM_RATE_LIMIT.perSecond * 60, 1, 60_000) / 60,
      burst: integer(env, problems, 'WEBHOOK_CONFIRM_BURST', DEFAULT_CONFIRM_RATE_LIMIT.burst, 1, 10_000),
    },
    pendingPoll: pendingPoll(env, problems),
    eventLog: {
      retentionMs: integer(env, problems, 'EVENT_RETENTION_HOURS', DEFAULT_EVENT_RETENTION_HOURS, 1, 24 * 366) * 3_600_000,
      maxLength: integer(env, problems, 'EVENT_LOG_MAX_LENGTH', DEFAULT_EVENT_LOG_MAX_LENGTH, 100, 10_000_000),
    },
    webhookDelivery: {
      retryBaseMs: integer(env, problems, 'WEBHOOK_RETRY_BASE_MS', 5_000, 1, 3_600_000),
      retryHours: integer(env, problems, 'WEBHOOK_RETRY_HOURS', 72, 1, 24 * 30),
      timeoutMs: webhookTimeoutMs,
      leaseMs: webhookLeaseMs(env, problems, webhookTimeoutMs),
      allowHttp: oneOf(env, problems, 'WEBHOOK_ALLOW_HTTP', ['true', 'false'], 'false') === 'true',
    },
    explorer: explorer(env, problems, production),
    providers,
    embedded,
  };
  problems.done();
  return config;
}

/** The embedded default: every provider pointed at its sandbox, with the sandbox credentials. */
export function withSandboxes(config: Config, urls: { [K in ProviderKey]: string }): Config {
  const providers: ProvidersConfig = { wire: config.providers.wire };
  for (const key of PROVIDER_KEYS) sandboxBlock(key, urls[key], providers);
  return { ...config, providers };
}

/** What each embedded sandbox is told to play for its wire choices, as its provider's folder declares. */
export function sandboxWireOptions(wire: ProviderWireChoices): { [K in ProviderKey]?: { wire: Readonly<Record<string, string>> } } {
  const options: { [K in ProviderKey]?: { wire: Readonly<Record<string, string>> } } = {};
  for (const key of PROVIDER_KEYS) {
    const played = PROVIDER_CONFIGS[key].sandboxWire?.(wire);
    if (played) options[key] = { wire: played };
  }
  return options;
}

function readBlock<K extends ProviderKey>(key: K, env: Env, problems: Problems, production: boolean, providers: ProvidersConfig): void {
  const block = PROVIDER_CONFIGS[key];
  const providerUrl = url(env, problems, block.urlVariable);
  if (providerUrl) providers[key] = block.read(env, problems, production, providerUrl);
}

function sandboxBlock<K extends ProviderKey>(key: K, sandboxUrl: string, providers: ProvidersConfig): void {
  providers[key] = PROVIDER_CONFIGS[key].sandbox(sandboxUrl);
}
