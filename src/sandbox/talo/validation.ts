/**
 * Validation of `POST /payments/` bodies, before anything is stored. Strict where Talo's documents are
 * clear (ARS only, a positive numeric amount, the seed's required fields) and tolerant where they
 * disagree (`payment_options` and `webhook_url` may be missing; when present they must make sense).
 */
import {
  TALO_CURRENCY,
  TALO_ITEM_FIELDS,
  TALO_PAYMENT_OPTIONS,
  TALO_REQUIRED_PAYMENT_OPTION,
  taloAmountToCents,
  type TaloPaymentOption,
} from '../../providers/talo/assumptions.js';

export interface CreatePaymentInput {
  priceCents: number;
  userId: string;
  redirectUrl: string;
  externalId: string;
  webhookUrl?: string;
  motive?: string;
  items?: unknown[];
  paymentOptions: TaloPaymentOption[];
  clientData?: Record<string, unknown>;
  /** Milliseconds since the epoch, when the body sets it. */
  expiresAt?: number;
}

export type Validation<T> = { ok: true; value: T } | { ok: false; message: string };

class Invalid extends Error {}
const fail = (message: string): never => {
  throw new Invalid(message);
};

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function requiredString(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (value === undefined || value === null || value === '') fail(`${field} is required`);
  if (typeof value !== 'string' || value.trim() === '') fail(`${field} must be a non-empty string`);
  return value as string;
}

function optionalString(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') fail(`${field} must be a string`);
  return value as string;
}

function parsePrice(value: unknown): number {
  if (value === undefined || value === null) fail('price is required');
  if (!isObject(value)) fail('price must be an object { currency, amount }');
  const price = value as Record<string, unknown>;
  if (price.currency !== TALO_CURRENCY) fail(`price.currency must be ${TALO_CURRENCY}`);
  // A JSON number, as the seed sends it; strings are refused so clients never depend on leniency.
  const cents = typeof price.amount === 'number' ? taloAmountToCents(price.amount) : null;
  if (cents === null || cents <= 0) fail('price.amount must be a number greater than 0 with at most two decimals');
  return cents as number;
}

/** The sandbox POSTs webhooks, so the URL must be absolute http(s). */
function parseWebhookUrl(body: Record<string, unknown>): string | undefined {
  const value = optionalString(body, 'webhook_url');
  if (value === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) fail('webhook_url must be an absolute http(s) URL');
  return value;
}

function parsePaymentOptions(value: unknown): TaloPaymentOption[] {
  if (value === undefined || value === null) return [TALO_REQUIRED_PAYMENT_OPTION];
  const known = TALO_PAYMENT_OPTIONS as readonly unknown[];
  if (!Array.isArray(value) || value.some((option) => !known.includes(option))) {
    fail(`payment_options must be an array of ${TALO_PAYMENT_OPTIONS.join(', ')}`);
  }
  const options = value as TaloPaymentOption[];
  if (!options.includes(TALO_REQUIRED_PAYMENT_OPTION)) fail(`payment_options must include "${TALO_REQUIRED_PAYMENT_OPTION}"`);
  return [...new Set(options)];
}

/** `items`: an array (documented) of objects whose TALO_ITEM_FIELDS, when present, have their types (assumed). */
function parseItems(value: unknown): unknown[] {
  if (!Array.isArray(value)) fail('items must be an array');
  const items = value as unknown[];
  items.forEach((item, i) => {
    if (!isObject(item)) fail(`items[${i}] must be an object`);
    const entry = item as Record<string, unknown>;
    const { name, quantity, unitPrice } = TALO_ITEM_FIELDS;
    if (entry[name] !== undefined && (typeof entry[name] !== 'string' || entry[name] === '')) fail(`items[${i}].${name} must be a non-empty string`);
    if (entry[quantity] !== undefined && !(Number.isSafeInteger(entry[quantity]) && (entry[quantity] as number) > 0)) {
      fail(`items[${i}].${quantity} must be a positive integer`);
    }
    if (entry[unitPrice] !== undefined && !(typeof entry[unitPrice] === 'number' && (taloAmountToCents(entry[unitPrice]) ?? -1) >= 0)) {
      fail(`items[${i}].${unitPrice} must be a number with at most two decimals`);
    }
  });
  return items;
}

function parseExpiration(value: unknown, nowMs: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) fail('expiration_timestamp must be an ISO 8601 date-time');
  if (ms <= nowMs) fail('expiration_timestamp must be in the future');
  return ms;
}

function parseCreate(body: unknown, nowMs: number): CreatePaymentInput {
  if (!isObject(body)) fail('the body must be a JSON object');
  const b = body as Record<string, unknown>;
  const input: CreatePaymentInput = {
    priceCents: parsePrice(b.price),
    userId: requiredString(b, 'user_id'),
    redirectUrl: requiredString(b, 'redirect_url'),
    externalId: requiredString(b, 'external_id'),
    webhookUrl: parseWebhookUrl(b),
    motive: optionalString(b, 'motive'),
    paymentOptions: parsePaymentOptions(b.payment_options),
    expiresAt: parseExpiration(b.expiration_timestamp, nowMs),
  };
  if (b.items !== undefined && b.items !== null) input.items = parseItems(b.items);
  if (b.client_data !== undefined && b.client_data !== null) {
    input.clientData = isObject(b.client_data) ? b.client_data : fail('client_data must be an object');
  }
  return input;
}

/** Runs a parser, turning its first complaint into a failed validation. */
function validate<T>(parse: () => T): Validation<T> {
  try {
    return { ok: true, value: parse() };
  } catch (error) {
    if (error instanceof Invalid) return { ok: false, message: error.message };
    throw error;
  }
}

/** Checks a create body; the message names the offending field. */
export const validateCreatePayment = (body: unknown, nowMs: number): Validation<CreatePaymentInput> => validate(() => parseCreate(body, nowMs));

/** Checks a token request body `{ client_id, client_secret }`. */
export const validateTokenRequest = (body: unknown): Validation<{ clientId: string; clientSecret: string }> =>
  validate(() => {
    if (!isObject(body)) fail('the body must be a JSON object');
    const b = body as Record<string, unknown>;
    return { clientId: requiredString(b, 'client_id'), clientSecret: requiredString(b, 'client_secret') };
  });
