/**
 * The answer: every operation that got a context is counted and timed (`pasarela_graphql_operations_total`,
 * `pasarela_operation_duration_seconds`) by name, type, outcome, client app and door. A subscription is
 * counted once it is set up (or refused), and open (`pasarela_subscriptions_open`) until it is closed;
 * refusals before a context (no key, rate limit) are not counted.
 */
import type { Metrics } from '../../observability/metrics.js';
import type { Step } from './step.js';

export function operationMetrics(metrics: Metrics): Step {
  return {
    name: 'metrics',
    done({ ctx }, outcome) {
      if (!ctx) return;
      if (outcome.subscribed && !outcome.failed) return metrics.subscriptionStarted(ctx, outcome.name);
      metrics.operationDone(ctx, outcome.name, outcome.type, outcome.failed);
    },
    closed(operation) {
      const { ctx } = operation;
      if (ctx) metrics.subscriptionEnded(ctx, operation.definition?.name?.value ?? operation.request.operationName);
    },
  };
}
