/**
 * The operation pipeline: every door — Apollo Server over HTTP (src/graphql/apollo-http.ts), documents
 * by id (src/graphql/persisted-http.ts), graphql-ws (src/subscriptions.ts), SSE (src/sse.ts) and the
 * CSV export (src/exports/activity-csv.ts) — turns its wire into an `OperationRequest` and hands it
 * here; the pipeline owns everything between, in this order:
 *
 * 1. admit     — the steps' admission hooks (src/graphql/steps/index.ts: document size, API key →
 *                client app, the client's rate limit: one token per operation, whatever the door);
 * 2. context   — the operation's context, with its deadline (cancelled too when the door reports its
 *                client gone: `cancel`);
 * 3. document  — by id (`documentId`, or APQ's `extensions.persistedQuery`) from the app's manifests or
 *                its APQ registrations, or as text, as the app's `documents` policy allows
 *                (src/graphql/documents.ts); a text is parsed (token limit) and
 *                validated (graphql-js's rules, the abuse limits, and in production no
 *                introspection) the first time it is seen, then held (src/graphql/held-texts.ts). A
 *                document by id was parsed and validated once, when it was loaded or registered
 *                (`compile`). Apollo parses texts it is the first to see with `parseOptions` and
 *                `validationRules` from here, and hands over the parsed operation (`authorize`);
 * 4. authorize — the steps' authorization hooks, with the variables (scopes, the provider-call budget);
 * 5. execute   — the one executor (src/graphql/executor.ts), whichever the door;
 * 6. answer    — errors formatted to the contract (`extensions.code`, masked when unexpected, the
 *                original logged), the request id (and trace id) on every error, and the steps' done
 *                hooks (tracing, metrics) with the outcome.
 *
 * `run` is all of it for a door with one answer; streaming doors call `open`, `execute` and `answer`
 * (each result) themselves, as their libraries ask. A refusal at any step is answered through step 6
 * too. Audit lines for mutations are written by the mutation resolvers, so they hold at every door.
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
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ValidationRule,
} from 'graphql';
import { type ClientApp, type ClientRegistry, type TrustedDocument } from '../auth/clients.js';
import { authenticate } from '../auth/requests.js';
import { Cancellation, type CancelSignal } from '../cancellation.js';
import type { GatewayContext } from '../context.js';
import { forRequest, type Logger } from '../logging.js';
import type { Door as MetricsDoor, Metrics } from '../observability/metrics.js';
import type { Traced } from '../observability/tracing.js';
import type { SharedState } from '../state/index.js';
import { DocumentPolicy, coded, withCode, type CompileProblem } from './documents.js';
import { formatError, unexpectedErrors } from './errors.js';
import { Executor, type ExecutorOptions } from './executor.js';
import { HeldTexts } from './held-texts.js';
import { LIMITS, validationRules, type ArgumentPricing } from './limits.js';
import { gatewaySteps, type Step } from './steps/index.js';
import type { Operation, OperationRequest, Outcome } from './steps/step.js';
import { sha256Hex } from './trusted-documents.js';

export type { Door, Operation, OperationRequest, Outcome, Step } from './steps/step.js';
export type { CompileProblem, DocumentRequest, Refusal, Resolved } from './documents.js';

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
  /** The context of one operation (required to open operations). */
  context?: (client: ClientApp, requestId: string, signal: CancelSignal, trace: Traced | undefined, door: MetricsDoor) => GatewayContext;
  /** The steps, from the gateway's own (src/graphql/steps/index.ts); default: those. */
  steps?: (steps: readonly Step[]) => readonly Step[];
  /** The executor's plan cache and engines. */
  executor?: ExecutorOptions;
}

/** An operation the pipeline opened, or its refusal (answered already through the done hooks). */
export type Opened = { ok: true; operation: Operation } | { ok: false; errors: readonly GraphQLError[]; operation: Operation };

