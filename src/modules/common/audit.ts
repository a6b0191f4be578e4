/**
 * The audit trail of the write API: one structured line per mutation with the client, the operation,
 * its reference, amount and outcome. Account numbers appear masked only.
 */
import type { GatewayContext } from '../../context.js';
import { maskAccountNumber } from '../../domain/identifiers.js';

export type AuditOutcome = 'created' | 'replayed' | 'invalid' | 'rejected' | 'conflict' | 'unavailable' | 'in_progress' | 'unknown';

export interface AuditEntry {
  operation: string;
  outcome: AuditOutcome;
  referenceId?: string;
  amount?: string;
  currency?: string;
  /** Destination account: masked here, whatever is passed. */
  destination?: string;
  /** The created object's provider id. */
  resultId?: string;
  provider?: string;
}

export function audit(ctx: GatewayContext, entry: AuditEntry): void {
  const { destination, ...rest } = entry;
  ctx.metrics.mutations.inc({ operation: entry.operation, outcome: entry.outcome });
  ctx.logger.info(
    { audit: { ...rest, client: ctx.client.name, ...(destination ? { destination: maskDestination(destination) } : {}) } },
    `audit ${entry.operation} ${entry.outcome}`,
  );
}

/** CBU/CVU masked to the last four digits; an alias is not a number and stays readable. */
function maskDestination(destination: string): string {
  return /^\d+$/.test(destination) ? maskAccountNumber(destination) : destination;
}
