/** The fields every charge-like input shares (amount, concept, description), declared and checked once. */
import { Field, InputType } from 'type-graphql';
import { DecimalScalar } from '../../graphql/scalars/index.js';
import { TEXT_LIMITS, type InputCheck } from './input-rules.js';

/** Inputs that extend it get these fields; it is never referenced, so the schema holds no such type. */
@InputType('ChargeFields')
export abstract class ChargeFields {
  @Field(() => DecimalScalar)
  amount!: string;

  @Field(() => String)
  concept!: string;

  @Field(() => String)
  description!: string;
}

/** Amount within the cap; concept and description trimmed and bounded. Returns the trimmed texts. */
export function checkCharge(check: InputCheck, input: ChargeFields, maxAmount: string): { concept: string; description: string } {
  check.amount(['input', 'amount'], input.amount, maxAmount);
  return {
    concept: check.text(['input', 'concept'], input.concept, TEXT_LIMITS.concept),
    description: check.text(['input', 'description'], input.description, TEXT_LIMITS.description),
  };
}
