/**
 * Reading request fields the way a Laravel API validates them: JSON and form bodies alike (form values
 * arrive as strings), English messages, HTTP statuses of the REFERENCE assumption. Readers throw a
 * TelepagosError; the route wrapper turns it into `{ status: "error", message }`.
 */
import { CONCEPTS, ERROR_HTTP_STATUS, type ConceptId } from '../../providers/telepagos/assumptions.js';
import { isValidAlias, isValidCbu, normalizeAlias, normalizeCuit } from '../../domain/identifiers.js';
import { parseAmountCents } from '../random.js';

export class TelepagosError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const invalid = (message: string) => new TelepagosError(ERROR_HTTP_STATUS.invalidInput, message);
export const notFound = (message: string) => new TelepagosError(ERROR_HTTP_STATUS.notFound, message);
export const conflict = (message: string) => new TelepagosError(ERROR_HTTP_STATUS.conflict, message);
export const forbidden = (message: string) => new TelepagosError(ERROR_HTTP_STATUS.forbidden, message);
export const unauthorized = (message: string) => new TelepagosError(ERROR_HTTP_STATUS.unauthorized, message);

export type Fields = Record<string, unknown>;

/** Body (JSON or form) merged over the query string: DELETE accepts `sale_point_id` in either. */
export function fieldsOf(query: unknown, body: unknown): Fields {
  const fromBody = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Fields) : {};
  return { ...(query as Fields | undefined), ...fromBody };
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null && !(typeof value === 'string' && value.trim() === '');
}

export function optionalString(fields: Fields, name: string, maxLength = 255): string | undefined {
  const value = fields[name];
  if (!present(value)) return undefined;
  if (typeof value !== 'string' && typeof value !== 'number') throw invalid(`The ${name} must be a string.`);
  const text = String(value).trim();
  if (text.length > maxLength) throw invalid(`The ${name} may not be greater than ${maxLength} characters.`);
  return text;
}

export function requiredString(fields: Fields, name: string, maxLength = 255): string {
  const text = optionalString(fields, name, maxLength);
  if (text === undefined) throw invalid(`The ${name} field is required.`);
  return text;
}

/** Positive decimal with at most two decimals, as a JSON number or a string. */
export function readAmountCents(value: unknown, name = 'amount'): number {
  if (!present(value)) throw invalid(`The ${name} field is required.`);
  const cents = parseAmountCents(value);
  if (cents === null) throw invalid(`The ${name} must be a positive number with at most 2 decimals.`);
  return cents;
}

export function requiredAmountCents(fields: Fields, name = 'amount'): number {
  return readAmountCents(fields[name], name);
}

export function requiredInteger(fields: Fields, name: string): number {
  const value = fields[name];
  if (!present(value)) throw invalid(`The ${name} field is required.`);
  const text = String(value).trim();
  if (!/^\d{1,9}$/.test(text)) throw invalid(`The ${name} must be an integer.`);
  return Number(text);
}

/** JSON booleans, and what forms send: `1`/`0`/`true`/`false`. */
export function requiredBoolean(fields: Fields, name: string): boolean {
  const value = fields[name];
  if (!present(value)) throw invalid(`The ${name} field is required.`);
  if (value === true || value === 1 || value === '1' || value === 'true') return true;
  if (value === false || value === 0 || value === '0' || value === 'false') return false;
  throw invalid(`The ${name} field must be true or false.`);
}

export function requiredCuit(fields: Fields, name = 'cuit'): string {
  const cuit = normalizeCuit(requiredString(fields, name));
  if (!cuit) throw invalid(`The ${name} is not a valid CUIT.`);
  return cuit;
}

export function readCbu(value: unknown, name = 'cvu'): string {
  if (!present(value)) throw invalid(`The ${name} field is required.`);
  const cbu = String(value).trim();
  if (!isValidCbu(cbu)) throw invalid(`The ${name} is not a valid CVU/CBU.`);
  return cbu;
}

export function readAlias(value: unknown): string {
  const alias = String(value).trim();
  if (!isValidAlias(alias)) throw invalid(`The alias ${alias} is not a valid alias.`);
  return normalizeAlias(alias);
}

export function requiredConcept(fields: Fields): ConceptId {
  const wanted = requiredString(fields, 'concept').toUpperCase();
  const concept = CONCEPTS.find((c) => c.id === wanted);
  if (!concept) throw invalid('The selected concept is invalid.');
  return concept.id;
}

export function isPresent(fields: Fields, name: string): boolean {
  return present(fields[name]);
}
