/**
 * What the doors that may stream results share — GraphQL over WebSocket (src/subscriptions.ts) and
 * GraphQL over Server-Sent Events (src/sse.ts): both hand the operation pipeline an `OperationRequest`
 * (`open`), let their library run it on the pipeline's executor (`execute`), and hand back each
 * result (`answer`); see src/graphql/pipeline.ts for the steps.
 */
import type { ExecutionArgs, GraphQLSchema } from 'graphql';
import type { GatewayContext } from '../context.js';
import type { Operation, OperationPipeline } from './pipeline.js';

/** The answer to a subscription sent where results cannot stream (a plain JSON POST): where to send it. */
export const SUBSCRIPTION_TRANSPORTS =
  'Subscriptions need a streaming transport: GraphQL over WebSocket (graphql-ws) at ws(s)://…/graphql, or Server-Sent Events: POST /graphql with Accept: text/event-stream (docs/subscriptions.md)';

export interface StreamedOptions {
  schema: GraphQLSchema;
  pipeline: OperationPipeline;
}

/** What a streaming library runs for an opened operation; its `execute`/`subscribe` are the pipeline's (`executeArgs`). */
export function executionArgs(schema: GraphQLSchema, operation: Operation): ExecutionArgs & { contextValue: GatewayContext } {
  return {
    schema,
    document: operation.document!,
    // A held document has one operation: the name a client sends with it changes nothing.
    operationName: operation.trusted ? undefined : operation.request.operationName,
    variableValues: operation.variables,
    contextValue: operation.ctx!,
  };
}
