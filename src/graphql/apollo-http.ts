/**
 * The door for query texts over HTTP that the gateway does not hold yet (a held text runs without
 * Apollo: src/graphql/persisted-http.ts), and for whatever Apollo answers in its own words: Apollo
 * Server 5 keeps the HTTP side (body and query string,
 * content negotiation, CSRF prevention, parse and validate with the pipeline's `parseOptions` and
 * `validationRules`, its error formatting with the pipeline's `format`), and every other step is the
 * operation pipeline's (src/graphql/pipeline.ts), called from Apollo's hooks:
 *
 * - `context` (before Apollo parses): `open` — admission, the context, the app's document policy;
 * - `didResolveOperation`: `authorize` with the parsed operation and its variables (a subscription,
 *   which a JSON answer cannot carry, is refused with where to send it); the text, valid, is held from
 *   then on;
 * - the gateway hook's executor: the pipeline's one executor (src/graphql/executor.ts);
 * - `willSendResponse`: `answerFormatted` — the partial errors, the request id on every error, the
 *   done hooks (tracing, metrics).
 *
 * With tracing on, a recorded operation also gets spans for Apollo's parse and validate phases.
 */
import type { ApolloServerOptionsWithGateway, ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GraphQLError } from 'graphql';
import type { GatewayContext } from '../context.js';
import { startOperation, startSpan, type Traced } from '../observability/tracing.js';
import { legacyStatus } from './http-errors.js';
import { endPhase } from './traced-fields.js';
import { chooseContentType, onClientGone } from './persisted-http.js';
import type { OperationPipeline } from './pipeline.js';
import { SUBSCRIPTION_TRANSPORTS } from './streamed.js';

type Gateway = NonNullable<ApolloServerOptionsWithGateway<object>['gateway']>;

/** The query text of a GraphQL request (POST body or GET query string), for the size limit and the policy. */
function queryText(request: FastifyRequest): unknown {
  const source = request.method === 'GET' ? request.query : request.body;
  return source && typeof source === 'object' && 'query' in source ? source.query : undefined;
}

/** Apollo's context function: the pipeline's admission and document policy; a refusal is thrown as Apollo expects. */
export function apolloContext(pipeline: OperationPipeline) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<GatewayContext> => {
    // The operation's span (its parent the client's traceparent, when it sent one).
    const trace = startOperation(request.headers, request.id, 'http');
    const opened = await pipeline.open({
      door: 'http',
      requestId: request.id,
      trace,
      authorization: request.headers.authorization,
      query: queryText(request),
      parsesText: true,
      // Upstream calls stop when the client leaves before the response is complete.
      gone: (cancel) => onClientGone(reply, cancel),
    });
    if (!opened.ok) throw opened.errors[0];
    return opened.operation.ctx!;
  };
}

/** Apollo's gateway hook, the one supported way to replace its `execute`: the pipeline's executor. */
export function executorGateway(pipeline: OperationPipeline): Gateway {
  const executor: Awaited<ReturnType<Gateway['load']>>['executor'] = (requestContext) =>
    pipeline.executor.execute({
      hash: requestContext.queryHash,
      textLength: requestContext.source.length,
      document: requestContext.document,
      operationName: requestContext.request.operationName,
      variables: requestContext.request.variables,
      contextValue: requestContext.context as GatewayContext,
    });
  let listeners: Parameters<Gateway['onSchemaLoadOrUpdate']>[0][] = [];
  const schema = pipeline.executor.schema;
  return {
    onSchemaLoadOrUpdate(callback) {
      listeners.push(callback);
      return () => {
        listeners = listeners.filter((l) => l !== callback);
      };
    },
    async load() {
      for (const listener of listeners) listener({ apiSchema: schema, coreSupergraphSdl: '' });
      return { executor };
    },
    async stop() {
      listeners = [];
    },
  };
}

/**
 * The pipeline's steps that run inside Apollo, in one plugin whose listeners are shared by all
 * requests (each plugin and each listener object costs every request).
 */
export function pipelinePlugin(pipeline: OperationPipeline, traced: boolean): ApolloServerPlugin<GatewayContext> {
  const listeners: GraphQLRequestListener<GatewayContext> = {
    async didResolveOperation({ operation, document, request, contextValue, source, queryHash }) {
      // A plain JSON answer cannot carry a stream of events: say which transports can.
      if (operation?.operation === 'subscription')
        throw new GraphQLError(SUBSCRIPTION_TRANSPORTS, { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
      const refusal = operation && pipeline.authorize(contextValue, document, operation, request.variables, { source, hash: queryHash });
      if (refusal) throw refusal;
    },
    async didEncounterErrors({ errors, contextValue }) {
      pipeline.logUnexpected(errors, contextValue);
    },
    async willSendResponse({ request, response, contextValue, operation }) {
      if (response.body.kind !== 'single') return;
      const result = response.body.singleResult;
      const errors = pipeline.answerFormatted(contextValue, result.errors, operation?.operation);
      if (!errors) return;
      result.errors = errors;
      // A legacy application/json client reads a parse, validation or coercion failure from a 200.
      if (response.http.status === 400)
        response.http.status = legacyStatus(400, chooseContentType(request.http?.headers.get('accept')), errors, result.data !== undefined);
    },
  };
  if (!traced) return { requestDidStart: async () => listeners };
  // With tracing on, a recorded (sampled) operation also gets spans for Apollo's parse and validate;
  // the others keep the shared listeners (Apollo calls every hook a listener has, at a cost).
  const tracing = tracingListeners(listeners);
  return { requestDidStart: async ({ contextValue }) => (contextValue.trace?.span?.isRecording() ? tracing : listeners) };
}

/**
 * The phase spans Apollo alone has, for a recorded operation it parses: `graphql.parse` and
 * `graphql.validate`, children of its span (execution and root fields have theirs at every door:
 * src/graphql/traced-fields.ts).
 */
function tracingListeners(base: GraphQLRequestListener<GatewayContext>): GraphQLRequestListener<GatewayContext> {
  const phase = (name: string, trace: Traced | undefined) => {
    const span = startSpan(name, trace?.context);
    return async (error?: unknown) => endPhase(span, Array.isArray(error) ? error[0] : error);
  };
  return {
    ...base,
    async parsingDidStart({ contextValue }) {
      return phase('graphql.parse', contextValue.trace);
    },
    async validationDidStart({ contextValue }) {
      return phase('graphql.validate', contextValue.trace);
    },
  };
}
