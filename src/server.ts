/**
 * The gateway's HTTP surface: Apollo Server 5 on Fastify at /graphql (with the EXPLORER page, see
 * src/explorer/), documents sent by id and texts it holds run without Apollo (src/graphql/persisted-http.ts), CORS for
 * configured origins, a request id on every request (accepted from X-Request-Id when
 * well-formed, echoed back), every refusal in the GraphQL-over-HTTP error shape
 * (src/graphql/http-errors.ts), /healthz (also at /.well-known/apollo/server-health) and /readyz.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import cors from '@fastify/cors';
import { ApolloServer } from '@apollo/server';
import { fastifyApolloDrainPlugin, fastifyApolloHandler } from '@as-integrations/fastify';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginUsageReportingDisabled,
  ApolloServerPluginSchemaReportingDisabled,
} from '@apollo/server/plugin/disabled';
import type { Config } from './config.js';
import { RequestContext, type GatewayContext, type GatewayServices } from './context.js';
import type { CancelSignal } from './cancellation.js';
import { OperationPipeline, requestIdFrom, type Step } from './graphql/pipeline.js';
import { persistedDocumentsHandler } from './graphql/persisted-http.js';
import { apolloContext, executorGateway, pipelinePlugin } from './graphql/apollo-http.js';
import type { Executor, ExecutorOptions } from './graphql/executor.js';
import { ClientsReloader, type ReloadOutcome } from './graphql/clients-reload.js';
import { answerRefusalsAsGraphQL } from './graphql/http-errors.js';
import type { Logger } from './logging.js';
import { ProviderRegistry } from './providers/registry.js';
import { buildGatewaySchema } from './schema.js';
import { activityPricing } from './modules/activity/activity.resolver.js';
import { unknownCashoutWatch } from './modules/cashouts/cashout.watch.js';
import { memoryState, type SharedState } from './state/index.js';
import type { ClientApp, ClientRegistry } from './auth/clients.js';
import type { EventBus } from './events/bus.js';
import { createSubscriptionServer } from './subscriptions.js';
import { createSseServer } from './sse.js';
import { Metrics, type Door } from './observability/metrics.js';
import { activeTracer, type Traced } from './observability/tracing.js';
import { registerWebhooks } from './webhooks/routes.js';
import { WebhookDeliveries } from './webhooks/deliveries.js';
import { pollBudget, Watcher } from './events/watcher.js';
import { paymentWatch } from './events/watch-kinds.js';
import { explorerCorsOrigins, explorerLandingPage, registerExplorer } from './explorer/index.js';
import { registerActivityExport } from './exports/activity-csv.js';

export interface GatewayOptions {
  config: Config;
  logger: Logger;
  /** Shared state: in memory by default, Redis-backed for several replicas. Closed by the caller. */
  state?: SharedState;
  /**
   * Client apps from CLIENTS_FILE; without them access is open (refused in production by config). Their
   * manifests are read and compiled at start (a ClientsFileError when one cannot be used).
   */
  clients?: ClientRegistry;
  /** The CLIENTS_FILE path, for `reloadClients()` (SIGHUP) and, with `watchClients`, reloads on change. */
  clientsFile?: string;
  /** Reload when CLIENTS_FILE or a manifest changes on disk (fs.watch on their folders). */
  watchClients?: boolean;
  metrics?: Metrics;
  /** The pipeline's steps, from the gateway's own (src/graphql/steps/index.ts): tests add one here. */
  steps?: (steps: readonly Step[]) => readonly Step[];
  /** The executor's plan cache and engines (src/graphql/executor.ts). */
  executor?: ExecutorOptions;
}

export interface Gateway {
  app: FastifyInstance;
  metrics: Metrics;
  providers: ProviderRegistry;
  events: EventBus;
  state: SharedState;
  /** The executor every door's operations run on (its plans, by document hash). */
  executor: Executor;
  /** Re-reads created objects until final (src/events/watcher.ts); started with the gateway, stopped by `close`. */
  watcher: Watcher;
  /**
   * Reads CLIENTS_FILE and its manifests again and swaps them in whole; a file that cannot be used keeps
   * the tables in force (the outcome lists why). Without `clientsFile`: nothing to reload.
   */
  reloadClients(): Promise<ReloadOutcome>;
  /** Stops accepting, drains in-flight operations, closes provider connections. */
  close(): Promise<void>;
}

/** The largest HTTP request body (1 MiB). */
const BODY_LIMIT = 1024 * 1024;