/** A door's one answer (`run`): the HTTP status and headers the errors ask for, and the body. */
export interface Answer {
  status: number;
  headers?: ReadonlyMap<string, string>;
  body: { errors?: GraphQLFormattedError[]; data?: unknown };
}

/** A result with its errors formatted to the contract. */
export type Formatted = Omit<ExecutionResult, 'errors'> & { errors?: GraphQLFormattedError[] };

/** Where an operation's context points back to it (a symbol: Apollo's copies of the context keep it). */
const OPERATION = Symbol('pasarela.operation');

/** The pipeline's own book-keeping of an operation, beside what steps see. */
class Running implements Operation {
  client?: ClientApp;
  ctx?: GatewayContext;
  document?: DocumentNode;
  definition?: OperationDefinitionNode;
  trusted?: TrustedDocument;
  variables?: Readonly<Record<string, unknown>> | null;
  /** The executor's key: the document's hash, and its text's length. */
  hash = '';
  textLength = 0;
  cancellation?: Cancellation;
  timer?: NodeJS.Timeout;
  ended = false;
  /** A subscription set up and not yet closed. */
  open = false;

  constructor(readonly request: OperationRequest) {
    this.client = request.client;
  }

  get name(): string | null | undefined {
    return this.request.action?.name ?? this.definition?.name?.value ?? this.request.operationName;
  }

  get type(): string | undefined {
    return this.request.action?.type ?? this.definition?.operation;
  }

