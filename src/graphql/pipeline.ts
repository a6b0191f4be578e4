/**
 * One operation pipeline for every transport. HTTP (Apollo Server), GraphQL over WebSocket
 * (graphql-ws) and GraphQL over SSE (graphql-sse; with graphql-ws through src/graphql/streamed.ts) call
 * the same steps, in this order, so a rule cannot cover one transport and miss another:
 *
 * 1. admit     — document size (before parsing), API key → client app, the client's rate limit (one
 *                token per operation, whatever the transport); then the document itself (`resolve`):
 *                by id (`documentId`, or APQ's `extensions.persistedQuery`) from the app's manifests or
 *                the APQ registrations, or as text, as the app's `documents` policy allows
 *                (src/graphql/trusted-documents.ts);
 * 2. parse and validate — token limit, graphql-js's rules, the abuse limits (depth, aliases,
 *                directives, structural cost, provider-call budget) and, in production, no
 *                introspection; production hides "Did you mean" suggestions when errors are formatted;
 * 3. authorize — the scopes the operation's root fields need; and, with the variables' values, the
 *                provider-call budget again for fields priced by arguments given as variables;
 * 4. execute   — with a request deadline, cancelled when the client goes away;
 * 5. answer    — errors formatted to the contract (`extensions.code`, masked when unexpected, the
 *                original logged), the request id (and trace id) on every error, the operation
 *                counted and timed, its span (when traced) named and ended with its outcome.
 *
 * Apollo runs parse, validate and execute itself with `parseOptions` and `validationRules` from here;
 * graphql-ws and SSE run them through `prepare` and graphql-js. A document run by id was parsed and validated
 * once, when it was loaded or registered (`compile`): both transports skip step 2 for it, and HTTP runs
 * it without Apollo (src/graphql/persisted-http.ts). Audit lines for mutations are written
 * by the mutation resolvers, so they hold on both transports.
 */
import { randomUUID } from 'node:crypto';
import {
  GraphQLError,
  Kind,
  NoSchemaIntrospectionCustomRule,
  getOperationAST,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ValidationRule,
} from 'graphql';
import { documentsOf, type ClientApp, type ClientRegistry, type TrustedDocument } from '../auth/clients.js';
import { authenticate, enforceRateLimit, missingScopes } from '../auth/requests.js';
import { Cancellation, type CancelSignal } from '../cancellation.js';
import type { GatewayContext } from '../context.js';
import type { Logger } from '../logging.js';
import type { Metrics } from '../observability/metrics.js';
import { SpanStatusCode, type Span } from '../observability/tracing.js';
import { sanitizeText } from '../sanitize.js';
import type { SharedState } from '../state/index.js';
import { ApqRegistrations, retainedBytes } from './apq-registrations.js';
import { formatError, unexpectedErrors } from './errors.js';
import { LIMITS, refuseOverBudget, tooComplex, validationRules, type ArgumentPricing } from './limits.js';
import { hashOfId, sha256Hex } from './trusted-documents.js';

export interface OperationPipelineOptions {
  schema: GraphQLSchema;
  production: boolean;
  /** Client apps from CLIENTS_FILE; without them access is open (refused in production by config). */
  clients?: ClientRegistry;
  state: SharedState;
  logger: Logger;
  metrics: Metrics;
  /** How long one query or mutation may run before its upstream calls are cancelled. */
  requestDeadlineMs: number;
  /** Prices of the fields whose provider calls depend on their arguments (activity's range and filter). */
  pricing?: ArgumentPricing;
  /** APQ_MAX_BYTES: each app's budget for its APQ registrations (src/graphql/apq-registrations.ts). */
  apqMaxBytes: number;
}

/** A document refused before it could run: the errors to answer with. */
export type Refusal = { ok: false; errors: readonly GraphQLError[] };
/** A parsed, validated and authorized document, ready to execute. */
export type Admitted = { ok: true; document: DocumentNode; operation: OperationDefinitionNode };

/** What a request asks to run: a query text, a document id, APQ's extension (any may be absent). */
export interface DocumentRequest {
  query?: unknown;
  documentId?: unknown;
  extensions?: unknown;
}

