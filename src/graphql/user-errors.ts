/**
 * Expected failures of mutations, reported in the payload's `userErrors { field message code }`
 * instead of thrown (Shopify/GitHub style): invalid input, provider refusals, not found, outages.
 */
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { ProviderError, failureOutcome } from '../providers/errors.js';

export enum UserErrorCode {
  INVALID_INPUT = 'INVALID_INPUT',
  IDEMPOTENCY_KEY_REUSED = 'IDEMPOTENCY_KEY_REUSED',
  NOT_FOUND = 'NOT_FOUND',
  PROVIDER_REJECTED = 'PROVIDER_REJECTED',
  PROVIDER_UNAVAILABLE = 'PROVIDER_UNAVAILABLE',
  OUTCOME_UNKNOWN = 'OUTCOME_UNKNOWN',
}
registerEnumType(UserErrorCode, {
  name: 'UserErrorCode',
  description: 'Why a mutation did not do what was asked.',
  valuesConfig: {
    INVALID_INPUT: { description: 'The input broke a rule; nothing was sent to the provider.' },
    IDEMPOTENCY_KEY_REUSED: {
      description: 'The referenceId or idempotencyKey was already used with other data (or, for a referenceId, by another app); nothing was sent.',
    },
    NOT_FOUND: { description: 'The provider does not know the object referred to.' },
    PROVIDER_REJECTED: { description: 'The provider refused the operation (its reason is in the message); nothing was created.' },
    PROVIDER_UNAVAILABLE: {
      description:
        'The provider could not be reached or failed. The message says whether a retry is safe: with the same referenceId or idempotencyKey it is; without one, the object may have been created, so check before retrying (a retry may create a second one).',
    },
    OUTCOME_UNKNOWN: {
      description:
        "The provider's answer was lost: the operation may or may not have happened, and Pasarela keeps it as unknown (never as refused) while it finds out. Retry with the same referenceId or idempotencyKey and the same data: that never makes a second one, and answers the outcome once known.",
    },
  },
});

@ObjectType({ description: 'An expected failure of a mutation.' })
export class UserError {
  @Field(() => [String], { nullable: true, description: 'Path to the input field at fault, e.g. ["input", "cbu"].' })
  field?: string[] | null;

  @Field(() => String)
  message!: string;

  @Field(() => UserErrorCode)
  code!: UserErrorCode;
}

export function userError(field: string[] | null, message: string, code: UserErrorCode = UserErrorCode.INVALID_INPUT): UserError {
  return { field, message, code };
}

/**
 * What a retry of the failed mutation does, for the advice in PROVIDER_UNAVAILABLE messages:
 * `referenceId`/`idempotencyKey` — the same key never creates a second object; `check` — a retry may
 * create a second object; `safe` — the mutation is harmless to repeat (a delete).
 */
export type RetryAdvice = 'referenceId' | 'idempotencyKey' | 'check' | 'safe';

/** The advice appended to an unavailability whose outcome is unknown. */
export function retryAdvice(retry: RetryAdvice): string {
  switch (retry) {
    case 'referenceId':
      return 'retrying with the same referenceId and data is safe: it never sends a second transfer';
    case 'idempotencyKey':
      return 'retrying with the same idempotencyKey and data is safe: it never creates a second one';
    case 'safe':
      return 'retrying with the same input is safe';
    case 'check':
      return 'it may have been created: check before retrying, as a retry may create a second one (an idempotencyKey makes retries safe)';
  }
}

/**
 * A provider failure as a user error. Only ProviderErrors are expected; anything else is a bug and is
 * rethrown so it surfaces (masked) as INTERNAL_SERVER_ERROR. `retry` says what retrying the mutation
 * does (the advice of an unavailability); a failure that proves nothing was sent says so whatever it is.
 */
export function providerUserError(error: unknown, field: string[] | null = null, retry: RetryAdvice = 'check'): UserError {
  if (!(error instanceof ProviderError)) throw error;
  const detail = error.providerMessage ? `: ${error.providerMessage}` : '';
  switch (error.reason) {
    case 'NOT_FOUND':
      return userError(field, `${error.provider} does not know it${detail}; nothing was done, and the same request is refused again`, UserErrorCode.NOT_FOUND);
    case 'CONFLICT':
      return userError(
        ['input', 'referenceId'],
        `${error.provider} already has this reference with other data${detail}; nothing was sent: use a new referenceId`,
        UserErrorCode.IDEMPOTENCY_KEY_REUSED,
      );
    case 'INVALID_INPUT':
    case 'REJECTED':
    case 'FORBIDDEN':
      return userError(
        field,
        `${error.provider} refused the operation${detail}; nothing was done, and the same request is refused again`,
        UserErrorCode.PROVIDER_REJECTED,
      );
    case 'NOT_CONFIGURED':
      return userError(null, `${error.message}; nothing was sent`, UserErrorCode.PROVIDER_UNAVAILABLE);
    case 'STATE_UNAVAILABLE':
      // Its message names the provider and the cause, and says nothing was sent.
      return userError(null, error.message, UserErrorCode.PROVIDER_UNAVAILABLE);
    default: {
      const advice = failureOutcome(error) === 'not_sent' ? 'nothing was sent; retrying is safe' : retryAdvice(retry);
      return userError(
        null,
        `${error.provider} is unavailable (${error.reason.toLowerCase().replace(/_/g, ' ')}); ${advice}`,
        UserErrorCode.PROVIDER_UNAVAILABLE,
      );
    }
  }
}
