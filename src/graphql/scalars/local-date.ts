/**
 * graphql-scalars' LocalDate with its check remembered. Checking a date builds a Date and writes it back
 * as ISO text to catch days such as 2026-02-30: about a microsecond, and one dated query checks its two
 * variables up to three times (graphql-js's coercion, graphql-jit's, and the answer's own dates when it
 * has any). The check depends on the string alone and returns it unchanged, so valid strings are
 * remembered (bounded: the memo is dropped whenever it fills up); an invalid one is checked, and refused
 * with graphql-scalars' own error, every time. Everything else is graphql-scalars' own.
 */
import { GraphQLScalarType } from 'graphql';
import { LocalDateResolver } from 'graphql-scalars';

/** Distinct valid dates remembered. */
export const LOCAL_DATE_MEMO_SIZE = 10_000;

const base = LocalDateResolver.toConfig();
const valid = new Set<string>();

function checked(value: unknown, check: (value: unknown) => unknown): string {
  if (typeof value === 'string' && valid.has(value)) return value;
  const date = check(value) as string;
  if (valid.size >= LOCAL_DATE_MEMO_SIZE) valid.clear();
  valid.add(date);
  return date;
}

export const LocalDateScalar = new GraphQLScalarType<string, string>({
  ...base,
  serialize: (value) => checked(value, base.serialize),
  parseValue: (value) => checked(value, base.parseValue!),
});