/**
 * The document a request runs, as its app's policy allows: one the gateway holds (by id, or a text that
 * is one of the app's trusted documents), or a text to parse and validate.
 */
export type Resolved = { ok: true; kind: 'document'; document: TrustedDocument } | { ok: true; kind: 'text' } | Refusal;

/** Why a document cannot be held: a sentence, and the validation errors when it did not validate. */
export interface CompileProblem {
  problem: string;
  errors?: readonly GraphQLError[];
}

/** Untrusted documents remembered as logged: a client name and a hash each, so a few hundred kB at most. */
const UNTRUSTED_LOGGED_SIZE = 1_000;

export class OperationPipeline {
  /** Parser options for both transports: the token limit. */
  readonly parseOptions = { maxTokens: LIMITS.maxTokens };
  /** The rules both transports validate with, beside graphql-js's own. */
  readonly validationRules: readonly ValidationRule[];
  /** Apollo's formatError, and the formatter of every WebSocket error. */
  readonly format: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  private readonly allRules: readonly ValidationRule[];
  private readonly pricing: ArgumentPricing;
  /** The client apps: one reference, swapped whole by `replaceClients` (a reload). */
  private clients: ClientRegistry | undefined;
  /** Documents registered by APQ (by apps whose policy allows any document), per app, by hash. */
  private readonly registered: ApqRegistrations;
  /** Untrusted documents already logged (client and hash): each is logged once, counted every time. */
  private readonly untrustedLogged = new Set<string>();

  constructor(private readonly options: OperationPipelineOptions) {
    this.pricing = options.pricing ?? {};
    this.validationRules = [...validationRules(this.pricing), ...(options.production ? [NoSchemaIntrospectionCustomRule] : [])];
    this.allRules = [...specifiedRules, ...this.validationRules];
    this.format = formatError({ production: options.production });
    this.clients = options.clients;
    this.registered = new ApqRegistrations(options.apqMaxBytes);
  }

  /**
   * Swaps the client apps (keys, scopes, policies, manifests) for a registry built in full beforehand.
   * A request already admitted keeps the app (and its documents) it was admitted with.
   */
  replaceClients(next: ClientRegistry): void {
    this.clients = next;
    const registering = new Set(next.apps.filter((app) => app.policy !== 'trusted-only').map((app) => app.name));
    for (const app of this.registered.keepOnly(registering)) this.options.metrics.apqRegistrations(app, undefined);
  }

  /** The client apps in force (undefined: open access). */
  get currentClients(): ClientRegistry | undefined {
    return this.clients;
  }

  /** Step 1 for a connection (graphql-ws): the client app presenting this Authorization value. */
  authenticate(authorization: string | undefined): ClientApp {
    return authenticate(this.clients, authorization);
  }

