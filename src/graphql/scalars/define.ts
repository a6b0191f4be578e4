/**
 * String-backed scalars that validate on the way in (literals and variables alike) and normalize on the
 * way out. A value that fails is a BAD_USER_INPUT error naming the scalar, before any resolver runs.
 */
import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';

export interface StringScalarSpec {
  name: string;
  description: string;
  /** Normalized value, or null when invalid. */
  parse(value: string): string | null;
  /** What a valid value looks like, for the error message. */
  expected: string;
  /**
   * Also accept JSON numbers from variables (Decimal: 1500.5), but only those a double holds exactly
   * (see `exactNumberText`); others are refused with a message asking for a string.
   */
  acceptNumbers?: boolean;
  /** Output check, when cheaper than `parse` (values from our own mappers are already normalized). */
  serialize?(value: string): string | null;
}

/**
 * Any decimal of at most 15 significant digits survives JSON's trip through a double unchanged, so
 * String(n) is what the client wrote. Beyond that (12345678901234567890, 0.1 + 0.2 computed by the
 * client) the number has already been rounded before we see it: not exact, so null. Integer digits
 * count in full (1e20 may have been 100000000000000000001).
 */
export const MAX_EXACT_SIGNIFICANT_DIGITS = 15;

export function exactNumberText(value: number): string | null {
  const text = String(value);
  if (!/^-?\d+(\.\d+)?$/.test(text)) return null; // exponent form: far too large or too small
  const digits = text.replace(/^-/, '').replace('.', '').replace(/^0+/, '');
  return digits.length <= MAX_EXACT_SIGNIFICANT_DIGITS ? text : null;
}

export function stringScalar(spec: StringScalarSpec): GraphQLScalarType<string, string> {
  const invalid = (shown: string, node?: ValueNode) =>
    new GraphQLError(`${spec.name} cannot represent ${shown}: expected ${spec.expected}`, {
      nodes: node ? [node] : undefined,
      extensions: { code: 'BAD_USER_INPUT' },
    });
  const inexact = () =>
    new GraphQLError(
      `${spec.name} cannot represent a JSON number of more than ${MAX_EXACT_SIGNIFICANT_DIGITS} significant digits exactly: send it as a string, e.g. "1500.50"`,
      { extensions: { code: 'BAD_USER_INPUT' } },
    );
  const read = (value: unknown, node?: ValueNode): string => {
    let text: string | null | undefined = typeof value === 'string' ? value : undefined;
    if (spec.acceptNumbers && typeof value === 'number' && Number.isFinite(value)) {
      text = exactNumberText(value);
      if (text === null) throw inexact();
    }
    if (text === undefined) throw invalid(`a non-string value`, node);
    const parsed = spec.parse(text);
    // Never echo long input back (it may be an account number pasted in the wrong field).
    if (parsed === null) throw invalid(JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text), node);
    return parsed;
  };
  return new GraphQLScalarType<string, string>({
    name: spec.name,
    description: spec.description,
    serialize: (value) => {
      if (typeof value !== 'string' && typeof value !== 'number') throw new GraphQLError(`${spec.name} cannot serialize ${typeof value}`);
      const parsed = (spec.serialize ?? spec.parse)(String(value));
      if (parsed === null) throw new GraphQLError(`${spec.name} cannot serialize an invalid value`);
      return parsed;
    },
    parseValue: (value) => read(value),
    parseLiteral: (node) => {
      if (node.kind === Kind.STRING) return read(node.value, node);
      if (spec.acceptNumbers && (node.kind === Kind.INT || node.kind === Kind.FLOAT)) return read(node.value, node);
      throw invalid(`a ${node.kind} literal`, node);
    },
  });
}
