/** The custom scalars of the contract; DateTimeISO and LocalDate are graphql-scalars' own, with their checks remembered. */
import { isValidAlias, isValidCbu, normalizeCuit } from '../../domain/identifiers.js';
import { isDecimalText, toDecimal } from '../../domain/money.js';
import { stringScalar } from './define.js';

export { LocalDateScalar } from './local-date.js';
export { DateTimeISOScalar } from './date-time.js';

/** Longest decimal accepted: 18 digits before the point and 8 after are more than any amount needs. */
const DECIMAL_SHAPE = /^-?\d{1,18}(\.\d{1,8})?$/;

export const DecimalScalar = stringScalar({
  name: 'Decimal',
  description: 'Exact decimal number serialized as a string, e.g. "1500.50". Never a float.',
  expected: 'a decimal number such as "1500.50"',
  acceptNumbers: true,
  parse: (value) => {
    const text = value.trim();
    return isDecimalText(text) && DECIMAL_SHAPE.test(text) ? toDecimal(text) : null;
  },
  // Domain money is already a normalized decimal string: checking its shape is enough on the hot path.
  serialize: (value) => (DECIMAL_SHAPE.test(value) ? value : null),
});

export const CuitScalar = stringScalar({
  name: 'CUIT',
  description: 'Argentine CUIT/CUIL: 11 digits with a valid check digit; accepts 20-12345678-6 or 20123456786, always returns 11 digits.',
  expected: '11 digits with a valid check digit, e.g. "20-12345678-6"',
  parse: normalizeCuit,
});

export const CbuScalar = stringScalar({
  name: 'CBU',
  description: 'Argentine CBU or CVU: 22 digits whose two check digits are valid.',
  expected: '22 digits with valid check digits',
  parse: (value) => (isValidCbu(value.trim()) ? value.trim() : null),
});

export const AliasScalar = stringScalar({
  name: 'Alias',
  description: "CBU/CVU alias: 6 to 20 characters, letters, digits, '.' and '-'.",
  expected: "6 to 20 letters, digits, '.' or '-'",
  parse: (value) => (isValidAlias(value.trim()) ? value.trim() : null),
});