  /**
   * The end of step 1: which document this request runs, by the app's `documents` policy.
   * - `documentId` ("sha256:<hex>"): one of the app's manifest documents, or (unless `trusted-only`) one
   *   the app registered by APQ; otherwise PERSISTED_QUERY_NOT_FOUND.
   * - APQ (`extensions.persistedQuery.sha256Hash`) without a query: the same lookup. With the query
   *   text: the text must hash to it; a known document runs, an unknown one is registered (parsed and
   *   validated first, QUERY_TOO_COMPLEX when it would hold more than its share of the app's APQ budget)
   *   unless the app is `trusted-only` (TRUSTED_DOCUMENT_REQUIRED).
   * - A query text: `trusted-only` apps may send only the exact text of one of their documents
   *   (TRUSTED_DOCUMENT_REQUIRED otherwise); `trusted-or-any` apps' other texts are counted as untrusted.
   */
  resolve(client: ClientApp, request: DocumentRequest, requestId: string): Resolved {
    const { policy, trusted } = documentsOf(client);
    const query = typeof request.query === 'string' && request.query !== '' ? request.query : undefined;
    const persisted = persistedQueryOf(request.extensions);
    if (request.documentId !== undefined && request.documentId !== null) {
      if (query !== undefined || persisted) return refused(badRequest('Send either "documentId" or "query" and its extensions, not both'));
      const hash = hashOfId(request.documentId);
      if (!hash) return refused(badRequest('"documentId" must be "sha256:" followed by the 64 hex digits of the document\'s SHA-256'));
      return this.known(client, hash, trusted, policy, requestId);
    }
    if (persisted) {
      if (persisted.version !== 1) return refused(badRequest('Unsupported persisted query version: send version 1'));
      const hash = hashOfId(persisted.sha256Hash);
      if (!hash) return refused(badRequest('"extensions.persistedQuery.sha256Hash" must be 64 hex digits'));
      if (query === undefined) return this.known(client, hash, trusted, policy, requestId);
      if (sha256Hex(query) !== hash) return refused(badRequest('provided sha does not match query'));
      const document = trusted.get(hash) ?? (policy === 'trusted-only' ? undefined : this.registered.get(client.name, hash));
      if (document) return this.hit(client, document);
      if (policy === 'trusted-only') return refused(this.untrustedRefusal(client, 'cannot register documents (APQ)', requestId, hash));
      return this.register(client, query, hash, requestId);
    }
    if (policy === 'any' || query === undefined) return TEXT;
    const hash = sha256Hex(query);
    const document = trusted.get(hash);
    if (document) return this.hit(client, document);
    if (policy === 'trusted-only') return refused(this.untrustedRefusal(client, 'may only run the documents of its manifests', requestId, hash));
    this.options.metrics.untrustedDocuments.inc({ client: client.name });
    const seen = `${client.name}\u0000${hash}`;
    if (!this.untrustedLogged.has(seen) && this.untrustedLogged.size < UNTRUSTED_LOGGED_SIZE) {
      this.untrustedLogged.add(seen);
      this.options.logger.warn(
        { requestId, client: client.name, documentHash: hash },
        "untrusted document: not in the app's manifests (logged once per document)",
      );
    }
    return TEXT;
  }

  /**
   * Step 2 done once for a document that will be run by id: parsed with the token limit, validated with
   * every rule, exactly one operation. Manifests (at start and on reload) and APQ registrations use it.
   */
  compile(text: string, hash: string, source: string): TrustedDocument | CompileProblem {
    let document: DocumentNode;
    try {
      document = parse(text, this.parseOptions);
    } catch (error) {
      return { problem: `does not parse: ${(error as Error).message}` };
    }
    const invalid = validate(this.options.schema, document, this.allRules);
    if (invalid.length > 0) return { problem: `is not valid: ${invalid.map((e) => e.message).join('; ')}`, errors: invalid };
    const operation = getOperationAST(document);
    if (!operation) return { problem: 'must hold exactly one operation' };
    return { id: `sha256:${hash}`, hash, text, document, operation, name: operation.name?.value, source };
  }

  /** A document run by id: step 3, the operation's scopes against the client's and its price with the variables. */
  authorizeDocument(client: ClientApp, document: TrustedDocument, variables: unknown): Admitted | Refusal {
    const refusal = this.authorize(client, document.document, document.operation, variables);
    return refusal ? refused(refusal) : { ok: true, document: document.document, operation: document.operation };
  }

  private known(client: ClientApp, hash: string, trusted: ReadonlyMap<string, TrustedDocument>, policy: string, requestId: string): Resolved {
    const document = trusted.get(hash) ?? (policy === 'trusted-only' ? undefined : this.registered.get(client.name, hash));
    if (document) return this.hit(client, document);
    this.options.metrics.persistedUnknownId(client.name);
    this.options.logger.info({ requestId, client: client.name, documentId: `sha256:${hash}` }, 'unknown persisted document');
    return refused(
      new GraphQLError('PersistedQueryNotFound', {
        extensions: { code: 'PERSISTED_QUERY_NOT_FOUND', http: { status: 200, headers: new Map([['cache-control', 'private, no-cache, must-revalidate']]) } },
      }),
    );
  }

  private hit(client: ClientApp, document: TrustedDocument): Resolved {
    this.options.metrics.persistedDocument(client.name, document, 'hit');
    return { ok: true, kind: 'document', document };
  }

