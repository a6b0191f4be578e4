/**
 * Talo wire ⇄ domain. Answers are read field by field from `unknown` with the shared readers of
 * ../wire.ts (every plausible form of a field is read; surprises are told to the source's observer): a
 * missing or malformed required field becomes a BAD_RESPONSE ProviderError naming the field (never its
 * value, never a TypeError); optional fields that cannot be read are left out rather than failing the
 * whole read. The transfers received are summed into `amountReceived`, so one that cannot be read fails
 * the payment (a wrong sum is worse than none); a quote that cannot be read is skipped.
 */
import { jsonDecimal, type JsonDecimal } from '../json-body.js';
import type { UpstreamResponse } from '../http.js';
import { ProviderError, providerRejection, safeProviderMessage } from '../errors.js';
import type { Payment, PaymentItem, PaymentStatus, TransferDestination } from '../../domain/models.js';
import { sumDecimals } from '../../domain/money.js';
import { ARGENTINA_UTC_OFFSET_MS } from '../telepagos/assumptions.js';
import {
  TALO_AMOUNT_WIRE_TYPES,
  TALO_ITEM_FIELDS,
  TALO_REQUIRED_PAYMENT_OPTION,
  TALO_TOKEN_DATA_FIELDS,
  isTaloFailure,
  taloErrorFlag,
  isTaloPaymentStatus,
  taloAmountToCents,
  taloQuoteCvu,
  type TaloPaymentStatus,
} from './assumptions.js';
import type { TaloCreatePaymentDto, TaloPaymentDto, TaloPriceDto, TaloQuoteDto, TaloTokenDto, TaloTransactionDto } from './dto.js';
import { isJsonObject, knownFields, wireReaders, type WireSource, type WireZone } from '../wire.js';

const PROVIDER = 'TALO';
const { bad, surprise, objectAt, currencyAt, textAt, listAt, decimalAt, optionalText, optionalInstantAt, checkFields, readRows } = wireReaders(PROVIDER);
/** Talo omits empty lists: absent reads as empty. */
const listOrEmpty = (value: unknown, path: string, source: WireSource) => listAt(value, path, source, { absentIsEmpty: true });

/**
 * Talo timestamps: ISO 8601 with an offset (`…Z`). One without an offset is read in Argentina time
 * (UTC-3), Talo's own.
 */
export const TALO_ZONE: WireZone = Object.freeze({
  offsetMinutes: ARGENTINA_UTC_OFFSET_MS / 60_000,
  isDocumented: (text: string) =>
    text.length > 19 && text.charCodeAt(10) === 84 && (text.charCodeAt(text.length - 1) === 90 || text.charCodeAt(text.length - 3) === 58),
});

/** The fields the documents name, per object: any other key is an `unknown_field` surprise. */
const KNOWN = {
  payment: knownFields(
    'id',
    'payment_status',
    'user_id',
    'external_id',
    'price',
    'payment_options',
    'quotes',
    'payment_url',
    'webhook_url',
    'redirect_url',
    'motive',
    'items',
    'client_data',
    'creation_timestamp',
    'last_modified_timestamp',
    'expiration_timestamp',
    'transactions',
  ),
  price: knownFields('amount', 'currency'),
};

