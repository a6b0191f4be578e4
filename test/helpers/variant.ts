/**
 * The sandbox wire variant under test (`SANDBOX_VARIANT`, see src/sandbox/variant.ts), for the few
 * assertions that depend on the wire: the HTTP status a refusal arrives with, and what a client can still
 * tell of a refusal that arrives with HTTP 200.
 */
import type { ProviderErrorReason } from '../../src/providers/errors.js';
import { alternateStatus, sandboxVariantFromEnv, type WireFacts } from '../../src/sandbox/variant.js';

export const SANDBOX_VARIANT = sandboxVariantFromEnv();

/** The HTTP status a sandbox sends a refusal of `status` with, in the variant under test. */
export function wireStatus(facts: WireFacts, status: number): number {
  return SANDBOX_VARIANT === 'alternate' ? alternateStatus(status, facts) : status;
}

/**
 * The reason a TelePagos refusal reads as. Sent with HTTP 200 (the alternate variant), only its message
 * speaks: NOT_FOUND is still told by its words (NOT_FOUND_PATTERN); any other refusal is REJECTED.
 */
export function telepagosRefusalReason(reason: ProviderErrorReason, status: number, facts: WireFacts): ProviderErrorReason {
  return wireStatus(facts, status) === status || reason === 'NOT_FOUND' ? reason : 'REJECTED';
}
