/**
 * graphql-scalars' DateTimeISO with its output memoized. Serializing a date-time string checks it with
 * a regular expression and Date.parse, builds a Date and writes it back in UTC: a few microseconds for
 * each row of a page, and the same rows are written again by every request that shows them. The
 * result depends on the string alone, so the latest answers are remembered by string (bounded: the
 * memo is dropped whenever it fills up). Everything else — parsing, errors for invalid values (never
 * remembered), name, description, `specifiedByURL` — is graphql-scalars' own.
 */
import { GraphQLScalarType } from 'graphql';
import { DateTimeISOResolver } from 'graphql-scalars';

/** Distinct date-time strings remembered (a few hundred kB at most). */
export const DATE_TIME_MEMO_SIZE = 10_000;

const base = DateTimeISOResolver.toConfig();
const written = new Map<string, string>();

export const DateTimeISOScalar = new GraphQLScalarType<Date, string>({
  ...base,
  serialize(value) {
    if (typeof value !== 'string') return base.serialize(value) as string;
    let iso = written.get(value);
    if (iso === undefined) {
      iso = base.serialize(value) as string;
      if (written.size >= DATE_TIME_MEMO_SIZE) written.clear();
      written.set(value, iso);
    }
    return iso;
  },
});