  private register(client: ClientApp, query: string, hash: string, requestId: string): Resolved {
    const compiled = this.compile(query, hash, 'apq');
    if ('problem' in compiled) {
      const { errors } = compiled;
      if (errors) return { ok: false, errors: errors.map((error) => withCode(error, 'GRAPHQL_VALIDATION_FAILED')) };
      const code = compiled.problem.startsWith('does not parse') ? 'GRAPHQL_PARSE_FAILED' : 'OPERATION_RESOLUTION_FAILURE';
      return refused(coded(code, `The document ${compiled.problem}`));
    }
    const bytes = retainedBytes(query, compiled.document);
    const usage = this.registered.set(client.name, compiled, bytes);
    if (!usage) {
      return refused(
        tooLarge(
          `The document would hold about ${bytes} bytes once registered; the limit is ${this.registered.maxDocumentBytes}. Send a smaller document, or send it as text.`,
        ),
      );
    }
    this.options.metrics.apqRegistrations(client.name, usage);
    this.options.metrics.persistedDocument(client.name, compiled, 'registered');
    this.options.logger.info({ requestId, client: client.name, documentId: compiled.id, documentName: compiled.name }, 'document registered (APQ)');
    return { ok: true, kind: 'document', document: compiled };
  }

  private untrustedRefusal(client: ClientApp, what: string, requestId: string, hash: string): GraphQLError {
    this.options.metrics.trustedRefused.inc({ client: client.name });
    this.options.logger.info({ requestId, client: client.name, documentHash: hash }, "refused: not one of the app's trusted documents");
    return new GraphQLError(
      `The client app ${client.name} ${what}: send {"documentId": "sha256:<hash>"} of a document in its manifest (docs/graphql-clients.md, "Trusted documents")`,
      { extensions: { code: 'TRUSTED_DOCUMENT_REQUIRED', http: { status: 403 } } },
    );
  }

  /**
   * Step 1 for one operation of an authenticated connection (graphql-ws): the query text within the
   * size limit, then the client's rate limit. Throws a coded GraphQLError (QUERY_TOO_COMPLEX,
   * RATE_LIMITED) carrying the request id.
   */
  async admit(client: ClientApp, query: unknown, requestId: string, traceId?: string): Promise<void> {
    try {
      refuseOversized(query);
      await enforceRateLimit(this.options.state, client, this.options.logger, requestId);
    } catch (error) {
      throw tagged(error, requestId, traceId);
    }
  }

  /**
   * Step 1 over HTTP, where the key comes with each request: size (cheapest, no lookup), key, rate limit.
   * Throws a coded GraphQLError (QUERY_TOO_COMPLEX, UNAUTHENTICATED, RATE_LIMITED) carrying the request id.
   */
  async admitRequest(authorization: string | undefined, query: unknown, requestId: string, traceId?: string): Promise<ClientApp> {
    try {
      refuseOversized(query);
      const client = this.authenticate(authorization);
      await enforceRateLimit(this.options.state, client, this.options.logger, requestId);
      return client;
    } catch (error) {
      throw tagged(error, requestId, traceId);
    }
  }

  /**
   * Steps 2 and 3 for transports that parse themselves (graphql-ws): parse with the token limit,
   * validate with every rule, pick the operation and check its scopes.
   */
  prepare(client: ClientApp, query: unknown, operationName: string | null | undefined, variables: unknown): Admitted | Refusal {
    if (typeof query !== 'string') return refused(coded('BAD_REQUEST', 'Send the operation as a string in "query"'));
    let document: DocumentNode;
    try {
      document = parse(query, this.parseOptions);
    } catch (error) {
      return refused(error instanceof GraphQLError ? withCode(error, 'GRAPHQL_PARSE_FAILED') : coded('GRAPHQL_PARSE_FAILED', String(error)));
    }
    const invalid = validate(this.options.schema, document, this.allRules);
    if (invalid.length > 0) return { ok: false, errors: invalid.map((error) => withCode(error, 'GRAPHQL_VALIDATION_FAILED')) };
    const operation = getOperationAST(document, operationName ?? undefined);
    if (!operation)
      return refused(
        coded('OPERATION_RESOLUTION_FAILURE', operationName ? `Unknown operation named "${operationName}"` : 'Send one operation, or name the one to run'),
      );
    const refusal = this.authorize(client, document, operation, variables);
    return refusal ? refused(refusal) : { ok: true, document, operation };
  }

