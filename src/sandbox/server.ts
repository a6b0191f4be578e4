/**
 * The common shell of every provider sandbox: a real HTTP server (Fastify) with a request log, fault
 * injection, token lifetimes, webhook deliveries and a control surface under `/_sandbox/`, clearly
 * apart from the provider's own paths. Each provider brings its state, routes and error shape.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import formbody from '@fastify/formbody';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AddressInfo } from 'node:net';
import { APPLYING_FAULT_MODES, FaultInjector, FaultSpecError, parseFaultSpec, type Fault } from './faults.js';
import { RequestLog, REQUEST_LOG_CAPACITY, type LoggedRequest } from './request-log.js';
import { TokenRegistry, type TokenRegistryOptions } from './tokens.js';
import { NOTIFICATION_SHAPES, WebhookNotifier, type NotificationShape, type NotifierOptions } from './notifier.js';
import {
  DEFAULT_SANDBOX_VARIANT,
  SANDBOX_VARIANTS,
  VARIANT_HEADER,
  alternateAnswer,
  alternateStatus,
  isSandboxVariant,
  type SandboxVariant,
  type WireFacts,
} from './variant.js';

export type ProviderName = 'telepagos' | 'talo' | 'tupay';

/** Options every sandbox takes; providers add their own. */
export interface SandboxOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** Seed of the generated data: the same seed and `now` give the same data. */
  seed?: number;
  /** The moment the seeded history ends at; default: the current time. */
  now?: Date;
  /** Override of the provider's token/session lifetime. */
  tokenLifetimeSeconds?: number;
  notifier?: Partial<NotifierOptions>;
  logCapacity?: number;
  /**
   * Undocumented rules to enforce, by name (each provider's `*_STRICT_RULES` in its assumptions.ts).
   * Default none: a sandbox refuses nothing the provider's documents allow. Settable at run time with
   * `PUT /_sandbox/strict { rules }`.
   */
  strict?: readonly string[];
  /**
   * Which plausible wire form answers take (./variant.ts): `documented` (default) or `alternate`.
   * Settable at run time with `PUT /_sandbox/variant { variant }`; startSandboxes reads `SANDBOX_VARIANT`.
   */
  variant?: SandboxVariant;
  /**
   * Which answer the sandbox plays for each of the provider's wire choices (its `*_WIRE_CHOICES` in
   * assumptions.ts: a guess the gateway has a setting for); unnamed ones play the guess. Settable at run
   * time with `PUT /_sandbox/wire { choice: value }`.
   */
  wire?: Readonly<Record<string, string>>;
}

/**
 * A provider's wire choices: per choice, the plausible answers, the guess first (the default). The
 * gateway's matching settings are in src/config.ts; a sandbox plays the other answer when told to.
 */
export type WireChoices = Readonly<Record<string, readonly string[]>>;

/** A provider's undocumented rules a sandbox can enforce on request; `emptyJsonBody` is the shell's own. */
export interface StrictRuleNames {
  /** Refuse `content-type: application/json` with an empty body (the framework's default). */
  emptyJsonBody: string;
  [rule: string]: string;
}

/** What a provider's routes see: the live state (replaced on reset) and the shared machinery. */
export interface SandboxRuntime<State> {
  readonly name: ProviderName;
  state: State;
  readonly log: RequestLog;
  readonly faults: FaultInjector;
  readonly tokens: TokenRegistry;
  readonly notifier: WebhookNotifier;
  /** The undocumented rules enforced now (names from the provider's strict rules). */
  readonly strict: Set<string>;
  /** The provider's error body, e.g. TelePagos `{ status: "error", message }`. */
  errorBody(status: number, message: string): unknown;
  /**
   * Test hook: rewrites the JSON answer of a route key (`GET /v2/account/transactions`) before it is
   * sent, so a test can serve a wire form the sandbox never writes (an ISO date, a number for a string)
   * in an otherwise real answer. Empty by default; cleared on reset.
   */
  readonly answerRewrites: Map<string, (body: unknown) => unknown>;
  /** The wire variant served now (./variant.ts); back to the option's on reset. */
  variant: SandboxVariant;
  /** The answer played now for each wire choice (every choice named); back to the options' on reset. */
  readonly wire: Record<string, string>;
}

