/**
 * Expected failures of mutations, reported in the payload's `userErrors { field message code }`
 * instead of thrown (Shopify/GitHub style): invalid input, provider refusals, not found, outages.
 */
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { ProviderError } from '../providers/errors.js';

export enum UserErrorCode {
  INVALID_INPUT = 'INVALID_INPUT',
  IDEMPOTENCY_KEY_REUSED = 'IDEMPOTENCY_KEY_REUSED',
  NOT_FOUND = 'NOT_FOUND',
  PROVIDER_REJECTED = 'PROVIDER_REJECTED',
  PROVIDER_UNAVAILABLE = 'PROVIDER_UNAVAILABLE',
}
registerEnumType(UserErrorCode, {
  name: 'UserErrorCode',
  description: 'Why a mutation did not do what was asked.',
  valuesConfig: {
    INVALID_INPUT: { description: 'The input broke a rule; nothing was sent to the provider.' },
    IDEMPOTENCY_KEY_REUSED: { description: 'The referenceId was already used with other data; nothing was sent.' },
    NOT_FOUND: { description: 'The provider does not know the object referred to.' },
    PROVIDER_REJECTED: { description: 'The provider refused the operation (its reason is in the message).' },
    PROVIDER_UNAVAILABLE: { description: 'The provider could not be reached or failed; retrying later with the same input is safe.' },
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
 * A provider failure as a user error. Only ProviderErrors are expected; anything else is a bug and is
 * rethrown so it surfaces (masked) as INTERNAL_SERVER_ERROR.
 */
export function providerUserError(error: unknown, field: string[] | null = null): UserError {
  if (!(error instanceof ProviderError)) throw error;
  const detail = error.providerMessage ? `: ${error.providerMessage}` : '';
  switch (error.reason) {
    case 'NOT_FOUND':
      return userError(field, `${error.provider} does not know it${detail}`, UserErrorCode.NOT_FOUND);
    case 'CONFLICT':
      return userError(['input', 'referenceId'], `${error.provider} already has this reference with other data${detail}`, UserErrorCode.IDEMPOTENCY_KEY_REUSED);
    case 'INVALID_INPUT':
    case 'REJECTED':
    case 'FORBIDDEN':
      return userError(field, `${error.provider} refused the operation${detail}`, UserErrorCode.PROVIDER_REJECTED);
    case 'NOT_CONFIGURED':
      return userError(null, error.message, UserErrorCode.PROVIDER_UNAVAILABLE);
    default:
      return userError(
        null,
        `${error.provider} is unavailable (${error.reason.toLowerCase().replace(/_/g, ' ')}); retrying with the same input is safe`,
        UserErrorCode.PROVIDER_UNAVAILABLE,
      );
  }
}
