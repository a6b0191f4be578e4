/** Transport observers: log lines for retries and circuit changes, and composition with metric hooks. */
import { forRequest, type Logger } from '../logging.js';
import type { TransportHooks } from './http.js';

export function transportLogHooks(logger: Logger): TransportHooks {
  return {
    onCall: (event) => {
      if (event.outcome === 'success') return;
      const { requestId, traceId, ...upstream } = event;
      forRequest(logger, requestId, traceId).debug({ upstream }, 'upstream call failed');
    },
    onRetry: ({ requestId, traceId, ...upstream }) => forRequest(logger, requestId, traceId).warn({ upstream }, 'retrying upstream call'),
    onBreakerState: (event) => (event.state === 'closed' ? logger.info.bind(logger) : logger.warn.bind(logger))({ upstream: event }, `circuit ${event.state}`),
  };
}

/** Calls every observer in order; one that throws does not stop the others or the call. */
export function combineHooks(...all: (TransportHooks | undefined)[]): TransportHooks {
  const hooks = all.filter((h): h is TransportHooks => h !== undefined);
  const each =
    <K extends keyof TransportHooks>(key: K) =>
    (event: Parameters<NonNullable<TransportHooks[K]>>[0]) => {
      for (const h of hooks) {
        try {
          (h[key] as ((e: typeof event) => void) | undefined)?.(event);
        } catch {
          // an observer must never break a provider call
        }
      }
    };
  return { onCall: each('onCall'), onRetry: each('onRetry'), onBreakerState: each('onBreakerState') };
}