export interface SandboxDefinition<State, Options extends SandboxOptions = SandboxOptions> {
  name: ProviderName;
  errorBody(status: number, message: string): unknown;
  /** HTTP status of an `error-body` fault when the spec names none (TelePagos answers errors with 200 too). */
  defaultErrorStatus: number;
  tokens: (options: Options) => TokenRegistryOptions;
  /** Accept `application/x-www-form-urlencoded` bodies as well as JSON. */
  acceptsForm?: boolean;
  /** The undocumented rules this sandbox can enforce (off unless named in `strict`). Default: the shell's. */
  strictRules?: StrictRuleNames;
  /** The wire choices this sandbox can play (`wire` option, `PUT /_sandbox/wire`). Default none. */
  wireChoices?: WireChoices;
  /** The provider's facts the `alternate` wire variant rewrites answers with (./variant.ts). */
  wireFacts: WireFacts;
  /**
   * A success answer with `word` as its status word (`null`: none), for a `status-word` fault; any other
   * answer as it is. Without it the sandbox refuses such faults: its answers carry no status word.
   */
  statusWord?(body: unknown, word: string | null): unknown;
  createState(options: Options): State;
  registerRoutes(app: FastifyInstance, sandbox: SandboxRuntime<State>, options: Options): void;
  /** Provider-specific control routes, registered under `/_sandbox/`. */
  registerControl?(app: FastifyInstance, sandbox: SandboxRuntime<State>, options: Options): void;
}

export interface RunningSandbox<State> extends SandboxRuntime<State> {
  readonly url: string;
  readonly app: FastifyInstance;
  /** Fresh seeded state, empty log, no faults, no tokens, no pending webhooks. */
  reset(): void;
  close(): Promise<void>;
}

const CONTROL_PREFIX = '/_sandbox';

declare module 'fastify' {
  interface FastifyRequest {
    sandboxLogEntry?: LoggedRequest;
    /** Set when an injected fault answered: a fault is sent exactly as the test asked, in any variant. */
    sandboxFault?: boolean;
    /** Set by a `status-word` fault: the route answers, then a success answer's status word is this one. */
    sandboxStatusWord?: { word: string | null };
    /** A `lose-answer` fault: the route runs, then its answer is replaced (onSend). */
    sandboxLostAnswer?: Fault;
  }
}

function routeKey(request: FastifyRequest): string {
  const path = request.routeOptions.url ?? request.url.split('?')[0];
  return `${request.method} ${path}`;
}

async function applyFault(
  fault: Fault,
  reply: FastifyReply,
  request: FastifyRequest,
  runtime: SandboxRuntime<unknown>,
  defaultErrorStatus: number,
): Promise<FastifyReply | undefined> {
  if (fault.latencyMs) await sleep(fault.latencyMs);
  switch (fault.mode) {
    case 'latency':
    case 'status-word':
    case 'lose-answer':
    case 'lose-answer-reset':
      // The route answers (and acts); a status word is set when it is serialized, a lost answer is
      // replaced when it is sent (onSend).
      return undefined;
    case 'hang':
      // Keep the socket open and never answer; `forceCloseConnections` ends it when the sandbox closes.
      reply.hijack();
      return reply;
    case 'reset':
      reply.hijack();
      request.raw.socket.resetAndDestroy();
      return reply;
    case 'rate-limit':
      return reply
        .code(429)
        .header('retry-after', String(fault.retryAfterSeconds ?? 1))
        .send(runtime.errorBody(429, fault.message ?? 'Too Many Requests'));
    case 'status': {
      const status = fault.status ?? 503;
      if (fault.retryAfterSeconds !== undefined) reply.header('retry-after', String(fault.retryAfterSeconds));
      return reply.code(status).send(runtime.errorBody(status, fault.message ?? 'Service temporarily unavailable'));
    }
    case 'error-body': {
      const status = fault.status ?? defaultErrorStatus;
      return reply.code(status).send(fault.body ?? runtime.errorBody(status, fault.message ?? 'Internal error'));
    }
  }
}

/** The shell's own undocumented rule, for sandboxes that name no others. */
export const SHELL_STRICT_RULES: StrictRuleNames = { emptyJsonBody: 'empty-json-body' };