  /**
   * Step 3: FORBIDDEN when the operation needs a scope the client lacks; QUERY_TOO_COMPLEX when, priced
   * with its variables' values, it would cost more provider calls than the budget.
   */
  authorize(client: ClientApp, document: DocumentNode, operation: OperationDefinitionNode, variables: unknown): GraphQLError | undefined {
    return (
      missingScopes(client, operation) ??
      refuseOverBudget(this.options.schema, document, operation, variables as Record<string, unknown> | null | undefined, this.pricing)
    );
  }

  /**
   * Step 4's signal for one query or mutation: cancelled when its deadline passes or `cancel()` is
   * called (the client went away). `done()` clears the deadline.
   */
  deadline(): { signal: CancelSignal; cancel(): void; done(): void } {
    const cancellation = new Cancellation();
    const timer = setTimeout(() => cancellation.abort(), this.options.requestDeadlineMs);
    timer.unref();
    return {
      signal: cancellation,
      cancel: () => {
        clearTimeout(timer);
        cancellation.abort();
      },
      done: () => clearTimeout(timer),
    };
  }

  /** Logs the original of every error that will be masked as INTERNAL_SERVER_ERROR, under its request. */
  logUnexpected(errors: readonly GraphQLError[], ctx: GatewayContext): void {
    for (const err of unexpectedErrors(errors, this.options.production)) ctx.logger.error({ err }, 'unexpected error while resolving');
  }

  /**
   * Step 5 for raw errors (graphql-ws, and the partial errors resolvers collected on either transport):
   * logged when unexpected, formatted to the contract, the request id (and the trace id) added.
   */
  formatErrors(errors: readonly GraphQLError[], requestId: string, ctx?: GatewayContext): GraphQLFormattedError[] {
    if (ctx) this.logUnexpected(errors, ctx);
    const traceId = ctx?.trace?.traceId;
    return errors.map((error) => withRequestId(this.format(plainJson(error, this.options.production), error), requestId, traceId));
  }

  /**
   * Step 5: counts and times the operation; when it is traced, names its span after it and ends it
   * with its outcome (`errors`: the response's, for their codes).
   */
  done(
    ctx: GatewayContext,
    operationName: string | null | undefined,
    type: string | undefined,
    failed: boolean,
    errors?: readonly { extensions?: Record<string, unknown> }[],
  ): void {
    this.options.metrics.operationDone(ctx, operationName, type, failed);
    this.traceDone(ctx, operationName, type, failed, errors);
  }

  /** Step 5's trace part alone (a subscription's span ends when it is set up; it is counted elsewhere). */
  traceDone(
    ctx: GatewayContext,
    operationName: string | null | undefined,
    type: string | undefined,
    failed: boolean,
    errors?: readonly { extensions?: Record<string, unknown> }[],
  ): void {
    const span = ctx.trace?.span;
    if (span) endOperationSpan(span, ctx, operationName, type, failed, errors);
  }
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * The id of one operation: the client's own when well-formed (X-Request-Id over HTTP,
 * `extensions.requestId` of a graphql-ws subscribe message), otherwise a new UUID. It is echoed on
 * every error and log line, so a client can quote it to us.
 */
