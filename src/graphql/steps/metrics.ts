/**
 * The answer: every operation that got a context is counted and timed (`pasarela_operations_total`,
 * `pasarela_operation_duration_seconds`) by name, type, outcome and client app. A subscription that
 * was set up is not counted (its set-up is not its end); refusals before a context (no key, rate
 * limit) are not either.
 */
import type { Metrics } from '../../observability/metrics.js';
import type { Step } from './step.js';

export function operationMetrics(metrics: Metrics): Step {
  return {
    name: 'metrics',
    done({ ctx }, outcome) {
      if (!ctx || outcome.subscribed) return;
      metrics.operationDone(ctx, outcome.name, outcome.type, outcome.failed);
    },
  };
}
