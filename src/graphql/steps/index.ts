/**
 * The operation pipeline's steps, in the order they act — one concern a file, for every door (Apollo
 * over HTTP, documents by id, graphql-ws, SSE, the CSV export). The pipeline (src/graphql/pipeline.ts)
 * runs, for each operation:
 *
 *   admit hooks, in this order  →  the operation's context  →  its document (by id, APQ or text: the
 *   app's `documents` policy), parsed and validated when it is a text  →  authorize hooks, in this
 *   order  →  execution (src/graphql/executor.ts)  →  done hooks, in this order, with its errors
 *   formatted to the contract and the request id on each.
 *
 * A new protection is one file here and one entry below: it then holds at every door.
 */
import type { GraphQLSchema } from 'graphql';
import type { ClientRegistry } from '../../auth/clients.js';
import type { Logger } from '../../logging.js';
import type { Metrics } from '../../observability/metrics.js';
import type { SharedState } from '../../state/index.js';
import type { ArgumentPricing } from '../limits.js';
import { authentication } from './authentication.js';
import { documentSize } from './document-size.js';
import { operationMetrics } from './metrics.js';
import { providerBudget } from './provider-budget.js';
import { rateLimit } from './rate-limit.js';
import { scopes } from './scopes.js';
import type { Step } from './step.js';
import { tracing } from './tracing.js';

export type { Step } from './step.js';

export interface StepServices {
  schema: GraphQLSchema;
  state: SharedState;
  logger: Logger;
  metrics: Metrics;
  pricing: ArgumentPricing;
  /** The client apps in force (swapped whole on reload); undefined is open access. */
  clients(): ClientRegistry | undefined;
}

export function gatewaySteps(services: StepServices): Step[] {
  return [
    // Admission: cheapest first.
    documentSize(),
    authentication(services.clients),
    rateLimit(services.state, services.logger),
    // Authorization, with the document's operation and its variables.
    scopes(),
    providerBudget(services.schema, services.pricing),
    // The answer.
    tracing(),
    operationMetrics(services.metrics),
  ];
}