  /** Clears the deadline: the operation is over, or lives as long as its client keeps it (a subscription). */
  settle(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

export class OperationPipeline {
  /** Parser options for every door: the token limit. */
  readonly parseOptions = { maxTokens: LIMITS.maxTokens };
  /** The rules every door validates with, beside graphql-js's own. */
  readonly validationRules: readonly ValidationRule[];
  /** Apollo's formatError, and the formatter of every other door's errors. */
  readonly format: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  /** The one executor of every door's operations. */
  readonly executor: Executor;
  private readonly allRules: readonly ValidationRule[];
  private readonly pricing: ArgumentPricing;
  /** The steps, in the order they act (src/graphql/steps/index.ts), and those with each hook. */
  private readonly admitting: readonly Step[];
  private readonly authorizing: readonly Step[];
  private readonly answering: readonly Step[];
  private readonly eventing: readonly Step[];
  private readonly closing: readonly Step[];
  /** The client apps: one reference, swapped whole by `replaceClients` (a reload). */
  private clients: ClientRegistry | undefined;
  /** Which document each operation runs: the apps' manifests, their APQ registrations, or a text. */
  private readonly documents: DocumentPolicy;
  /** Texts parsed and validated once (by Apollo or by `parseText`): run again without either. */
  private readonly texts = new HeldTexts();

  constructor(private readonly options: OperationPipelineOptions) {
    this.pricing = options.pricing ?? {};
    this.validationRules = [...validationRules(this.pricing), ...(options.production ? [NoSchemaIntrospectionCustomRule] : [])];
    this.allRules = [...specifiedRules, ...this.validationRules];
    this.format = formatError({ production: options.production });
    this.clients = options.clients;
    this.documents = new DocumentPolicy({
      schema: options.schema,
      logger: options.logger,
      metrics: options.metrics,
      apqMaxBytes: options.apqMaxBytes,
      parseOptions: this.parseOptions,
      rules: this.allRules,
    });
    this.executor = new Executor(options.schema, options.executor);
    const own = gatewaySteps({
      schema: options.schema,
      state: options.state,
      logger: options.logger,
      metrics: options.metrics,
      pricing: this.pricing,
      clients: () => this.clients,
    });
    const steps = options.steps ? options.steps(own) : own;
    this.admitting = steps.filter((step) => step.admit);
    this.authorizing = steps.filter((step) => step.authorize);
    this.answering = steps.filter((step) => step.done);
    this.eventing = steps.filter((step) => step.event);
    this.closing = steps.filter((step) => step.closed);
  }

  /**
   * Swaps the client apps (keys, scopes, policies, manifests) for a registry built in full beforehand.
   * A request already admitted keeps the app (and its documents) it was admitted with.
   */
  replaceClients(next: ClientRegistry): void {
    this.clients = next;
    this.documents.replaceClients(next);
  }

  /** The client apps in force (undefined: open access). */
  get currentClients(): ClientRegistry | undefined {
    return this.clients;
  }

  /** A connection's client app (graphql-ws authenticates once per socket): UNAUTHENTICATED without a valid key. */
  authenticate(authorization: string | undefined): ClientApp {
    return authenticate(this.clients, authorization);
  }

  /**
   * The whole pipeline for a door with one answer (documents by id over HTTP): open, execute, answer.
   * The status is the refusal's (`extensions.http.status`, 400 otherwise), 400 for a result without
   * data (its variables did not coerce), else 200.
   */
  async run(request: OperationRequest): Promise<Answer> {
    const opened = await this.open(request);
    if (!opened.ok) return refusalAnswer(opened.errors, this.formatErrors(opened.errors, request.requestId, opened.operation.ctx));
    const result = (await this.execute(opened.operation)) as ExecutionResult;
    const answer = this.answer(opened.operation, result);
    return { status: result.data === undefined ? 400 : 200, body: answer };
  }

  /**
   * Steps 1 to 4 for one operation: admitted, its context made, its document resolved (and parsed and
   * validated), authorized. A refusal has been answered (done hooks) and carries the request id.
   * Anything but a GraphQLError thrown by an admission step is logged and thrown on (an internal error).
   */
  async open(request: OperationRequest): Promise<Opened> {
    const operation = new Running(request);
    const { requestId, trace } = request;
    if (request.wireError) return this.refuse(operation, [request.wireError]);
    try {
      for (const step of this.admitting) {
        const pending = step.admit!(operation);
        if (pending) await pending;
      }
    } catch (error) {
      if (!(error instanceof GraphQLError)) {
        forRequest(this.options.logger, requestId, trace?.traceId).error({ err: error }, 'unexpected error while admitting a request');
        this.finish(operation, { failed: true, refused: true, thrown: error });
        throw error;
      }
      return this.refuse(operation, [error]);
    }
    const client = operation.client!;
    operation.ctx = this.contextOf(operation, client);
    if (request.action) return this.authorized(operation);

    const resolved = this.documents.resolve(client, request, requestId);
    if (!resolved.ok) return this.refuse(operation, resolved.errors);
    // The door parses and validates the text itself (even one of the app's documents), then hands over
    // its operation and variables (`authorize`).
    if (request.parsesText) return { ok: true, operation };
    if (resolved.kind === 'document') {
      const { document } = resolved;
      operation.trusted = document;
      operation.document = document.document;
      operation.definition = document.operation;
      operation.hash = document.hash;
      operation.textLength = document.text.length;
      operation.ctx.document = { id: document.id, name: document.name };
    } else {
      const problem = this.parseText(operation);
      if (problem) return this.refuse(operation, problem);
    }
    const variables = request.variables;
    if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables)))
      return this.refuse(operation, [coded('BAD_REQUEST', '"variables" must be an object', 400)]);
    operation.variables = variables as Readonly<Record<string, unknown>> | null | undefined;
    const wrongDoor = request.accepts?.(operation.definition!.operation);
    if (wrongDoor) return this.refuse(operation, [wrongDoor]);
    return this.authorized(operation);
  }

  /**
   * Step 4 for a door that parsed and validated the text itself (Apollo): its operation and variables,
   * through every authorization hook; the refusal to answer with, or undefined. The text (with its
   * SHA-256), valid, is held from now on (`holds`).
   */
  authorize(
    ctx: GatewayContext,
    document: DocumentNode,
    definition: OperationDefinitionNode,
    variables: unknown,
    text?: { source: string; hash: string },
  ): GraphQLError | undefined {
    if (text) this.texts.hold(text.source, text.hash, document);
    const operation = this.operationOf(ctx);
    if (!operation) return undefined;
    operation.document = document;
    operation.definition = definition;
    operation.variables = variables as Readonly<Record<string, unknown>> | null | undefined;
    return this.authorizeSteps(operation);
  }

  /**
   * Whether this text is held (parsed and validated before) and has the operation named: the pipeline
   * then runs it with nothing left to parse, validate or resolve that could fail.
   */
  holds(text: string, operationName: string | null | undefined): boolean {
    const held = this.texts.get(text);
    return held !== undefined && getOperationAST(held.document, operationName ?? undefined) !== null;
  }

  /** The held texts' count and accounted bytes. */
  get heldTexts(): { bytes: number; texts: number } {
    return this.texts.usage;
  }

  /** Step 5: a query or mutation's result, or a subscription's events (or the errors of its set-up). */
  execute(operation: Operation): Promise<ExecutionResult | AsyncGenerator<ExecutionResult, void, void>> {
    const running = operation as Running;
    const run = {
      hash: running.hash,
      textLength: running.textLength,
      document: running.document!,
      // A held document has one operation: the name a client sends with it changes nothing.
      operationName: running.trusted ? undefined : running.request.operationName,
      variables: running.variables,
      contextValue: running.ctx!,
    };
    return running.definition?.operation === 'subscription' ? this.executor.subscribe(run) : this.executor.execute(run);
  }

  /** Step 5 as graphql-ws and graphql-sse call it: the operation is found by its context. */
  readonly executeArgs = (args: ExecutionArgs): Promise<ExecutionResult | AsyncGenerator<ExecutionResult, void, void>> => {
    const operation = this.operationOf(args.contextValue as GatewayContext);
    if (!operation) throw new Error('An operation the pipeline did not open');
    return this.execute(operation);
  };

  /**
   * Step 6 for one result: the partial errors resolvers collected added, errors formatted with the
   * request id; a query or mutation ends (done hooks), a subscription's event is reported (event hooks).
   */
  answer(operation: Operation, result: ExecutionResult): Formatted {
    const running = operation as Running;
    const ctx = running.ctx!;
    const partial = ctx.partialErrors.length > 0 ? ctx.partialErrors.splice(0) : undefined;
    const errors = partial ? [...(result.errors ?? []), ...partial] : result.errors;
    const failed = errors !== undefined && errors.length > 0;
    if (running.type === 'subscription') for (const step of this.eventing) step.event!(running, errors?.length ?? 0);
    else this.finish(running, { name: running.name, type: running.type, failed, refused: false, errors });
    if (!failed) return result as Formatted;
    return { ...result, errors: this.formatErrors(errors, ctx.requestId, ctx) };
  }

  /**
   * Step 6 for Apollo, which formatted its own errors (`format`): those get the request id, the partial
   * errors are formatted here, and the operation ends. The response's errors, or undefined for none.
   */
  answerFormatted(ctx: GatewayContext, own: readonly GraphQLFormattedError[] | undefined, type: string | undefined): GraphQLFormattedError[] | undefined {
    const { requestId, partialErrors, trace } = ctx;
    const errors = [
      ...(own?.map((error) => withRequestId(error, requestId, trace?.traceId)) ?? []),
      ...(partialErrors.length > 0 ? this.formatErrors(partialErrors, requestId, ctx) : []),
    ];
    const failed = errors.length > 0;
    const operation = this.operationOf(ctx);
    if (operation) this.finish(operation, { name: operation.name, type: type ?? operation.type, failed, refused: false, errors: failed ? errors : undefined });
    return failed ? errors : undefined;
  }

  /** A subscription set up: the end of its set-up for the done hooks (its span), with its errors if it failed. */
  async subscribed(operation: Operation, pending: unknown): Promise<void> {
    const running = operation as Running;
    if (running.type !== 'subscription' || running.ended) return;
    const result = await pending;
    const errors = result && typeof result === 'object' && !(Symbol.asyncIterator in result) ? (result as ExecutionResult).errors : undefined;
    const failed = (errors?.length ?? 0) > 0;
    if (!failed) running.open = true;
    this.finish(running, { name: running.name, type: running.type, failed, refused: false, errors, subscribed: true });
  }

  /** A subscription set up has ended (its stream completed or failed, its client or connection gone): the steps' closed hooks, once. */
  closed(operation: Operation): void {
    const running = operation as Running;
    if (!running.open) return;
    running.open = false;
    for (const step of this.closing) step.closed!(running);
  }

  /**
   * Step 6 for a door that runs its own action (the CSV export) or whose operation failed outside a
   * result (graphql-ws's errors): the operation ends with this outcome. Once per operation.
   */
  end(operation: Operation, outcome: { failed: boolean; errors?: readonly { extensions?: Record<string, unknown> }[]; thrown?: unknown }): void {
    const running = operation as Running;
    this.finish(running, { name: running.name, type: running.type, refused: false, ...outcome });
  }

  /** The client went away: the operation's upstream calls are cancelled. */
  cancel(operation: Operation): void {
    const running = operation as Running;
    running.settle();
    running.cancellation?.abort();
  }

  /** The operation a context belongs to (Apollo hands the hooks a copy of the context: it keeps the link). */
  operationOf(ctx: GatewayContext): Running | undefined {
    return (ctx as unknown as { [OPERATION]?: Running })[OPERATION];
  }

  /** Logs the original of every error that will be masked as INTERNAL_SERVER_ERROR, under its request. */
  logUnexpected(errors: readonly GraphQLError[], ctx: GatewayContext): void {
    for (const err of unexpectedErrors(errors, this.options.production)) ctx.logger.error({ err }, 'unexpected error while resolving');
  }

  /**
   * Step 6's formatting for raw errors: logged when unexpected, formatted to the contract, the request
   * id (and the trace id) added.
   */
  formatErrors(errors: readonly GraphQLError[], requestId: string, ctx?: GatewayContext): GraphQLFormattedError[] {
    if (ctx) this.logUnexpected(errors, ctx);
    const traceId = ctx?.trace?.traceId;
    return errors.map((error) => withRequestId(this.format(plainJson(error, this.options.production), error), requestId, traceId));
  }

  /** The context, with the deadline of a query or mutation (a subscription's is cleared once its type is known). */
  private contextOf(operation: Running, client: ClientApp): GatewayContext {
    if (!this.options.context) throw new Error('OperationPipeline: no `context` to open operations with');
    const cancellation = new Cancellation();
    operation.cancellation = cancellation;
    operation.timer = setTimeout(() => cancellation.abort(), this.options.requestDeadlineMs);
    operation.timer.unref();
    // Metrics count documents by id with the rest of POST/GET /graphql.
    const door = operation.request.door === 'by-id' ? 'http' : operation.request.door;
    const ctx = this.options.context(client, operation.request.requestId, cancellation, operation.request.trace, door);
    (ctx as unknown as { [OPERATION]: Running })[OPERATION] = operation;
    operation.request.gone?.(() => this.cancel(operation));
    return ctx;
  }

  /**
   * Step 2 for a text: a held one as it was held; otherwise parsed with the token limit, validated with
   * every rule, and held once valid. Then its operation picked.
   */
  private parseText(operation: Running): readonly GraphQLError[] | undefined {
    const { query, operationName } = operation.request;
    if (typeof query !== 'string') return [coded('BAD_REQUEST', 'Send the operation as a string in "query"')];
    let held = this.texts.get(query);
    if (!held) {
      let document: DocumentNode;
      try {
        document = parse(query, this.parseOptions);
      } catch (error) {
        return [error instanceof GraphQLError ? withCode(error, 'GRAPHQL_PARSE_FAILED') : coded('GRAPHQL_PARSE_FAILED', String(error))];
      }
      const invalid = validate(this.options.schema, document, this.allRules);
      if (invalid.length > 0) return invalid.map((error) => withCode(error, 'GRAPHQL_VALIDATION_FAILED'));
      held = { document, hash: sha256Hex(query) };
      this.texts.hold(query, held.hash, document);
    }
    const definition = getOperationAST(held.document, operationName ?? undefined);
    if (!definition)
      return [
        coded('OPERATION_RESOLUTION_FAILURE', operationName ? `Unknown operation named "${operationName}"` : 'Send one operation, or name the one to run'),
      ];
    operation.document = held.document;
    operation.definition = definition;
    operation.hash = held.hash;
    operation.textLength = query.length;
    return undefined;
  }

  private authorized(operation: Running): Opened {
    const refusal = this.authorizeSteps(operation);
    if (refusal) return this.refuse(operation, [refusal]);
    // A subscription lives as long as the client keeps it; a query or mutation has the deadline.
    if (operation.type === 'subscription' || operation.request.action?.unbounded) operation.settle();
    return { ok: true, operation };
  }

  private authorizeSteps(operation: Running): GraphQLError | undefined {
    for (const step of this.authorizing) {
      const refusal = step.authorize!(operation as Running & { client: ClientApp });
      if (refusal) return refusal;
    }
    return undefined;
  }

  /** A refusal: its errors carry the request id (and trace id), the operation ends refused. */
  private refuse(operation: Running, errors: readonly GraphQLError[]): Opened {
    const { requestId, trace } = operation.request;
    const withIds = errors.map((error) => tagged(error, requestId, trace?.traceId));
    this.finish(operation, { name: operation.name, type: operation.type, failed: true, refused: true, errors: withIds });
    return { ok: false, errors: withIds, operation };
  }

  /** The done hooks, once per operation (a subscription's set-up does not end it for its deadline's sake). */
  private finish(operation: Running, outcome: Outcome): void {
    if (operation.ended) return;
    operation.ended = true;
    operation.settle();
    for (const step of this.answering) step.done!(operation, outcome);
  }

  /**
   * A document parsed and validated once, to be run by id: manifests (at start and on reload) and APQ
   * registrations use it (src/graphql/documents.ts).
   */
  compile(text: string, hash: string, source: string): TrustedDocument | CompileProblem {
    return this.documents.compile(text, hash, source);
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
 * An error's JSON as Apollo hands it to formatError: without the HTTP instructions, coded, and outside
 * production with the stack trace (formatError drops it in production).
 */
function plainJson(error: GraphQLError, production: boolean): GraphQLFormattedError {
  const { http: _http, ...extensions } = error.extensions as Record<string, unknown>;
  const code = extensions.code ?? (isVariableError(error) ? 'BAD_USER_INPUT' : 'INTERNAL_SERVER_ERROR');
  const stack = production ? undefined : (error.originalError?.stack ?? error.stack)?.split('\n');
  return { ...error.toJSON(), extensions: { ...extensions, code, ...(stack ? { stacktrace: stack } : {}) } };
}

/** The HTTP status an error asks for (`extensions.http.status`), 400 for other request errors. */
export function statusOf(error: GraphQLError | undefined): number {
  const http = error?.extensions.http as { status?: number } | undefined;
  return http?.status ?? 400;
}

/** The headers an error asks for (PERSISTED_QUERY_NOT_FOUND: not cacheable; RATE_LIMITED: Retry-After). */
export function headersOf(error: GraphQLError | undefined): ReadonlyMap<string, string> | undefined {
  const http = error?.extensions.http as { headers?: Map<string, string> } | undefined;
  return http?.headers;
}

function refusalAnswer(errors: readonly GraphQLError[], formatted: GraphQLFormattedError[]): Answer {
  return { status: statusOf(errors[0]), headers: headersOf(errors[0]), body: { errors: formatted } };
}
