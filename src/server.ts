/**
 * The gateway's HTTP surface: Apollo Server 5 on Fastify at /graphql (Apollo Sandbox landing page
 * outside production), CORS for Apollo Sandbox and configured origins, CSRF prevention, a request id
 * on every request (accepted from X-Request-Id when well-formed, echoed back), /healthz and /readyz.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import cors from '@fastify/cors';
import { randomUUID } from 'node:crypto';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import fastifyApollo, { fastifyApolloDrainPlugin } from '@as-integrations/fastify';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled, ApolloServerPluginUsageReportingDisabled, ApolloServerPluginSchemaReportingDisabled } from '@apollo/server/plugin/disabled';
import type { Config } from './config.js';
import type { GatewayContext } from './context.js';
import { formatError } from './graphql/errors.js';
import { requestLogScope, type Logger } from './logging.js';
import { ProviderRegistry } from './providers/registry.js';
import { buildGatewaySchema } from './schema.js';
import { memoryState, type SharedState } from './state/index.js';
import type { ClientApp, ClientRegistry } from './auth/clients.js';
import { authenticate, enforceRateLimit, scopeCheck } from './auth/requests.js';
import { GraphQLError } from 'graphql';
import type { EventBus } from './events/bus.js';
import { createSubscriptionServer } from './subscriptions.js';
import { LIMITS, tooComplex, validationRules } from './graphql/limits.js';
import { Metrics } from './observability/metrics.js';
import { registerWebhooks } from './webhooks/routes.js';

/** Where Apollo Sandbox runs in a browser; it must be allowed to call the gateway. */
export const APOLLO_SANDBOX_ORIGINS = ['https://studio.apollographql.com', 'https://sandbox.embed.apollographql.com'];

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

export interface GatewayOptions {
  config: Config;
  logger: Logger;
  /** Shared state: in memory by default, Redis-backed for several replicas. Closed by the caller. */
  state?: SharedState;
  /** Client apps from CLIENTS_FILE; without them access is open (refused in production by config). */
  clients?: ClientRegistry;
  metrics?: Metrics;
}

/** The query text of a GraphQL request (POST body or GET query string), for the size limit. */
function queryText(request: FastifyRequest): unknown {
  const source = request.method === 'GET' ? request.query : request.body;
  return source && typeof source === 'object' && 'query' in source ? source.query : undefined;
}

export interface Gateway {
  app: FastifyInstance;
  metrics: Metrics;
  providers: ProviderRegistry;
  events: EventBus;
  state: SharedState;
  /** Stops accepting, drains in-flight operations, closes provider connections. */
  close(): Promise<void>;
}

/**
 * Appends the partial errors resolvers collected (a failing provider inside `accounts`), then adds the
 * request id to every error of the response, so a client can quote it to us.
 */
const completeErrors = (format: ReturnType<typeof formatError>): ApolloServerPlugin<GatewayContext> => ({
  async requestDidStart() {
    return {
      async willSendResponse({ response, contextValue }) {
        if (response.body.kind !== 'single') return;
        const result = response.body.singleResult;
        if (contextValue.partialErrors.length > 0) {
          result.errors = [...(result.errors ?? []), ...contextValue.partialErrors.map((error) => format(error.toJSON(), error))];
        }
        if (!result.errors) return;
        result.errors = result.errors.map((error) => ({
          ...error,
          extensions: { ...error.extensions, requestId: contextValue.requestId },
        }));
      },
    };
  },
});

