/**
 * The gateway's HTTP surface: Apollo Server 5 on Fastify at /graphql (Apollo Sandbox landing page
 * outside production), CORS for Apollo Sandbox and configured origins, CSRF prevention, a request id
 * on every request (accepted from X-Request-Id when well-formed, echoed back), /healthz and /readyz.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import cors from '@fastify/cors';
import { randomUUID } from 'node:crypto';
import { ApolloServer, type ApolloServerPlugin, type GraphQLRequestListener } from '@apollo/server';
import fastifyApollo, { fastifyApolloDrainPlugin } from '@as-integrations/fastify';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled, ApolloServerPluginUsageReportingDisabled, ApolloServerPluginSchemaReportingDisabled } from '@apollo/server/plugin/disabled';
import type { Config } from './config.js';
import { RequestContext, type GatewayContext, type GatewayServices } from './context.js';
import { Cancellation, NEVER_CANCELLED, type CancelSignal } from './cancellation.js';
import { formatError, unexpectedErrors } from './graphql/errors.js';
import { answerNonJsonBodiesAsGraphQL } from './graphql/bad-request.js';
import { forRequest, type Logger } from './logging.js';
import { ProviderRegistry } from './providers/registry.js';
import { buildGatewaySchema } from './schema.js';
import { memoryState, type SharedState } from './state/index.js';
import type { ClientApp, ClientRegistry } from './auth/clients.js';
import { authenticate, enforceRateLimit, missingScopes } from './auth/requests.js';
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

/** QUERY_TOO_COMPLEX (HTTP 400) for a query text over the size limit, before Apollo parses it. */
function refuseOversizedQuery(request: FastifyRequest): void {
  const query = queryText(request);
  // Cheap first: a string shorter in UTF-16 units than the limit / 3 cannot be over it in UTF-8 bytes.
  if (typeof query !== 'string' || query.length * 3 <= LIMITS.maxDocumentBytes) return;
  if (Buffer.byteLength(query, 'utf8') > LIMITS.maxDocumentBytes) {
    const error = tooComplex(`The query text is over ${LIMITS.maxDocumentBytes} bytes`);
    Object.assign(error.extensions, { http: { status: 400 } });
    throw error;
  }
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
 * Everything the gateway does around each operation, in one plugin whose listeners are shared by all
 * requests (each plugin and each listener object costs every request):
 * - refuses an operation whose root fields need a scope the client lacks, before anything runs;
 * - logs the original of every error masked as INTERNAL_SERVER_ERROR, with the request's id;
 * - appends the partial errors resolvers collected (a failing provider inside `accounts`) and adds the
 *   request id to every error of the response, so a client can quote it to us;
 * - counts and times the operation.
 */
function gatewayPlugin(format: ReturnType<typeof formatError>, metrics: Metrics, production: boolean): ApolloServerPlugin<GatewayContext> {
  const logUnexpected = (errors: readonly GraphQLError[], ctx: GatewayContext) => {
    for (const err of unexpectedErrors(errors, production)) ctx.logger.error({ err }, 'unexpected error while resolving');
  };
  const listeners: GraphQLRequestListener<GatewayContext> = {
    async didResolveOperation({ operation, contextValue }) {
      const refusal = operation && missingScopes(contextValue.client, operation);
      if (refusal) throw refusal;
    },
    async didEncounterErrors({ errors, contextValue }) {
      logUnexpected(errors, contextValue);
    },
    async willSendResponse({ response, contextValue, operation, operationName }) {
      if (response.body.kind !== 'single') return;
      const result = response.body.singleResult;
      const partial = contextValue.partialErrors;
      if (partial.length > 0) {
        logUnexpected(partial, contextValue);
        result.errors = [...(result.errors ?? []), ...partial.map((error) => format(error.toJSON(), error))];
      }
      metrics.operationDone(contextValue, operationName, operation?.operation, result.errors !== undefined && result.errors.length > 0);
      if (!result.errors) return;
      result.errors = result.errors.map((error) => ({
        ...error,
        extensions: { ...error.extensions, requestId: contextValue.requestId },
      }));
    },
  };
  return { requestDidStart: async () => listeners };
}

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
  const services: GatewayServices = { config, idempotency, events, cache, metrics, providers, logger };
  const contextFor = (client: ClientApp, requestId: string, signal: CancelSignal): GatewayContext => new RequestContext(services, client, requestId, signal);

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
  app.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });
  answerNonJsonBodiesAsGraphQL(app);
  await app.register(cors, {
    origin: [...APOLLO_SANDBOX_ORIGINS, ...config.corsOrigins],
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: ['content-type', 'authorization', 'apollo-require-preflight', 'x-apollo-operation-name', 'x-request-id'],
    exposedHeaders: ['x-request-id'],
    maxAge: 600,
  });

  const format = formatError({ production: config.production });
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
      gatewayPlugin(format, metrics, config.production),
    ],
  });
  await apollo.start();

  await app.register(fastifyApollo(apollo), {
    path: '/graphql',
    context: async (request: FastifyRequest, reply: FastifyReply): Promise<GatewayContext> => {
      // Apollo builds the context before it parses the query: the checks that refuse a request whole
      // run here, cheapest first.
      let client: ClientApp;
      try {
        refuseOversizedQuery(request);
        client = authenticate(options.clients, request.headers.authorization);
        await enforceRateLimit(state, client, logger, request.id);
      } catch (error) {
        // Refused before Apollo's plugins run: give the error the request id here.
        if (error instanceof GraphQLError) Object.assign(error.extensions, { requestId: request.id });
        else forRequest(logger, request.id).error({ err: error }, 'unexpected error while admitting a request');
        throw error;
      }
      // Upstream calls stop when the client leaves or the request's deadline passes.
      return contextFor(client, request.id, requestSignal(reply, config.requestDeadlineMs));
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
    context: (client, requestId) => contextFor(client, requestId, NEVER_CANCELLED),
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
 * when its deadline passes: one light Cancellation and one timer per request (see cancellation.ts).
 */
function requestSignal(reply: FastifyReply, deadlineMs: number): CancelSignal {
  const cancellation = new Cancellation();
  const deadline = setTimeout(() => cancellation.abort(), deadlineMs);
  deadline.unref();
  reply.raw.once('close', () => {
    clearTimeout(deadline);
    if (!reply.raw.writableFinished) cancellation.abort();
  });
  return cancellation;
}
