/**
 * `GET /exports/activity.csv`: the activity feed as CSV (RFC 4180), streamed. Same API key, rate limit
 * and `read` scope as GraphQL; the same arguments as `activity` (query parameters; lists comma-separated).
 *
 * - Everything is checked first: a bad key is 401, a key without `read` 403, a bad parameter 400, a
 *   range priced over the operation budget 400 QUERY_TOO_COMPLEX, each answered like a GraphQL request
 *   error, `{"errors": [{"message", "extensions": {"code", "requestId", "field"?}}]}`, and nothing is
 *   asked upstream.
 * - Counted (metrics) by outcome with its rows and duration, and as the operation EXPORT_OPERATION of
 *   door `export` by the pipeline.
 * - Provider calls: MAX_PROVIDER_CALLS_PER_OPERATION, plus one per row written. Reaching it before the
 *   first byte is a 400 QUERY_TOO_COMPLEX; after it, the response is cut off like a provider failure.
 * - Constant memory: rows are written as the feed reads them, one provider step at a time, and the
 *   writer waits for the socket to drain (backpressure) before reading more.
 * - The client leaving cancels the upstream calls in flight and stops the walk.
 * - A provider failing before the first byte is answered with its error (503/502, JSON); after it, the
 *   response is cut off (no terminating chunk), so a truncated file is never taken for a whole one.
 * - Account numbers (CBU/CVU, CUIT) are masked to their last four digits: a spreadsheet travels further
 *   than an API answer. Text cells starting with = + - @ are prefixed with ' so no spreadsheet runs them.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GraphQLError, type GraphQLScalarType } from 'graphql';
import { maskAccountNumber } from '../domain/identifiers.js';
import { localDate } from '../domain/time-zone.js';
import type { GraphQLErrorCode } from '../graphql/errors.js';
import { sendRefusal } from '../graphql/http-errors.js';
import type { OperationPipeline } from '../graphql/pipeline.js';
import { DecimalScalar, LocalDateScalar } from '../graphql/scalars/index.js';
import { forRequest, type Logger } from '../logging.js';
import { EXPORT_OPERATION, type Metrics } from '../observability/metrics.js';
import { startIncoming } from '../observability/tracing.js';
import { onClientGone } from '../graphql/persisted-http.js';
import { activityQuery } from '../modules/activity/activity.resolver.js';
import type { ActivityFilter } from '../modules/activity/activity.type.js';
import { CurrencyCode, TransactionDirectionEnum, TransactionKindEnum, TransactionStatusEnum } from '../modules/common/enums.js';
import { ActivityFeed, activityPrice, activitySources } from '../modules/activity/feed.js';
import { CallAllowance, ProviderCallLimitError } from '../domain/call-allowance.js';
import { LIMITS } from '../graphql/limits.js';
import type { TransactionValue } from '../modules/transactions/transaction.type.js';
import { ProviderError } from '../providers/errors.js';
import { PROVIDERS } from '../providers/provider.js';
import type { ProviderRegistry } from '../providers/registry.js';

export const ACTIVITY_CSV_PATH = '/exports/activity.csv';

const COLUMNS = [
  'id',
  'provider',
  'provider_id',
  'created_at',
  'local_date',
  'kind',
  'direction',
  'amount',
  'currency',
  'status',
  'provider_status',
  'operation',
  'counterparty_name',
  'counterparty_document',
  'counterparty_cuit',
  'counterparty_cbu',
] as const;

/** The values each list parameter takes: the GraphQL enums `activity`'s filter takes. */
const DIRECTIONS = Object.values(TransactionDirectionEnum);
const KINDS = Object.values(TransactionKindEnum);
const STATUSES = Object.values(TransactionStatusEnum);
const CURRENCIES = Object.values(CurrencyCode);
const PARAMETERS = new Set(['from', 'to', 'timeZone', 'providers', 'direction', 'kinds', 'statuses', 'currencies', 'minAmount', 'maxAmount']);
/**
 * Provider pages read at once per step: the export reads everything, so it keeps four TelePagos pages in
 * flight instead of waiting for each. More (ten) was not faster on the benchmark and kept more rows
 * alive across each wait, which V8 promotes and collects late: peak RSS grew by up to 56 MB against 13–31
 * MB with four (bench case 8).
 */
const PAGES_PER_STEP = 4;
/** Characters of CSV per write: about sixty rows. */
const CHUNK_CHARS = 16 * 1024;

