/**
 * The gateway's HTTP surface: Apollo Server 5 on Fastify at /graphql (with the EXPLORER page, see
 * src/explorer/), CORS for configured origins, CSRF prevention, a request id
 * on every request (accepted from X-Request-Id when well-formed, echoed back), /healthz and /readyz.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import cors from '@fastify/cors';
import { ApolloServer, type ApolloServerPlugin, type GraphQLRequestListener } from '@apollo/server';
import fastifyApollo, { fastifyApolloDrainPlugin } from '@as-integrations/fastify';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginUsageReportingDisabled,
  ApolloServerPluginSchemaReportingDisabled,
} from '@apollo/server/plugin/disabled';
import type { Config } from './config.js';
import { RequestContext, type GatewayContext, type GatewayServices } from './context.js';
import type { CancelSignal } from './cancellation.js';
import { OperationPipeline, requestIdFrom, withRequestId } from './graphql/pipeline.js';
import { answerNonJsonBodiesAsGraphQL } from './graphql/bad-request.js';
import { jitGateway } from './graphql/jit.js';
import { forRequest, type Logger } from './logging.js';
import { ProviderRegistry } from './providers/registry.js';
import { buildGatewaySchema } from './schema.js';
import { memoryState, type SharedState } from './state/index.js';
import type { ClientApp, ClientRegistry } from './auth/clients.js';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { EventBus } from './events/bus.js';
import { createSubscriptionServer } from './subscriptions.js';
import { Metrics } from './observability/metrics.js';
import { registerWebhooks } from './webhooks/routes.js';
import { explorerCorsOrigins, explorerLandingPage, registerExplorer } from './explorer/index.js';

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

/** What a response without errors appends: shared, so a clean response allocates nothing for them. */
const NO_ERRORS: readonly GraphQLFormattedError[] = Object.freeze([]);

/**
 * The operation pipeline's steps that run inside Apollo, in one plugin whose listeners are shared by
 * all requests (each plugin and each listener object costs every request): the scope check before
 * anything runs, logging of unexpected errors, the partial errors resolvers collected (a failing
 * provider inside `accounts`), the request id on every error, and the operation's metrics.
 */
function gatewayPlugin(pipeline: OperationPipeline): ApolloServerPlugin<GatewayContext> {
  const listeners: GraphQLRequestListener<GatewayContext> = {
    async didResolveOperation({ operation, contextValue }) {
      const refusal = operation && pipeline.authorize(contextValue.client, operation);
      if (refusal) throw refusal;
    },
    async didEncounterErrors({ errors, contextValue }) {
      pipeline.logUnexpected(errors, contextValue);
    },
    async willSendResponse({ response, contextValue, operation, operationName }) {
      if (response.body.kind !== 'single') return;
      const result = response.body.singleResult;
      const { requestId, partialErrors } = contextValue;
      // Apollo formatted its own errors; the partial ones are formatted (with the id) by the pipeline.
      const own = result.errors?.map((error) => withRequestId(error, requestId)) ?? NO_ERRORS;
      const partial = partialErrors.length > 0 ? pipeline.formatErrors(partialErrors, requestId, contextValue) : NO_ERRORS;
      if (own.length + partial.length > 0) result.errors = [...own, ...partial];
      pipeline.done(contextValue, operationName, operation?.operation, own.length + partial.length > 0);
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
    breaker: { windowMs: config.breakerWindowMs, minimumCalls: config.breakerMinCalls, halfOpenAfterMs: config.breakerProbeIntervalMs },
    hooks: metrics.transportHooks(),
    onRenewed: (provider) => metrics.renewed(provider),
    onWireSurprise: (surprise) => metrics.wireSurprise(surprise),
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
    genReqId: (request) => requestIdFrom(request.headers['x-request-id']),
  });
  app.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });
  answerNonJsonBodiesAsGraphQL(app);
  await app.register(cors, {
    origin: [...explorerCorsOrigins(config), ...config.corsOrigins],
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: ['content-type', 'authorization', 'apollo-require-preflight', 'x-apollo-operation-name', 'x-request-id'],
    exposedHeaders: ['x-request-id'],
    maxAge: 600,
  });

  const pipeline = new OperationPipeline({
    schema,
    production: config.production,
    clients: options.clients,
    state,
    logger,
    metrics,
    requestDeadlineMs: config.requestDeadlineMs,
  });
  const apollo = new ApolloServer<GatewayContext>({
    // The schema, with queries executed by graphql-jit (src/graphql/jit.ts).
    gateway: jitGateway(schema),
    // Introspection is refused in production by the pipeline's validation rules, on every transport.
    introspection: true,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    validationRules: [...pipeline.validationRules],
    parseOptions: pipeline.parseOptions,
    includeStacktraceInErrorResponses: !config.production,
    formatError: pipeline.format,
    plugins: [
      fastifyApolloDrainPlugin(app),
      explorerLandingPage(config, { keysRequired: options.clients !== undefined }),
      // Unused Apollo machinery costs time on every request: switch it off explicitly.
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
      gatewayPlugin(pipeline),
    ],
  });
  await apollo.start();

  await app.register(fastifyApollo(apollo), {
    path: '/graphql',
    context: async (request: FastifyRequest, reply: FastifyReply): Promise<GatewayContext> => {
      // Apollo builds the context before it parses the query: the pipeline's admission runs here.
      let client: ClientApp;
      try {
        client = await pipeline.admitRequest(request.headers.authorization, queryText(request), request.id);
      } catch (error) {
        if (!(error instanceof GraphQLError)) forRequest(logger, request.id).error({ err: error }, 'unexpected error while admitting a request');
        throw error;
      }
      // Upstream calls stop when the client leaves or the request's deadline passes.
      return contextFor(client, request.id, requestSignal(reply, pipeline));
    },
  });

  await registerExplorer(app, config);
  await registerWebhooks(app, config.providers, providers, {
    events,
    dedupe: state.dedupe,
    rateLimiter: state.rateLimiter,
    confirmRateLimit: config.webhookConfirmRate,
    logger,
    onOutcome: (provider, outcome) => metrics.webhooks.inc({ provider, outcome }),
  });

  const subscriptions = createSubscriptionServer({ schema, pipeline, context: contextFor });
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
 * when its deadline passes (the pipeline's deadline: one light Cancellation and one timer per request).
 */
function requestSignal(reply: FastifyReply, pipeline: OperationPipeline): CancelSignal {
  const deadline = pipeline.deadline();
  reply.raw.once('close', () => {
    if (reply.raw.writableFinished) deadline.done();
    else deadline.cancel();
  });
  return deadline.signal;
}