export function buildSandboxApp<State, Options extends SandboxOptions>(
  definition: SandboxDefinition<State, Options>,
  options: Options,
): { app: FastifyInstance; runtime: SandboxRuntime<State>; reset(): void } {
  const strictRules = definition.strictRules ?? SHELL_STRICT_RULES;
  const wireChoices = definition.wireChoices ?? {};
  const app = Fastify({ logger: false, forceCloseConnections: true, bodyLimit: 1024 * 1024 });
  const runtime: SandboxRuntime<State> = {
    name: definition.name,
    state: definition.createState(options),
    log: new RequestLog(options.logCapacity ?? REQUEST_LOG_CAPACITY),
    faults: new FaultInjector(),
    tokens: new TokenRegistry(definition.tokens(options)),
    notifier: new WebhookNotifier(options.notifier),
    strict: new Set(checkStrictRules(strictRules, options.strict ?? [])),
    errorBody: definition.errorBody,
    answerRewrites: new Map(),
    variant: options.variant ?? DEFAULT_SANDBOX_VARIANT,
    wire: checkWireChoices(wireChoices, options.wire ?? {}),
  };
  const reset = (): void => {
    runtime.answerRewrites.clear();
    runtime.state = definition.createState(options);
    runtime.log.clear();
    runtime.faults.clear();
    runtime.tokens.reset();
    runtime.notifier.reset();
    runtime.strict.clear();
    for (const rule of options.strict ?? []) runtime.strict.add(rule);
    runtime.variant = options.variant ?? DEFAULT_SANDBOX_VARIANT;
    Object.assign(runtime.wire, checkWireChoices(wireChoices, options.wire ?? {}));
  };

  if (definition.acceptsForm) void app.register(formbody);
  registerJsonParser(app, runtime, strictRules);

  app.addHook('onRequest', async (request) => {
    if (request.url.startsWith(CONTROL_PREFIX)) return;
    const [path] = request.url.split('?');
    request.sandboxLogEntry = runtime.log.add({
      method: request.method,
      path: path ?? request.url,
      route: routeKey(request),
      query: { ...(request.query as Record<string, unknown>) },
      headers: { ...request.headers },
    });
  });

  app.addHook('preHandler', async (request, reply) => {
    const entry = request.sandboxLogEntry;
    if (!entry) return;
    if (request.body !== undefined) entry.body = request.body;
    const fault = runtime.faults.take(entry.route);
    if (!fault) return;
    // Marked before the fault answers (its send serializes at once); a latency, status-word or lost-answer
    // fault lets the route answer.
    request.sandboxFault = !APPLYING_FAULT_MODES.includes(fault.mode) || fault.mode === 'lose-answer' || fault.mode === 'lose-answer-reset';
    if (fault.mode === 'status-word') request.sandboxStatusWord = { word: fault.word ?? null };
    if (fault.mode === 'lose-answer' || fault.mode === 'lose-answer-reset') request.sandboxLostAnswer = fault;
    return applyFault(fault, reply, request, runtime as SandboxRuntime<unknown>, definition.defaultErrorStatus);
  });

  // A `lose-answer` fault: the route ran (the provider acted); what leaves is not its answer.
  app.addHook('onSend', async (request, reply, payload) => {
    const lost = request.sandboxLostAnswer;
    if (!lost) return payload;
    if (lost.mode === 'lose-answer-reset') {
      request.raw.socket.resetAndDestroy();
      return payload;
    }
    const status = lost.status ?? 504;
    reply.code(status).header('content-type', 'application/json; charset=utf-8');
    return JSON.stringify(runtime.errorBody(status, lost.message ?? 'Gateway Timeout'));
  });

  // The variant rewrites what a provider route answers (not a fault, not an unknown path); a status-word
  // fault then sets the word; a test's own rewrite of the route comes last, so the form it serves is the
  // one sent.
  app.addHook('preSerialization', async (request, reply, payload) => {
    const entry = request.sandboxLogEntry;
    if (!entry) return payload;
    let body: unknown = payload;
    const asked = request.headers[VARIANT_HEADER];
    const variant = isSandboxVariant(asked) ? asked : runtime.variant;
    if (variant === 'alternate' && !request.sandboxFault && request.routeOptions.url !== undefined) {
      const facts = definition.wireFacts;
      const status = alternateStatus(reply.statusCode, facts);
      if (status !== reply.statusCode && facts.refusalBody) body = facts.refusalBody(body, reply.statusCode);
      reply.code(status);
      if (facts.successWord) body = facts.successWord(body, entry.route);
      body = alternateAnswer(body, facts);
    }
    if (request.sandboxStatusWord && definition.statusWord) body = definition.statusWord(body, request.sandboxStatusWord.word);
    const rewrite = runtime.answerRewrites.get(entry.route);
    return rewrite ? rewrite(body) : body;
  });

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send(definition.errorBody(404, `No route ${request.method} ${request.url.split('?')[0]}`));
  });

  // Malformed JSON, oversized bodies and the like answer in the provider's error shape.
  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
    reply.code(status).send(definition.errorBody(status, status === 500 ? 'Internal server error' : error.message));
  });

  registerCommonControl(app, runtime, reset, strictRules, definition.statusWord !== undefined);
  registerWireControl(app, runtime, wireChoices);
  definition.registerControl?.(app, runtime, options);
  definition.registerRoutes(app, runtime, options);
  return { app, runtime, reset };
}

