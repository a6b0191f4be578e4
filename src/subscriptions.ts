/**
 * GraphQL over WebSocket (graphql-ws, `graphql-transport-ws`) on the gateway's own HTTP server at
 * /graphql. A connection presents the same API key as HTTP — `connectionParams.authorization`
 * ("Bearer <key>") or the upgrade request's Authorization header — and each operation is held to the
 * same scopes. Connections without a valid key are closed with 4403.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { getOperationAST, parse, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { ClientApp } from './auth/clients.js';
import { missingScopes } from './auth/requests.js';
import type { GatewayContext } from './context.js';

/** Largest message a client may send (a subscription document and its variables). */
export const WS_MAX_PAYLOAD = 64 * 1024;

export interface SubscriptionServerOptions {
  schema: GraphQLSchema;
  /** The client for a key (or the open-access client); throws when the key is missing or unknown. */
  authenticate(authorization: string | undefined): ClientApp;
  /** The context of one operation. */
  context(client: ClientApp, requestId: string): GatewayContext;
  production: boolean;
}

export interface SubscriptionServer {
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): Promise<void>;
}

/** What this server keeps on each connection, beside graphql-ws's own `request` and `socket`. */
type Extra = { request: IncomingMessage; client?: ClientApp } & Record<PropertyKey, unknown>;

export function createSubscriptionServer(options: SubscriptionServerOptions): SubscriptionServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_PAYLOAD });
  let counter = 0;
  const disposable = useServer<Record<string, unknown> | undefined, Extra>(
    {
      schema: options.schema,
      isProd: options.production,
      onConnect: (ctx) => {
        const fromParams = ctx.connectionParams?.authorization;
        const authorization = typeof fromParams === 'string' ? fromParams : ctx.extra.request.headers.authorization;
        try {
          (ctx.extra as Extra).client = options.authenticate(authorization);
          return true;
        } catch {
          return false;
        }
      },
      onSubscribe: (ctx, _id, payload) => {
        const client = (ctx.extra as Extra).client!;
        let operation;
        try {
          operation = getOperationAST(parse(payload.query), payload.operationName);
        } catch {
          return undefined; // graphql-ws reports the syntax error itself
        }
        if (!operation) return undefined;
        const refusal = missingScopes(client, operation);
        return refusal ? [refusal] : undefined;
      },
      context: (ctx) => options.context((ctx.extra as Extra).client!, `ws-${++counter}`),
    },
    wss,
  );

  return {
    handleUpgrade(request, socket, head) {
      wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
    },
    async close() {
      await disposable.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
