/**
 * Cash-outs whose outcome is unknown (their answer was lost) are watched until it is known: the watcher
 * (src/events/watcher.ts) re-reads them with backoff, on one replica at a time, through
 * resolveUnknownCashout — the same finding-out a client retry does (replay the reference, then the
 * account's transactions), under the same idempotency key, so a retry and the watcher never act at once.
 * The resolution publishes CASHOUT_UPDATED itself, once; the watcher only records where the outcome
 * stands, so its reading carries no event.
 */
import type { Reading } from '../../events/readings.js';
import type { WatchKind } from '../../events/watcher.js';
import { resolveUnknownCashout, type CashoutDeps, type CashoutResolution } from './cashout.send.js';

/** The watch kind of a cash-out with an unknown outcome, watched by its referenceId. */
export const UNKNOWN_CASHOUT_WATCH = 'cashout-outcome';

/** Still to find out (UNKNOWN, or another attempt holds the key): re-read later; anything else is settled. */
export function cashoutResolutionReading(resolution: CashoutResolution): Reading {
  const open = resolution.status === 'UNKNOWN' || resolution.status === 'BUSY';
  return { state: open ? 'UNKNOWN' : resolution.status, final: !open, event: null };
}

export function unknownCashoutWatch(deps: CashoutDeps): WatchKind<CashoutResolution> {
  return {
    kind: UNKNOWN_CASHOUT_WATCH,
    read: (_provider, referenceId) => resolveUnknownCashout(deps, referenceId),
    judge: cashoutResolutionReading,
    // Its own name in the de-duplication store: not a provider object a notification could name.
    object: (referenceId) => `cashout-outcome:${referenceId}`,
  };
}