/** The known rule names among `rules`; an unknown name is a mistake in a test or an option. */
function checkStrictRules(known: StrictRuleNames, rules: readonly unknown[]): string[] {
  const names = Object.values(known);
  for (const rule of rules) {
    if (typeof rule !== 'string' || !names.includes(rule)) throw new FaultSpecError(`unknown strict rule ${JSON.stringify(rule)}; known: ${names.join(', ')}`);
  }
  return rules as string[];
}

/** Every wire choice's answer: the guess, unless `wanted` names another known one (an unknown name or answer throws). */
function checkWireChoices(known: WireChoices, wanted: Readonly<Record<string, unknown>>): Record<string, string> {
  for (const [choice, answer] of Object.entries(wanted)) {
    const answers = known[choice];
    if (!answers) throw new FaultSpecError(`unknown wire choice ${JSON.stringify(choice)}; known: ${Object.keys(known).join(', ') || 'none'}`);
    if (typeof answer !== 'string' || !answers.includes(answer))
      throw new FaultSpecError(`wire choice ${choice} must be one of ${answers.join(', ')}; got ${JSON.stringify(answer)}`);
  }
  return Object.fromEntries(Object.entries(known).map(([choice, answers]) => [choice, (wanted[choice] as string | undefined) ?? answers[0]!]));
}

/** `GET /_sandbox/wire` (the answers played now, and the known ones) and `PUT /_sandbox/wire { choice: value }`. */
function registerWireControl(app: FastifyInstance, runtime: SandboxRuntime<unknown>, known: WireChoices): void {
  app.get(`${CONTROL_PREFIX}/wire`, async () => ({ wire: runtime.wire, known }));
  app.put(`${CONTROL_PREFIX}/wire`, async (request, reply) => {
    const body = request.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return reply.code(400).send({ error: 'send { choice: answer }' });
    try {
      const next = checkWireChoices(known, { ...runtime.wire, ...(body as Record<string, unknown>) });
      Object.assign(runtime.wire, next);
      return { wire: runtime.wire };
    } catch (error) {
      if (error instanceof FaultSpecError) return reply.code(400).send({ error: error.message });
      throw error;
    }
  });
}

/**
 * JSON bodies as Fastify reads them, but the raw text is kept in the request log (`rawBody`, so tests
 * see the exact bytes: a number token or a string), and an empty body with `content-type:
 * application/json` is no body at all unless the `emptyJsonBody` strict rule is on (no provider
 * document forbids it; Fastify's default refuses it with 400).
 */
function registerJsonParser(app: FastifyInstance, runtime: SandboxRuntime<unknown>, rules: StrictRuleNames): void {
  const parseJson = app.getDefaultJsonParser('error', 'ignore');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    if (request.sandboxLogEntry) request.sandboxLogEntry.rawBody = text;
    if (text.trim() === '' && !runtime.strict.has(rules.emptyJsonBody)) return done(null, undefined);
    return parseJson(request, text, done);
  });
}