export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const { config, logger } = options;
  const state = options.state ?? memoryState(config.eventLog);
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
  // Created objects that may still change are re-read until final (a lost notification is found).
  const watcher = new Watcher({
    store: state.watches,
    dedupe: state.dedupe,
    events,
    rateLimiter: state.rateLimiter,
    logger,
    providers: () => providers.configured,
    intervalMs: config.pendingPoll.intervalMs,
    maxIntervalMs: config.pendingPoll.maxIntervalMs,
    budget: pollBudget(config.pendingPoll.perMinute),
    onReread: (provider, kind, outcome) => metrics.watchRereads.inc({ provider, kind, outcome }),
    onWatch: (kind, outcome) => metrics.watches.inc({ kind, outcome }),
  })
    .register(paymentWatch(providers))
    .register(unknownCashoutWatch({ providers, idempotency: state.idempotency, events: state.events, logger, upstreamTimeoutMs: config.upstreamTimeoutMs }));
  const services: GatewayServices = { config, idempotency, events, watches: watcher, cache, metrics, providers, logger };
  const contextFor = (client: ClientApp, requestId: string, signal: CancelSignal, trace?: Traced, door: Door = 'http'): GatewayContext =>
    new RequestContext(services, client, requestId, signal, trace, door);

  const app = Fastify({
    logger: false,
    // On close: idle keep-alive sockets go at once, requests in flight finish.
    forceCloseConnections: 'idle',
    bodyLimit: BODY_LIMIT,
    requestIdHeader: false,
    genReqId: (request) => requestIdFrom(request.headers['x-request-id']),
  });
  app.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });
  answerRefusalsAsGraphQL(app, { logger, bodyLimit: BODY_LIMIT });
  await app.register(cors, {
    origin: [...explorerCorsOrigins(config), ...config.corsOrigins],
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: ['content-type', 'authorization', 'apollo-require-preflight', 'x-apollo-operation-name', 'x-request-id', 'traceparent', 'tracestate'],
    exposedHeaders: ['x-request-id', 'content-disposition'],
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
    pricing: activityPricing(providers),
    apqMaxBytes: config.apqMaxBytes,
    context: contextFor,
    steps: options.steps,
    executor: options.executor,
  });
  // Webhooks to client apps: their endpoints come with every CLIENTS_FILE put in force.
  const deliveries = new WebhookDeliveries({
    events,
    positions: state.webhookPositions,
    logger,
    ...config.webhookDelivery,
    onOutcome: (client, endpoint, outcome) => metrics.webhookDeliveries.inc({ client, endpoint, outcome }),
    onBacklog: (client, endpoint, waiting) => metrics.webhookBacklog.set({ client, endpoint }, waiting),
  });
  const reloader = new ClientsReloader({
    pipeline,
    file: options.clientsFile,
    production: config.production,
    logger,
    metrics,
    allowHttpWebhooks: config.webhookDelivery.allowHttp,
    onApply: (registry) => deliveries.update(registry.webhookApps),
  });
  // The manifests are read and compiled now: a gateway never starts with a manifest it cannot serve.
  if (options.clients) reloader.apply(await reloader.build(options.clients));
  const apollo = new ApolloServer<GatewayContext>({
    // The schema, with operations run by the pipeline's executor (src/graphql/executor.ts).
    gateway: executorGateway(pipeline),
    // Documents by id (documentId, APQ) are resolved before Apollo sees them (persisted-http.ts), with
    // each client app's policy; Apollo's own APQ, one cache anyone may register in, stays off.
    persistedQueries: false,
    // Introspection is refused in production by the pipeline's validation rules, on every transport.
    introspection: true,
    // No CSRF prevention: the API key travels in the Authorization header, which a cross-site "simple"
    // request cannot carry, and a GET never runs a mutation; so a form-encoded GET (the GraphQL-over-HTTP
    // spec's) is served (docs/graphql-clients.md).
    csrfPrevention: false,
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
      pipelinePlugin(pipeline, activeTracer() !== undefined),
    ],
  });
  await apollo.start();

  const apolloHandler = fastifyApolloHandler(apollo, { context: apolloContext(pipeline) });
  const persisted = persistedDocumentsHandler({
    pipeline,
    apollo: apolloHandler as (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>,
  });
  const sse = createSseServer({ schema, pipeline, logger });
  app.route({
    method: ['GET', 'POST', 'OPTIONS'],
    url: '/graphql',
    handler: async function graphqlRoute(request, reply) {
      // GraphQL over SSE (src/sse.ts): a POST preferring text/event-stream, before Apollo sees it.
      if (sse.accepts(request)) return sse.handle(request, reply);
      return persisted.call(this, request, reply);
    },
  });
  if (options.watchClients) reloader.watch();

  await registerExplorer(app, config);
  await registerWebhooks(app, config.providers, providers, {
    events,
    dedupe: state.dedupe,
    rateLimiter: state.rateLimiter,
    confirmRateLimit: config.webhookConfirmRate,
    logger,
    onOutcome: (provider, outcome) => metrics.webhooks.inc({ provider, outcome }),
  });

  // The activity feed as CSV, streamed: same key, rate limit and `read` scope as GraphQL.
  registerActivityExport(app, { pipeline, providers, logger, metrics, maxProviderCalls: config.maxProviderCallsPerOperation });

  const subscriptions = createSubscriptionServer({ schema, pipeline, metrics });
  app.server.on('upgrade', (request, socket, head) => {
    if (new URL(request.url ?? '/', 'http://gateway').pathname === '/graphql') subscriptions.handleUpgrade(request, socket, head);
    else socket.destroy();
  });

  watcher.start();

  // Liveness, also at the path Apollo-aware tools (load balancers, Apollo's own checks) probe.
  const alive = async () => ({ status: 'ok' });
  app.get('/healthz', alive);
  app.get('/.well-known/apollo/server-health', alive);
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
    executor: pipeline.executor,
    watcher,
    reloadClients: () => reloader.reload(),
    close: async () => {
      reloader.close();
      await subscriptions.close();
      await sse.close();
      await app.close();
      // After the requests (a createPayment in flight still watches its payment), before the providers.
      await watcher.stop();
      await deliveries.stop();
      await providers.close();
      if (!options.state) await state.close();
    },
  };
}