export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const { config, logger } = options;
  const state = options.state ?? memoryState();
  const metrics = options.metrics ?? new Metrics();
  const providers = new ProviderRegistry(config.providers, {
    store: state.credentials,
    logger,
    timeoutMs: config.upstreamTimeoutMs,
    hooks: metrics.transportHooks(),
    onRenewed: (provider) => metrics.renewed(provider),
  });
  // Every configured provider's breaker is reported, not only those that changed state.
  metrics.observeBreakers(() => providers.breakerStates());
  const schema = await buildGatewaySchema();
  const { idempotency, events, cache } = state;
  const contextFor = (client: ClientApp, requestId: string, signal: AbortSignal, log: Logger): GatewayContext => ({
    requestId,
    client,
    config,
    idempotency,
    events,
    cache,
    metrics,
    signal,
    logger: log,
    providers,
    loaders: new Map(),
    partialErrors: [],
  });

  const app = Fastify({
    logger: false,
    // On close: idle keep-alive sockets go at once, requests in flight finish.
    forceCloseConnections: 'idle',
    bodyLimit: 1024 * 1024,
    requestIdHeader: false,
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  });
  app.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });
  // Everything the handler does from here on (resolvers, provider calls, webhooks) logs with its id.
  app.addHook('preHandler', (request, _reply, done) => requestLogScope.run({ requestId: request.id }, done));
  await app.register(cors, {
    origin: [...APOLLO_SANDBOX_ORIGINS, ...config.corsOrigins],
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: ['content-type', 'authorization', 'apollo-require-preflight', 'x-apollo-operation-name', 'x-request-id'],
    exposedHeaders: ['x-request-id'],
    maxAge: 600,
  });

  const format = formatError({ logger, production: config.production });
  const apollo = new ApolloServer<GatewayContext>({
    schema,
    introspection: !config.production,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    validationRules: validationRules(),
    parseOptions: { maxTokens: LIMITS.maxTokens },
    includeStacktraceInErrorResponses: !config.production,
    formatError: format,
    plugins: [
      fastifyApolloDrainPlugin(app),
      config.production ? ApolloServerPluginLandingPageDisabled() : ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false }),
      // Unused Apollo machinery costs time on every request: switch it off explicitly.
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
      scopeCheck,
      metrics.apolloPlugin(),
      completeErrors(format),
    ],
  });
  await apollo.start();

  // Refuses an oversized query text before Apollo parses it.
  app.addHook('preHandler', async (request, reply) => {
    if (request.routeOptions.url !== '/graphql') return;
    const query = queryText(request);
    if (typeof query === 'string' && Buffer.byteLength(query, 'utf8') > LIMITS.maxDocumentBytes) {
      const error = tooComplex(`The query text is over ${LIMITS.maxDocumentBytes} bytes`);
      return reply.code(400).send({ errors: [{ message: error.message, extensions: { ...error.extensions, requestId: request.id } }] });
    }
  });

  await app.register(fastifyApollo(apollo), {
    path: '/graphql',
    context: async (request: FastifyRequest, reply: FastifyReply): Promise<GatewayContext> => {
      let client: ClientApp;
      try {
        client = authenticate(options.clients, request.headers.authorization);
        await enforceRateLimit(state, client, logger);
      } catch (error) {
        // Refused before Apollo's plugins run: give the error the request id here.
        if (error instanceof GraphQLError) Object.assign(error.extensions, { requestId: request.id });
        throw error;
      }
      // Upstream calls stop when the client leaves or the request's deadline passes.
      const scope = requestLogScope.getStore();
      if (scope) scope.client = client.name;
      // The request's log lines get its id and client from the scope: no child logger per request.
      return contextFor(client, request.id, requestSignal(reply, config.requestDeadlineMs), logger);
    },
  });

  await registerWebhooks(app, config.providers, providers, {
    events,
    dedupe: state.dedupe,
    logger,
    onOutcome: (provider, outcome) => metrics.webhooks.inc({ provider, outcome }),
  });

  const subscriptions = createSubscriptionServer({
    schema,
    production: config.production,
    authenticate: (authorization) => authenticate(options.clients, authorization),
    // A subscription lives long: its upstream calls are not tied to one HTTP request.
    context: (client, requestId) => contextFor(client, requestId, new AbortController().signal, logger.child({ requestId, client: client.name })),
  });
  app.server.on('upgrade', (request, socket, head) => {
    if (new URL(request.url ?? '/', 'http://gateway').pathname === '/graphql') subscriptions.handleUpgrade(request, socket, head);
    else socket.destroy();
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/metrics', async (_request, reply) => reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics()));
  app.get('/readyz', async (_request, reply) => {
    const reachable = await state.reachable();
    return reply.code(reachable ? 200 : 503).send({
      status: reachable ? 'ready' : 'unavailable',
      state: { kind: state.kind, reachable },
      providers: providers.breakerStates(),
    });
  });

  return {
    app,
    metrics,
    providers,
    events,
    state,
    close: async () => {
      await subscriptions.close();
      await app.close();
      await providers.close();
      if (!options.state) await state.close();
    },
  };
}

/**
 * The request's upstream calls stop when its client disconnects before the response is complete, or
 * when its deadline passes. One controller and one timer per request (AbortSignal.any and
 * AbortSignal.timeout cost far more on the hot path).
 */
function requestSignal(reply: FastifyReply, deadlineMs: number): AbortSignal {
  const controller = new AbortController();
  const deadline = setTimeout(() => controller.abort(), deadlineMs);
  deadline.unref();
  reply.raw.once('close', () => {
    clearTimeout(deadline);
    if (!reply.raw.writableFinished) controller.abort();
  });
  return controller.signal;
}