function registerCommonControl(app: FastifyInstance, runtime: SandboxRuntime<unknown>, reset: () => void, rules: StrictRuleNames, statusWords: boolean): void {
  const p = CONTROL_PREFIX;
  app.get(`${p}/strict`, async () => ({ rules: [...runtime.strict], known: Object.values(rules) }));
  app.put(`${p}/strict`, async (request, reply) => {
    const { rules: wanted } = (request.body ?? {}) as { rules?: unknown };
    if (!Array.isArray(wanted)) return reply.code(400).send({ error: 'rules must be a list of rule names' });
    try {
      const names = checkStrictRules(rules, wanted);
      runtime.strict.clear();
      for (const rule of names) runtime.strict.add(rule);
      return { rules: names };
    } catch (error) {
      if (error instanceof FaultSpecError) return reply.code(400).send({ error: error.message });
      throw error;
    }
  });
  app.get(`${p}/variant`, async () => ({ variant: runtime.variant, known: SANDBOX_VARIANTS }));
  app.put(`${p}/variant`, async (request, reply) => {
    const { variant } = (request.body ?? {}) as { variant?: unknown };
    if (!isSandboxVariant(variant)) return reply.code(400).send({ error: `variant must be one of ${SANDBOX_VARIANTS.join(', ')}` });
    runtime.variant = variant;
    return { variant };
  });
  app.get(`${p}/requests`, async (request) => {
    const { route } = request.query as { route?: string };
    return { requests: runtime.log.list(route) };
  });
  app.delete(`${p}/requests`, async (_request, reply) => {
    runtime.log.clear();
    return reply.code(204).send();
  });
  app.get(`${p}/stats`, async () => ({
    total: runtime.log.count(),
    counts: runtime.log.countsByRoute(),
    tokensIssued: runtime.tokens.issued,
  }));
  app.get(`${p}/faults`, async () => ({ faults: runtime.faults.list() }));
  app.post(`${p}/faults`, async (request, reply) => {
    try {
      const spec = parseFaultSpec(request.body);
      if (spec.mode === 'status-word' && !statusWords) throw new FaultSpecError(`the ${runtime.name} sandbox's answers carry no status word`);
      return reply.code(201).send({ fault: runtime.faults.add(spec) });
    } catch (error) {
      if (error instanceof FaultSpecError) return reply.code(400).send({ error: error.message });
      throw error;
    }
  });
  app.delete(`${p}/faults`, async (_request, reply) => {
    runtime.faults.clear();
    return reply.code(204).send();
  });
  app.delete(`${p}/faults/:id`, async (request, reply) => {
    const removed = runtime.faults.remove(Number((request.params as { id: string }).id));
    return reply.code(removed ? 204 : 404).send();
  });
  app.post(`${p}/reset`, async (_request, reply) => {
    reset();
    return reply.code(204).send();
  });
  app.get(`${p}/tokens`, async () => ({ lifetimeSeconds: runtime.tokens.lifetimeSeconds, issued: runtime.tokens.issued }));
  app.put(`${p}/tokens/lifetime`, async (request, reply) => {
    const { seconds } = (request.body ?? {}) as { seconds?: unknown };
    if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 1) {
      return reply.code(400).send({ error: 'seconds must be a positive integer' });
    }
    runtime.tokens.lifetimeSeconds = seconds;
    return { lifetimeSeconds: seconds };
  });
  app.post(`${p}/tokens/expire`, async () => ({ expired: runtime.tokens.expireAll() }));
  app.get(`${p}/webhooks`, async () => ({ deliveries: runtime.notifier.list(), options: runtime.notifier.options }));
  app.put(`${p}/webhooks/config`, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const next = { ...runtime.notifier.options };
    for (const key of ['retries', 'baseDelayMs', 'factor', 'timeoutMs'] as const) {
      const value = body[key];
      if (value === undefined) continue;
      if (typeof value !== 'number' || value < 0) return reply.code(400).send({ error: `${key} must be a non-negative number` });
      next[key] = value;
    }
    if (body.shape !== undefined) {
      if (!(NOTIFICATION_SHAPES as readonly unknown[]).includes(body.shape))
        return reply.code(400).send({ error: `shape must be one of ${NOTIFICATION_SHAPES.join(', ')}` });
      next.shape = body.shape as NotificationShape;
    }
    runtime.notifier.options = next;
    return { options: next };
  });
}

/** Builds and starts a sandbox on `host:port` (port 0 picks a free one). */
export async function startSandbox<State, Options extends SandboxOptions>(
  definition: SandboxDefinition<State, Options>,
  options: Options,
): Promise<RunningSandbox<State>> {
  const { app, runtime, reset } = buildSandboxApp(definition, options);
  await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  const address = app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const running = Object.assign(runtime, {
    url: `http://${host}:${address.port}`,
    app,
    reset,
    close: async () => {
      runtime.notifier.reset();
      await app.close();
    },
  });
  return running;
}

/** Reads the bearer value of `Authorization: Bearer <token>` (case-insensitive scheme). */
export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  return match?.[1];
}