export function requestIdFrom(given: unknown): string {
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/** The error with the request id (and the trace id, when the operation has a trace) in its extensions. */
export function withRequestId(error: GraphQLFormattedError, requestId: string, traceId?: string): GraphQLFormattedError {
  return { ...error, extensions: traceId ? { ...error.extensions, requestId, traceId } : { ...error.extensions, requestId } };
}

/**
 * graphql-js reports a variable that fails its type as an error on the variable's definition, before
 * anything runs (Apollo codes these BAD_USER_INPUT; graphql-ws leaves them uncoded).
 */
export function isVariableError(error: GraphQLError): boolean {
  return error.extensions.code === undefined && error.nodes?.length === 1 && error.nodes[0]!.kind === Kind.VARIABLE_DEFINITION;
}

/**
 * A refusal made before the operation has a context carries its request id (and trace id) on the error
 * itself (the answer step adds them to every other error). Anything that is not a GraphQLError is
 * returned as it is.
 */
export function tagged<E>(error: E, requestId: string, traceId?: string): E {
  if (error instanceof GraphQLError) Object.assign(error.extensions, traceId ? { requestId, traceId } : { requestId });
  return error;
}

/**
 * Ends an operation's span: named `<type> <name>` (GraphQL's semantic conventions), with its type,
 * name, client app, outcome and error codes. The name is the client's own text: it is sanitised.
 */
function endOperationSpan(
  span: Span,
  ctx: GatewayContext,
  operationName: string | null | undefined,
  type: string | undefined,
  failed: boolean,
  errors: readonly { extensions?: Record<string, unknown> }[] | undefined,
): void {
  if (!span.isRecording()) return span.end();
  const name = operationName ? sanitizeText(operationName) : undefined;
  if (type) span.updateName(name ? `${type} ${name}` : type);
  if (type) span.setAttribute('graphql.operation.type', type);
  if (name) span.setAttribute('graphql.operation.name', name);
  span.setAttribute('pasarela.client', ctx.client.name);
  // A trusted document's id is the gateway's own hash, never client text.
  if (ctx.document) span.setAttribute('pasarela.trusted_document.id', ctx.document.id);
  span.setAttribute('pasarela.outcome', failed ? 'error' : 'success');
  if (failed) {
    const codes = [...new Set((errors ?? []).map((error) => String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR')))];
    if (codes.length > 0) span.setAttribute('pasarela.error_codes', codes);
    span.setStatus({ code: SpanStatusCode.ERROR, message: codes.join(', ') || 'error' });
  }
  span.end();
}

/** QUERY_TOO_COMPLEX (HTTP 400) for a query text over the size limit, before anything parses it. */
function refuseOversized(query: unknown): void {
  // Cheap first: a string shorter in UTF-16 units than the limit / 3 cannot be over it in UTF-8 bytes.
  if (typeof query !== 'string' || query.length * 3 <= LIMITS.maxDocumentBytes) return;
  if (Buffer.byteLength(query, 'utf8') > LIMITS.maxDocumentBytes) throw tooLarge(`The query text is over ${LIMITS.maxDocumentBytes} bytes`);
}

/** QUERY_TOO_COMPLEX with HTTP 400: a document refused for its size, before it is run or kept. */
function tooLarge(message: string): GraphQLError {
  const error = tooComplex(message);
  Object.assign(error.extensions, { http: { status: 400 } });
  return error;
}

/**
 * An error's JSON as Apollo hands it to formatError: without the HTTP instructions, coded, and outside
 * production with the stack trace (formatError drops it in production).
 */
function plainJson(error: GraphQLError, production: boolean): GraphQLFormattedError {
  const { http: _http, ...extensions } = error.extensions as Record<string, unknown>;
  const code = extensions.code ?? (isVariableError(error) ? 'BAD_USER_INPUT' : 'INTERNAL_SERVER_ERROR');
  const stack = production ? undefined : (error.originalError?.stack ?? error.stack)?.split('\n');
  return { ...error.toJSON(), extensions: { ...extensions, code, ...(stack ? { stacktrace: stack } : {}) } };
}

function refused(error: GraphQLError): Refusal {
  return { ok: false, errors: [error] };
}

const TEXT: Resolved = Object.freeze({ ok: true, kind: 'text' }) as Resolved;

function badRequest(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
}

/** APQ's `extensions.persistedQuery`, when the request carries one. */
function persistedQueryOf(extensions: unknown): { version?: unknown; sha256Hash?: unknown } | undefined {
  if (!extensions || typeof extensions !== 'object') return undefined;
  const persisted = (extensions as { persistedQuery?: unknown }).persistedQuery;
  return persisted && typeof persisted === 'object' ? (persisted as { version?: unknown; sha256Hash?: unknown }) : undefined;
}

function coded(code: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code } });
}

/**
 * The error as Apollo would present it: a rule's own coded error (QUERY_TOO_COMPLEX) stays the
 * original of a wrapper carrying the request-level code, as Apollo wraps it.
 */
function withCode(error: GraphQLError, code: string): GraphQLError {
  if (error.extensions.code === undefined)
    return new GraphQLError(error.message, { nodes: error.nodes, source: error.source, positions: error.positions, extensions: { ...error.extensions, code } });
  return new GraphQLError(error.message, { nodes: error.nodes, source: error.source, positions: error.positions, originalError: error, extensions: { code } });
}
