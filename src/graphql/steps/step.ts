/**
 * What a step of the operation pipeline is (src/graphql/steps/index.ts lists them in order), and what
 * it sees: one operation as a door handed it over, then what the pipeline learnt about it. A step is
 * one concern — a protection, tracing, metrics — with a hook for each phase it takes part in, the way
 * envelop and Hive Gateway compose plugins; the pipeline (src/graphql/pipeline.ts) calls the hooks of
 * every step in list order, for every door.
 */
import type { DocumentNode, GraphQLError, OperationDefinitionNode, OperationTypeNode } from 'graphql';
import type { ClientApp, Scope, TrustedDocument } from '../../auth/clients.js';
import type { GatewayContext } from '../../context.js';
import type { Traced } from '../../observability/tracing.js';

/** The doors an operation comes in by. */
export type Door = 'http' | 'by-id' | 'websocket' | 'sse' | 'export';

/** What a door hands the pipeline for one operation: its wire's fields, nothing of the wire itself. */
export interface OperationRequest {
  door: Door;
  requestId: string;
  /** The operation's trace, started by the door (its parent is what the client's wire carried). */
  trace?: Traced;
  /** The Authorization value sent with the request (not used when `client` is given). */
  authorization?: string;
  /** The client app of an authenticated connection (graphql-ws authenticates once per socket). */
  client?: ClientApp;
  query?: unknown;
  documentId?: unknown;
  extensions?: unknown;
  operationName?: string | null;
  variables?: unknown;
  /**
   * A door that parses and validates query texts itself (Apollo Server): the pipeline resolves the
   * document policy only, and the door hands over the parsed operation (`authorize`) and the result.
   */
  parsesText?: boolean;
  /**
   * A refusal of the door's own wire (an Accept it cannot answer, a CSRF suspect), answered through the
   * pipeline before admission, so it is traced and carries the ids like any other refusal.
   */
  wireError?: GraphQLError;
  /** How the door reports its client leaving: it is handed the operation's cancel once there is one. */
  gone?: (cancel: () => void) => void;
  /** The operation types the door can carry: an error to refuse any other with (a mutation over GET). */
  accepts?: (type: OperationTypeNode) => GraphQLError | undefined;
  /** A door that runs no GraphQL document (the CSV export): its name and type for metrics and the scopes it needs. */
  action?: {
    name: string;
    type: 'query';
    scopes: readonly Scope[];
    /** Runs as long as its client keeps reading (a streamed file): no request deadline. */
    unbounded?: boolean;
  };
}

/** One operation in the pipeline. */
export interface Operation {
  readonly request: OperationRequest;
  /** Known after admission (the `authentication` step, or the connection's). */
  client?: ClientApp;
  /** The operation's context, made once it is admitted. */
  ctx?: GatewayContext;
  /** Known once the document is resolved and parsed. */
  document?: DocumentNode;
  definition?: OperationDefinitionNode;
  /** The held document it runs (by id, APQ, or a text that is one of the app's documents). */
  trusted?: TrustedDocument;
  /** The variables' values (JSON object, or undefined). */
  variables?: Readonly<Record<string, unknown>> | null;
}

/**
 * An admitted operation about to run, what `authorize` hooks see: its document and operation known —
 * or, for a door that runs no document (`request.action`), neither.
 */
export type Admitted = Operation & { client: ClientApp };

/** How an operation ended, for the `done` hooks. */
export interface Outcome {
  /** The operation's name and type, when known. */
  name?: string | null;
  type?: string;
  failed: boolean;
  /** Refused before it ran (admission, document, authorization). */
  refused: boolean;
  /** The response's errors (for their codes), or the refusal's. */
  errors?: readonly { extensions?: Record<string, unknown> }[];
  /** What was thrown, when an admission step failed unexpectedly. */
  thrown?: unknown;
  /** A subscription that was set up (its events follow): not the end of the operation, only of its set-up. */
  subscribed?: boolean;
}

export interface Step {
  readonly name: string;
  /** Before the document is looked at; throws a coded GraphQLError (with `extensions.http`) to refuse. */
  admit?(operation: Operation): void | Promise<void>;
  /** The document's operation and its variables known; returns a coded GraphQLError to refuse. */
  authorize?(operation: Admitted): GraphQLError | undefined;
  /** One event of a subscription delivered, with its error count. */
  event?(operation: Operation, errors: number): void;
  /** The answer: the operation ended, was refused, or (a subscription) was set up. */
  done?(operation: Operation, outcome: Outcome): void;
  /** A subscription that was set up has ended (completed, failed, or its client or connection gone). */
  closed?(operation: Operation): void;
}
