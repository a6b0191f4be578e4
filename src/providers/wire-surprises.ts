/**
 * What a client does with a wire surprise (../wire.ts): hands it to the metric observer and logs it once
 * per (provider, endpoint, kind, field) for the life of the client (one client per provider per process),
 * so an operator learns the provider's real format on the first day without a log line per row.
 */
import { forRequest, type Logger } from '../logging.js';
import type { WireObserver, WireSurprise } from './wire.js';

/** More distinct keys than any provider's documents could produce; past it nothing new is logged (still counted). */
export const MAX_LOGGED_SURPRISES = 1000;

export function wireObserver(logger: Logger, count?: (surprise: WireSurprise) => void): WireObserver {
  const logged = new Set<string>();
  return (surprise) => {
    try {
      count?.(surprise);
    } catch {
      // an observer must never break reading an answer
    }
    const key = `${surprise.endpoint}\u0000${surprise.kind}\u0000${surprise.field}`;
    if (logged.has(key) || logged.size >= MAX_LOGGED_SURPRISES) return;
    logged.add(key);
    const { provider, endpoint, kind, field, detail, requestId } = surprise;
    forRequest(logger, requestId).warn(
      { wireSurprise: { provider, endpoint, kind, field, ...(detail !== undefined && { detail }) } },
      'provider answer differs from what the client expects (logged once per endpoint, kind and field)',
    );
  };
}
