/**
 * The common end of a mutation that calls a provider once: audit the outcome and turn a provider
 * failure into userErrors. These mutations are not retried by the transport (they are POSTs), so a
 * PROVIDER_UNAVAILABLE outcome means "unknown": the client decides whether to try again, and the
 * message says what a retry does (a creation without an idempotencyKey may create a second object;
 * keyed creations go through keyed-creation.ts instead).
 */
import type { GatewayContext } from '../../context.js';
import { providerUserError, type RetryAdvice, type UserError } from '../../graphql/user-errors.js';
import { audit, type AuditEntry } from './audit.js';
import type { InputCheck } from './input-rules.js';

export type Payload<T> = T & { userErrors: UserError[] };

/**
 * Runs `perform` unless `check` found errors; audits as `operation`; returns the payload with
 * `empty` fields on failure. A provider refusal is reported at `errorField` (default the whole input);
 * `retry` is what retrying the mutation does, for the advice of an unavailability (default: a retry may
 * create a second object, so the advice is to check first).
 */
export async function mutate<T extends object>(
  ctx: GatewayContext,
  check: InputCheck,
  entry: Omit<AuditEntry, 'outcome'>,
  empty: T,
  perform: () => Promise<{ result: T; resultId?: string }>,
  errorField: string[] = ['input'],
  retry: RetryAdvice = 'check',
): Promise<Payload<T>> {
  if (!check.ok) {
    audit(ctx, { ...entry, outcome: 'invalid' });
    return { ...empty, userErrors: check.errors };
  }
  try {
    const { result, resultId } = await perform();
    audit(ctx, { ...entry, outcome: 'created', resultId });
    return { ...result, userErrors: [] };
  } catch (error) {
    const userError = providerUserError(error, errorField, retry);
    audit(ctx, { ...entry, outcome: userError.code === 'PROVIDER_UNAVAILABLE' ? 'unavailable' : 'rejected' });
    return { ...empty, userErrors: [userError] };
  }
}