/** RFC 4180: a field with a comma, quote, CR or LF is quoted, quotes doubled. */
function field(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Text a person or a provider wrote: never a formula when a spreadsheet opens the file. */
function text(value: string | undefined): string {
  if (value === undefined) return '';
  return field(/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);
}

function csvLine(t: TransactionValue, timeZone: string): string {
  const cells = [
    t.id,
    t.provider,
    field(t.localId),
    new Date(Date.parse(t.createdAt)).toISOString(),
    localDate(Date.parse(t.createdAt), timeZone),
    t.kind,
    t.direction,
    t.amount.amount,
    t.amount.currency,
    t.status,
    text(t.providerStatus),
    text(t.operation),
    text(t.counterparty?.name),
    text(t.counterparty?.document),
    t.counterparty?.cuit ? maskAccountNumber(t.counterparty.cuit) : '',
    t.counterparty?.cbu ? maskAccountNumber(t.counterparty.cbu) : '',
  ];
  return `${cells.join(',')}\r\n`;
}

class BadParameter extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

function one(query: Record<string, unknown>, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new BadParameter(`give ${name} once`, name);
  return value;
}

function list(query: Record<string, unknown>, name: string, allowed: readonly string[]): string[] | undefined {
  const value = one(query, name);
  if (value === undefined || value === '') return undefined;
  const items = value.split(',').map((item) => item.trim());
  const unknown = items.find((item) => !allowed.includes(item));
  if (unknown !== undefined) throw new BadParameter(`${name} takes a comma-separated list of ${allowed.join(', ')}`, name);
  return items;
}

/** A parameter read by the GraphQL scalar of the same argument: the export takes exactly what `activity` takes. */
function scalar(query: Record<string, unknown>, name: string, type: GraphQLScalarType, refusal: string): string | undefined {
  const value = one(query, name);
  if (value === undefined) return undefined;
  try {
    return type.parseValue(value) as string;
  } catch {
    throw new BadParameter(`${name} ${refusal}`, name);
  }
}

function date(query: Record<string, unknown>, name: string): string {
  const value = scalar(query, name, LocalDateScalar, 'must be a date, YYYY-MM-DD');
  if (value === undefined) throw new BadParameter(`${name} is required (YYYY-MM-DD)`, name);
  return value;
}

function amount(query: Record<string, unknown>, name: string): string | undefined {
  return scalar(query, name, DecimalScalar, 'must be a decimal such as 1500.50');
}

/** The query string as `activity`'s arguments; BadParameter for anything else. */
function readParameters(query: Record<string, unknown>): { from: string; to: string; timeZone?: string; filter: ActivityFilter } {
  const unknown = Object.keys(query).find((name) => !PARAMETERS.has(name));
  if (unknown !== undefined) throw new BadParameter(`unknown parameter ${unknown}; known: ${[...PARAMETERS].join(', ')}`, unknown);
  const direction = list(query, 'direction', DIRECTIONS);
  if (direction && direction.length > 1) throw new BadParameter('direction is IN or OUT', 'direction');
  const filter: ActivityFilter = {
    providers: list(query, 'providers', PROVIDERS) as ActivityFilter['providers'],
    direction: direction?.[0] as ActivityFilter['direction'],
    kinds: list(query, 'kinds', KINDS) as ActivityFilter['kinds'],
    statuses: list(query, 'statuses', STATUSES) as ActivityFilter['statuses'],
    currencies: list(query, 'currencies', CURRENCIES) as ActivityFilter['currencies'],
    minAmount: amount(query, 'minAmount'),
    maxAmount: amount(query, 'maxAmount'),
  };
  return { from: date(query, 'from'), to: date(query, 'to'), timeZone: one(query, 'timeZone'), filter };
}

/** A refusal in the contract's GraphQL-over-HTTP shape, with the request id (src/graphql/http-errors.ts). */
function refuseWith(reply: FastifyReply, status: number, code: string, message: string, extra: Record<string, unknown> = {}): FastifyReply {
  return sendRefusal(reply, status, code as GraphQLErrorCode, message, extra);
}

/** A coded GraphQLError from the pipeline's admission (401, 403, 429) as this route's JSON answer. */
function refuseGraphQL(reply: FastifyReply, error: GraphQLError): FastifyReply {
  const http = error.extensions.http as { status?: number; headers?: Map<string, string> } | undefined;
  for (const [name, value] of http?.headers ?? []) void reply.header(name, value);
  const code = String(error.extensions.code ?? 'BAD_USER_INPUT');
  const extra = error.extensions.field !== undefined ? { field: error.extensions.field } : {};
  return refuseWith(reply, http?.status ?? 400, code, error.message, extra);
}

export interface ActivityExportOptions {
  pipeline: OperationPipeline;
  providers: ProviderRegistry;
  logger: Logger;
  /** Each export counted by outcome, with its rows and duration. */
  metrics: Metrics;
  /** MAX_PROVIDER_CALLS_PER_OPERATION: the calls an export may make before its rows earn more. */
  maxProviderCalls: number;
}

export function registerActivityExport(app: FastifyInstance, options: ActivityExportOptions): void {
  app.get(ACTIVITY_CSV_PATH, async (request: FastifyRequest, reply: FastifyReply) => {
    // 1. Who: the operation pipeline, as for any operation — admission (key, rate limit), the `read`
    // scope, the context (cancelled when the client leaves), and at the end tracing and metrics. The
    // export's span has its parent the client's traceparent; the provider calls are its children.
    const trace = startIncoming(`GET ${ACTIVITY_CSV_PATH}`, request.headers, { 'pasarela.request_id': request.id, 'http.route': ACTIVITY_CSV_PATH });
    const startedAt = performance.now();
    let rows = 0;
    let failure: { provider: string; error: unknown } | undefined;
    reply.raw.once('close', () => {
      const outcome = failure ? 'failed' : !reply.raw.writableFinished ? 'cancelled' : reply.statusCode >= 400 ? 'refused' : 'complete';
      options.metrics.exportDone('activity', outcome, rows, (performance.now() - startedAt) / 1000);
    });
    const opened = await options.pipeline.open({
      door: 'export',
      requestId: request.id,
      trace,
      authorization: request.headers.authorization,
      action: { name: EXPORT_OPERATION, type: 'query', scopes: ['read'], unbounded: true },
      gone: (cancel) => onClientGone(reply, cancel),
    });
    if (!opened.ok) return refuseGraphQL(reply, opened.errors[0]!);
    const { operation } = opened;
    const ctx = operation.ctx!;
    /** The code the export was refused with, once it was. */
    let refusedWith: string | undefined;
    reply.raw.once('close', () => {
      trace?.span?.setAttribute('http.response.status_code', reply.statusCode);
      const code = failure
        ? failure.error instanceof ProviderError
          ? failure.error.code
          : 'PROVIDER_UNAVAILABLE'
        : !reply.raw.writableFinished
          ? 'CANCELLED'
          : reply.statusCode >= 400
            ? (refusedWith ?? 'BAD_REQUEST')
            : undefined;
      options.pipeline.end(operation, { failed: code !== undefined, errors: code ? [{ extensions: { code } }] : undefined });
    });
    const refuse = (status: number, code: string, message: string, extra: Record<string, unknown> = {}) => {
      refusedWith = code;
      return refuseWith(reply, status, code, message, extra);
    };
    const log = forRequest(options.logger, request.id, trace?.traceId);

    // 2. What: every parameter checked before anything is asked upstream.
    let query;
    try {
      const parameters = readParameters(request.query as Record<string, unknown>);
      query = activityQuery(parameters.from, parameters.to, parameters.timeZone, parameters.filter);
    } catch (error) {
      if (error instanceof BadParameter) return refuse(400, 'BAD_USER_INPUT', error.message, { field: error.field });
      if (error instanceof GraphQLError) return refuseGraphQL(reply, error);
      throw error;
    }

    // 3. Its price: the whole range of every provider, within the same budget as a GraphQL operation.
    const sources = activitySources(options.providers.all('transactions'), query.filter);
    const price = activityPrice(query, sources, 'all');
    if (price > LIMITS.maxUpstreamCost) {
      return refuse(
        400,
        'QUERY_TOO_COMPLEX',
        `This export would cost about ${price} provider calls; the limit is ${LIMITS.maxUpstreamCost}. Export a shorter range at once.`,
      );
    }

    // 4. The rows, streamed; the client leaving cancels what is in flight. The export's provider calls
    // have the operation's ceiling, and each row written earns one more: a walk that brings rows runs to
    // its end, one whose filter matches nothing stops at the ceiling.
    const calls = new CallAllowance(options.maxProviderCalls);
    const feed = new ActivityFeed(
      query,
      sources,
      { signal: ctx.signal, requestId: request.id, trace: trace?.context, calls },
      (provider, error) => {
        failure ??= { provider, error };
      },
      undefined,
      PAGES_PER_STEP,
    );

    let first: TransactionValue | undefined;
    try {
      first = await feed.peek();
    } catch (error) {
      if (error instanceof GraphQLError) return refuseGraphQL(reply, error);
      throw error;
    }
    if (failure?.error instanceof ProviderCallLimitError) return refuse(400, 'QUERY_TOO_COMPLEX', failure.error.message, { provider: failure.provider });
    if (failure) {
      const error = failure.error;
      const status = error instanceof ProviderError && error.code === 'PROVIDER_ERROR' ? 502 : 503;
      const code = error instanceof ProviderError ? error.code : 'PROVIDER_UNAVAILABLE';
      const message = error instanceof ProviderError ? error.message : `${failure.provider} failed`;
      return refuse(status, code, message, { provider: failure.provider });
    }

    const timeZone = query.timeZone;
    // Rows go out in chunks of up to CHUNK_CHARS (one write each, not one per row), and whatever is
    // ready goes out before the feed waits for a provider.
    async function* lines(): AsyncGenerator<string> {
      let chunk = `${COLUMNS.join(',')}\r\n`;
      for (let row = first; row;) {
        if (failure) break;
        feed.take();
        rows++;
        calls.grant(1);
        chunk += csvLine(row, timeZone);
        if (chunk.length >= CHUNK_CHARS || !feed.ready) {
          yield chunk;
          chunk = '';
        }
        row = await feed.peek();
      }
      if (chunk && !failure) yield chunk;
      // Thrown here, the stream errors and the response is cut off: the file cannot pass for complete.
      if (failure) {
        log.warn({ rows, provider: failure.provider }, 'activity export failed midway; response cut off');
        throw failure.error;
      }
      log.info({ rows }, 'activity export done');
    }
    // Readable.from pulls the next row only when the socket has taken the previous ones (backpressure).
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="activity-${query.from}-${query.to}.csv"`)
      .header('cache-control', 'no-store')
      .send(Readable.from(lines(), { objectMode: false, highWaterMark: 16 * 1024 }));
  });
}