/** ISO-8601 in UTC, or undefined when absent or unreadable (timestamps are informative, not vital). */
function optionalIso(value: unknown, path: string, source: WireSource): string | undefined {
  const ms = optionalInstantAt(value, path, source, TALO_ZONE);
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

/** The envelope's `code` (seed: "sometimes a code") as an HTTP-like status: a number or its digits. */
function statedCode(code: unknown): number | undefined {
  const n = typeof code === 'number' ? code : typeof code === 'string' && /^\d{3}$/.test(code.trim()) ? Number(code) : Number.NaN;
  return Number.isInteger(n) ? n : undefined;
}

// ── Envelope ────────────────────────────────────────────────────────────────────────────────────

/**
 * The `data` of a successful answer. A non-2xx status or `error: true` (Talo sends it with 2xx too; read
 * in any form, `taloErrorFlag`) is the provider's refusal, carrying its message made safe. Otherwise the
 * payload decides: `data` present is success, missing a BAD_RESPONSE. A flag in another form is a
 * `coerced_type` surprise, an unreadable one an `unknown_status` one.
 */
export function unwrapEnvelope(response: UpstreamResponse, source: WireSource): unknown {
  const flag = isJsonObject(response.body) ? response.body.error : undefined;
  if (flag !== undefined && typeof flag !== 'boolean') {
    const seen = typeof flag === 'string' ? flag.replace(/[^\p{L}\p{N} _-]/gu, '?').slice(0, 40) : typeof flag;
    if (taloErrorFlag(flag) === undefined) surprise(source, 'unknown_status', 'error', seen);
    else surprise(source, 'coerced_type', 'error', `${typeof flag} for boolean`);
  }
  if (isTaloFailure(response.status, response.body)) {
    const body = isJsonObject(response.body) ? response.body : {};
    throw providerRejection(PROVIDER, source.endpoint, response.status, body.message, source.requestId, statedCode(body.code));
  }
  const envelope = objectAt<{ data: unknown }>(response.body, 'the body', source);
  if (!('data' in envelope)) throw bad(source, 'the body has no data');
  return envelope.data;
}

export function toToken(data: unknown, source: WireSource): string {
  const [field] = TALO_TOKEN_DATA_FIELDS;
  return textAt(objectAt<TaloTokenDto>(data, 'data', source)[field], `data.${field}`, source);
}

// ── Payments ────────────────────────────────────────────────────────────────────────────────────

/** Talo's statuses name the same states as the domain's; listed so a change on either side fails to compile. */
const PAYMENT_STATUSES: Record<TaloPaymentStatus, PaymentStatus> = {
  PENDING: 'PENDING',
  SUCCESS: 'SUCCESS',
  OVERPAID: 'OVERPAID',
  UNDERPAID: 'UNDERPAID',
  EXPIRED: 'EXPIRED',
  REJECTED: 'REJECTED',
  CANCELLED: 'CANCELLED',
  UNDER_REVIEW: 'UNDER_REVIEW',
};

/**
 * What a status word we do not know reads as. UNDER_REVIEW is the one status that neither says the
 * money arrived (SUCCESS, OVERPAID) nor closes the payment (REJECTED, CANCELLED, EXPIRED): nothing is
 * shipped or cancelled on a guess, and the payment stays open to be read again. `providerStatus` keeps
 * the word itself.
 */
export const UNKNOWN_STATUS_READS_AS: PaymentStatus = 'UNDER_REVIEW';

/** A word we do not know (or none) is told to the source as an `unknown_status` surprise. */
export function toPaymentStatus(word: string, source?: WireSource): PaymentStatus {
  const normalized = word.trim().toUpperCase();
  if (isTaloPaymentStatus(normalized)) return PAYMENT_STATUSES[normalized];
  if (source) surprise(source, 'unknown_status', 'data.payment_status', word === '' ? '(none)' : safeProviderMessage(word)?.slice(0, 40));
  return UNKNOWN_STATUS_READS_AS;
}

/** The sum of every transfer received, exactly. */
function amountReceived(transactions: unknown[], source: WireSource): string {
  const amounts = transactions.map((t, i) => {
    const path = `data.transactions[${i}]`;
    return decimalAt(objectAt<TaloTransactionDto>(t, path, source).amount, `${path}.amount`, source, TALO_AMOUNT_WIRE_TYPES.transaction);
  });
  return sumDecimals(amounts);
}

/** One destination per quote that names a CVU (in `cvu` or `address`) or an alias. */
function transferDestinations(quotes: unknown[], source: WireSource): TransferDestination[] {
  const { rows } = readRows(quotes, 'data.quotes', source, (q, path) => {
    const quote = objectAt<TaloQuoteDto>(q, path, source);
    return { cvu: taloQuoteCvu([quote]), alias: optionalText(quote.alias, `${path}.alias`, source) };
  });
  return rows.flatMap(({ cvu, alias }) =>
    cvu === undefined && alias === undefined ? [] : [{ ...(cvu !== undefined && { cvu }), ...(alias !== undefined && { alias }) }],
  );
}

export function toPayment(data: unknown, source: WireSource): Payment {
  const wire = objectAt<TaloPaymentDto>(data, 'data', source);
  checkFields(wire, KNOWN.payment, 'data', source);
  const price = objectAt<TaloPriceDto>(wire.price, 'data.price', source);
  checkFields(price, KNOWN.price, 'data.price', source);
  const currency = currencyAt(price.currency, 'data.price', source, 'currency');
  // Missing or blank: kept as '' and read as UNKNOWN_STATUS_READS_AS (told as an unknown status).
  const providerStatus = optionalText(wire.payment_status, 'data.payment_status', source) ?? '';
  return {
    provider: PROVIDER,
    id: textAt(wire.id, 'data.id', source),
    status: toPaymentStatus(providerStatus, source),
    providerStatus,
    amount: { amount: decimalAt(price.amount, 'data.price.amount', source, TALO_AMOUNT_WIRE_TYPES.price), currency },
    amountReceived: { amount: amountReceived(listOrEmpty(wire.transactions, 'data.transactions', source), source), currency },
    externalId: optionalText(wire.external_id, 'data.external_id', source),
    paymentUrl: optionalText(wire.payment_url, 'data.payment_url', source),
    transferDestinations: transferDestinations(listOrEmpty(wire.quotes, 'data.quotes', source), source),
    createdAt: optionalIso(wire.creation_timestamp, 'data.creation_timestamp', source),
    updatedAt: optionalIso(wire.last_modified_timestamp, 'data.last_modified_timestamp', source),
    expiresAt: optionalIso(wire.expiration_timestamp, 'data.expiration_timestamp', source),
    motive: optionalText(wire.motive, 'data.motive', source),
  };
}

// ── Requests ────────────────────────────────────────────────────────────────────────────────────

/** A payment to create, in domain terms. */
export interface CreatePaymentRequest {
  /** Decimal text, at most two decimals: "1500.50". */
  amount: string;
  currency: 'ARS';
  /** The merchant's own reference. Talo does not de-duplicate on it: it is no idempotency key. */
  externalId: string;
  /** Where Talo sends the payer after paying. */
  redirectUrl: string;
  /** Where Talo posts its (unsigned) change notices. */
  webhookUrl: string;
  motive?: string;
  /** What is being bought, shown by Talo with the payment. */
  items?: PaymentItem[];
  /** ISO-8601 date-time; Talo's default is about five days after creation. */
  expiresAt?: string;
}

/** An item as TALO_ITEM_FIELDS names its fields; a unit price is a JSON number like `price.amount`. */
function itemBody(item: PaymentItem, endpoint: string): Record<string, string | number | JsonDecimal> {
  return {
    [TALO_ITEM_FIELDS.name]: item.name,
    [TALO_ITEM_FIELDS.quantity]: item.quantity,
    ...(item.unitPrice !== undefined && { [TALO_ITEM_FIELDS.unitPrice]: priceAmount(item.unitPrice, endpoint) }),
  };
}

function invalidInput(endpoint: string, message: string): ProviderError {
  return new ProviderError(`Cannot send ${endpoint}: ${message}`, { provider: PROVIDER, reason: 'INVALID_INPUT', endpoint });
}

/**
 * Talo reads `price.amount` as a JSON number (its document's example is `1500`). It is written from the
 * validated decimal's own digits (through integer cents, never a float), as every amount we send.
 */
function priceAmount(amount: string, endpoint: string): JsonDecimal {
  const cents = taloAmountToCents(amount);
  if (cents === null || cents <= 0) throw invalidInput(endpoint, 'amount must be a positive decimal with at most two decimals');
  return jsonDecimal(`${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, '0')}`);
}

function expirationTimestamp(expiresAt: string | undefined, endpoint: string): string | undefined {
  if (expiresAt === undefined) return undefined;
  const ms = Date.parse(expiresAt);
  if (Number.isNaN(ms)) throw invalidInput(endpoint, 'expiresAt must be an ISO-8601 date-time');
  return new Date(ms).toISOString();
}

/**
 * The create body with every field either version of Talo's documents requires. Amount and expiry are
 * checked here (they must be converted); the rest is Talo's to judge, so its message reaches the caller.
 */
export function toCreatePaymentBody(input: CreatePaymentRequest, userId: string, endpoint: string): TaloCreatePaymentDto {
  const expiration = expirationTimestamp(input.expiresAt, endpoint);
  return {
    price: { currency: input.currency, amount: priceAmount(input.amount, endpoint) },
    user_id: userId,
    redirect_url: input.redirectUrl,
    external_id: input.externalId,
    webhook_url: input.webhookUrl,
    payment_options: [TALO_REQUIRED_PAYMENT_OPTION],
    ...(input.motive !== undefined && { motive: input.motive }),
    ...(input.items !== undefined && { items: input.items.map((item) => itemBody(item, endpoint)) }),
    ...(expiration !== undefined && { expiration_timestamp: expiration }),
  };
}
