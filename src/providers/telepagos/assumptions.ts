/**
 * Everything about TelePagos Empresas API v2 that its documents leave open, in one place
 * (docs/providers.md, "TelePagos"). The sandbox serves these values and the gateway's
 * client reads them, so changing a guess here changes both sides at once. Pure constants and tiny pure
 * functions only: nothing in this file may import sandbox or gateway code.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Hosts *(public)*; clients append the `v2/...` paths below to one of them (or to a sandbox URL). */
export const TELEPAGOS_HOSTS = {
  homologation: 'https://api.homo.telepagos.com.ar',
  production: 'https://api.telepagos.com.ar',
} as const;

/** Paths relative to the base URL. `{id}`/`{period}` endpoints append `/<value>` to the path shown. */
export const TELEPAGOS_PATHS = {
  token: 'v2/auth/token',
  concepts: 'v2/payment/concepts',
  balance: 'v2/account/balance',
  transactions: 'v2/account/transactions',
  transactionsFilters: 'v2/account/transactions_filters',
  /** POST creates; GET `cashout/{id}` returns the voucher. */
  cashout: 'v2/payment/cashout',
  /** GET `cashin/{id}`. */
  cashin: 'v2/payment/cashin',
  qrGenerate: 'v2/payment/cashin/qr/generate',
  transferLinkGenerate: 'v2/payment/cashin/transfer/generate',
  paymentLinkGenerate: 'v2/payment/cashin/link/generate',
  salePoint: 'v2/payment/cashin/qr/sale-point',
  salePointStaticQr: 'v2/payment/cashin/qr/sale-point/static',
  staticQrOrder: 'v2/payment/cashin/qr/static/order',
  /** GET `statics/{period}` (sic: "statics", not "statistics"). */
  statistics: 'v2/whitelabel/statics',
} as const;

// ── Authentication ───────────────────────────────────────────────────────────────────────────────

/** **assumption**: a token lives one hour. Clients must still read `expires_at` and renew before it. */
export const TOKEN_LIFETIME_SECONDS = 3600;

/**
 * **assumption**: the token goes back as `Authorization: Bearer <token>` (the documents say only "token";
 * public clients send it so, and Laravel Sanctum/Passport read it so). No switch: another scheme would
 * show at once as every call refused, and the sandbox reads only this one.
 */
export const TELEPAGOS_TOKEN_SCHEME = 'Bearer';
/** The `Authorization` header of a call with `token`. */
export const telepagosAuthorizationHeader = (token: string): string => `${TELEPAGOS_TOKEN_SCHEME} ${token}`;

/** **assumption**: `expires_at` is Unix time in seconds (what the sandbox sends). */
export const EXPIRES_AT_UNIT = 'unix-seconds' as const;

/** Values above this are read as milliseconds: 1e12 s is the year 33658, 1e12 ms is 2001. */
const EXPIRES_AT_MILLISECONDS_THRESHOLD = 1e12;

/**
 * Reads `expires_at` defensively into epoch milliseconds: Unix seconds (the assumption), milliseconds
 * (> 1e12), or a `YYYY-MM-DD HH:MM:SS` string in Argentina time. Null when it is none of those.
 */
export function expiresAtToEpochMs(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) {
    return value > EXPIRES_AT_MILLISECONDS_THRESHOLD ? value : value * 1000;
  }
  if (typeof value === 'string') {
    if (/^\d+(\.\d+)?$/.test(value.trim())) return expiresAtToEpochMs(Number(value));
    return parseArgentinaDateTime(value.trim());
  }
  return null;
}

// ── Dates ────────────────────────────────────────────────────────────────────────────────────────

/** **assumption**: every date TelePagos prints or reads is Argentina time, UTC−03:00 (no DST since 2009). */
export const ARGENTINA_UTC_OFFSET = '-03:00';
/** The IANA zone of TelePagos' days (`date_from`/`date_to`): Argentina, UTC−03:00 all year, as ARGENTINA_UTC_OFFSET says. */
export const TELEPAGOS_TIME_ZONE = 'America/Argentina/Buenos_Aires';
export const ARGENTINA_UTC_OFFSET_MS = -3 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** `date_from`/`date_to` of the transactions query, and the date part of every printed date. */
export const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
/** **assumption**: `Tx.date` and `expiration_date` are `YYYY-MM-DD HH:MM:SS` (the document's `H:m:s` is a typo). */
export const DATE_TIME_PATTERN = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

function utcFromParts(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number | null {
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(ms);
  // Date.UTC rolls 2025-02-30 over to March: a real calendar date reads back the same parts.
  const exact =
    check.getUTCFullYear() === year &&
    check.getUTCMonth() === month - 1 &&
    check.getUTCDate() === day &&
    check.getUTCHours() === hour &&
    check.getUTCMinutes() === minute &&
    check.getUTCSeconds() === second;
  return exact ? ms : null;
}

/** `YYYY-MM-DD` → epoch ms of that day's 00:00:00 in Argentina, or null for a malformed/impossible date. */
export function argentinaDayStartMs(date: string): number | null {
  const match = DATE_PATTERN.exec(date);
  if (!match) return null;
  const utc = utcFromParts(Number(match[1]), Number(match[2]), Number(match[3]));
  return utc === null ? null : utc - ARGENTINA_UTC_OFFSET_MS;
}

/** Epoch ms of the first instant after the Argentina day `date` (for inclusive `date_to`). */
export function argentinaDayEndMs(date: string): number | null {
  const start = argentinaDayStartMs(date);
  return start === null ? null : start + DAY_MS;
}

/** `YYYY-MM-DD HH:MM:SS` in Argentina time → epoch ms, or null. */
export function parseArgentinaDateTime(text: string): number | null {
  const match = DATE_TIME_PATTERN.exec(text);
  if (!match) return null;
  const [, y, mo, d, h, mi, s] = match.map(Number) as [number, number, number, number, number, number, number];
  const utc = utcFromParts(y, mo, d, h, mi, s);
  return utc === null ? null : utc - ARGENTINA_UTC_OFFSET_MS;
}

/** Epoch ms → `YYYY-MM-DD HH:MM:SS` in Argentina time. */
export function formatArgentinaDateTime(epochMs: number): string {
  return new Date(epochMs + ARGENTINA_UTC_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/** Epoch ms → `YYYY-MM-DD` (the Argentina calendar day). */
export function formatArgentinaDate(epochMs: number): string {
  return formatArgentinaDateTime(epochMs).slice(0, 10);
}

// ── Money ────────────────────────────────────────────────────────────────────────────────────────

/** Amounts sent to TelePagos: positive decimals with at most this many decimals. */
export const AMOUNT_MAX_DECIMALS = 2;
/**
 * How request amounts go on the wire. The document types every request `amount` as `decimal`: the
 * **assumption** is a JSON number written with the decimal's exact digits (`"amount":1500.50`), never
 * through a float; `string` sends `"amount":"1500.50"` instead. Switch: `TELEPAGOS_AMOUNT_FORMAT`.
 */
export const AMOUNT_WIRE_FORMATS = ['number', 'string'] as const;
export type AmountWireFormat = (typeof AMOUNT_WIRE_FORMATS)[number];
export const DEFAULT_AMOUNT_WIRE_FORMAT: AmountWireFormat = 'number';
/**
 * **assumption**: decimal amounts in responses (`Tx.amount`, `cashin.amount`, notifications) are strings
 * with two decimals, `"1500.50"` (Laravel's `decimal:2` cast): the sandbox writes them so, and clients
 * read a number (or a string with other decimals) exactly too, counting it as a wire surprise. No switch:
 * read both ways.
 */
export const DECIMAL_WIRE_FORMAT = { type: 'string', decimals: 2 } as const;
/** A decimal amount as DECIMAL_WIRE_FORMAT writes it: integer cents → `"1500.50"`. */
export function decimalWire(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(DECIMAL_WIRE_FORMAT.decimals, '0')}`;
}
/**
 * **assumption**: `balance.amount` is an integer of whole pesos, the cents truncated (not rounded);
 * `cents` reads it as an integer of cents instead. An integer cannot say which, so this is a switch:
 * `TELEPAGOS_BALANCE_UNIT`; the sandbox plays either (wire choice `balanceUnit`).
 */
export const BALANCE_UNITS = ['pesos', 'cents'] as const;
export type BalanceUnit = (typeof BALANCE_UNITS)[number];
export const DEFAULT_BALANCE_UNIT: BalanceUnit = 'pesos';
/**
 * The cash-out `id`: an integer in the document, a string in a public client's fixtures. The sandbox
 * answers the document's integer; clients read either (the other counted as a wire surprise) and
 * expose a string. No switch: read both ways.
 */
export const CASHOUT_ID_WIRE_TYPE = 'number' as const;

// ── Transactions ─────────────────────────────────────────────────────────────────────────────────

/**
 * **assumption**: Laravel's default page size, what the sandbox pages by. Clients read the page size from
 * each answer's `pagination` (TRANSACTIONS_PAGE_SIZE_FIELD) and the page count from `pages`, never this.
 */
export const TRANSACTIONS_PAGE_SIZE = 15;
/**
 * **assumption**: the field of a paginated listing that holds the page size: `pagination` (the document
 * names it without saying what it holds; Laravel's paginator calls the page size `per_page`). No switch,
 * read both ways: a page before the last is full, so its row count is the page size when they differ.
 */
export const TRANSACTIONS_PAGE_SIZE_FIELD = 'pagination';
/**
 * **assumption**: `v2/account/transactions` lists newest first (by `date`; rows of the same second in
 * reverse arrival order), so the newest rows are on page 1 and a first page of the read API or the
 * activity feed reads only the pages it shows. `oldest-first` reads whole listings and sorts them
 * instead (no newest-first shortcut). Switch: `TELEPAGOS_TRANSACTIONS_ORDER`; the sandbox plays either
 * (wire choice `transactionsOrder`).
 */
export const TRANSACTIONS_ORDERS = ['newest-first', 'oldest-first'] as const;
export type TransactionsOrder = (typeof TRANSACTIONS_ORDERS)[number];
export const DEFAULT_TRANSACTIONS_ORDER: TransactionsOrder = 'newest-first';

/** **assumption**: `income` 1 = money in, 0 = money out. */
export const TX_INCOME = { in: 1, out: 0 } as const;
export type TxIncome = (typeof TX_INCOME)[keyof typeof TX_INCOME];

/** **assumption**: `Tx.status` is one of these Spanish words. */
export const TX_STATUS = { approved: 'Aprobada', pending: 'Pendiente', rejected: 'Rechazada' } as const;
export type TxStatus = (typeof TX_STATUS)[keyof typeof TX_STATUS];

/** **assumption**: `type` of an operation in `transactions_filters`. */
export const OPERATION_TYPE = { in: 'ingreso', out: 'egreso' } as const;

/**
 * **assumption**: the `transactions_filters` operations; `Tx.operation` carries the operation's `id`,
 * and the `operation` query parameter takes it.
 */
export const OPERATIONS = [
  { id: 'cashout', name: 'Transferencia enviada', type: OPERATION_TYPE.out },
  { id: 'cashin', name: 'Transferencia recibida', type: OPERATION_TYPE.in },
  { id: 'qr_payment', name: 'Cobro con QR', type: OPERATION_TYPE.in },
  { id: 'link_payment', name: 'Cobro con link de pago', type: OPERATION_TYPE.in },
  { id: 'service_payment', name: 'Pago de servicios', type: OPERATION_TYPE.out },
] as const;
export type OperationId = (typeof OPERATIONS)[number]['id'];
export const OPERATION_IDS = {
  cashout: 'cashout',
  transferIn: 'cashin',
  qrPayment: 'qr_payment',
  linkPayment: 'link_payment',
  servicePayment: 'service_payment',
} as const satisfies Record<string, OperationId>;

// ── Concepts ─────────────────────────────────────────────────────────────────────────────────────

/** **assumption**: BCRA-style transfer concepts `{ id, description }` (VAR/ALQ/HON/FAC seen in public clients). */
export const CONCEPTS = [
  { id: 'VAR', description: 'Varios' },
  { id: 'ALQ', description: 'Alquileres' },
  { id: 'CUO', description: 'Cuotas' },
  { id: 'EXP', description: 'Expensas' },
  { id: 'FAC', description: 'Facturas' },
  { id: 'PRE', description: 'Préstamos' },
  { id: 'SEG', description: 'Seguros' },
  { id: 'HON', description: 'Honorarios' },
  { id: 'HAB', description: 'Haberes' },
] as const;
export type ConceptId = (typeof CONCEPTS)[number]['id'];

// ── Sale points, QR, statistics ──────────────────────────────────────────────────────────────────

/** **assumption**: a sale point's `status`. */
export const SALE_POINT_STATUS = { active: 'active', inactive: 'inactive' } as const;
export type SalePointStatus = (typeof SALE_POINT_STATUS)[keyof typeof SALE_POINT_STATUS];
/**
 * **assumption**: `type_amount` and `sale_point_id` of `GET …/sale-point/static` go in the query string,
 * where every GET parameter of the API goes *(public)*; the document draws them as a body. No switch: a
 * body on a GET is dropped by proxies and many HTTP stacks; the sandbox reads either.
 */
export const STATIC_QR_PARAMETERS_IN = 'query-string' as const;
/** `type_amount` of a static QR: closed = the issuer sets the amount (orders), open = the payer does. */
export const STATIC_QR_TYPES = ['closed', 'open'] as const;
export type StaticQrType = (typeof STATIC_QR_TYPES)[number];

/** **assumption**: `qr_code` is an EMVCo merchant-presented string: it starts so and ends `6304` + CRC16. */
export const EMVCO_QR_PREFIX = '000201';
export const EMVCO_CRC_TAG = '6304';

/**
 * **assumption**: a payment link's `distribution` (the document: a list of `{ cvu, amount }`) has at most
 * 20 parts, and its amounts add up exactly to the link's `amount`. Checked before sending, and by the
 * sandbox. No switch: the constants (a refusal by TelePagos would be an error, never lost money).
 */
export const DISTRIBUTION_RULES = { maxParts: 20, sumsToAmount: true } as const;

/**
 * **assumption**: the longest texts TelePagos takes: `concept` (a code) 20 characters, `description`
 * (shown on receipts) 140, `reference_id` 64 of REFERENCE_ID_PATTERN. Checked before sending (the read
 * and write API's input rules), and by the sandbox. No switch: the constants.
 */
export const TELEPAGOS_TEXT_LIMITS = { concept: 20, description: 140, referenceId: 64 } as const;
/** **assumption**: the characters of a `reference_id`: printable, no spaces. */
export const REFERENCE_ID_PATTERN = /^[A-Za-z0-9._:-]+$/;
export const REFERENCE_ID_DESCRIPTION = "letters, digits, '.', '_', ':' or '-'";

/** **assumption**: the `{period}` of the statistics endpoint is a calendar month. */
export const STATISTICS_PERIOD_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;

// ── The envelope's status word ───────────────────────────────────────────────────────────────────

/**
 * **assumption**: what an answer's `status` word says. The documents print `"status": "ok"` on some
 * endpoints but only `"status": string` on others (the token, the balance, the cash-out among them), and
 * `"status": error` with a `message` for a refusal. So an answer is judged by its documented payload (a
 * token, an id, the fields asked for), not by an exact word, and the word is read liberally (any case,
 * spaces around it) by `telepagosStatusWord`:
 * - a refusal word (TELEPAGOS_REFUSAL_WORDS, or `false`) is a refusal, whatever else the body carries;
 * - any other answer is read for the endpoint's documented payload: present, the call succeeded; missing,
 *   it is a BAD_RESPONSE, whatever the word. A success word (TELEPAGOS_SUCCESS_WORDS, or `true`) other
 *   than the documented one is a `coerced_type` wire surprise; an unknown word, or none, is an
 *   `unknown_status` one (counted, logged once). An answer whose documented payload is `status` alone
 *   (deleting a sale point) has nothing else to judge it by, so only a success word is success there.
 * An unknown word is never read as a refusal: for a cash-out that would say no money moved when it may
 * have (a BAD_RESPONSE keeps the outcome open, and the same reference_id is replayed safely).
 * The sandbox plays the other words: `SANDBOX_VARIANT=alternate` answers success with
 * TELEPAGOS_ALTERNATE_SUCCESS_WORDS, and a `status-word` fault forces any word on any route.
 */
export const TELEPAGOS_DOCUMENTED_SUCCESS_WORD = 'ok';
/** The documented refusal word (`{ status: "error", message }`). */
export const TELEPAGOS_DOCUMENTED_REFUSAL_WORD = 'error';
/** **assumption**: words meaning success, compared lower-cased and trimmed. */
export const TELEPAGOS_SUCCESS_WORDS: readonly string[] = [
  TELEPAGOS_DOCUMENTED_SUCCESS_WORD,
  'success',
  'successful',
  'succeeded',
  'true',
  'done',
  'exito',
  'éxito',
  'exitoso',
  'correcto',
];
/** **assumption**: words meaning refusal, compared lower-cased and trimmed. */
export const TELEPAGOS_REFUSAL_WORDS: readonly string[] = [
  TELEPAGOS_DOCUMENTED_REFUSAL_WORD,
  'errors',
  'fail',
  'failed',
  'failure',
  'false',
  'ko',
  'rejected',
  'refused',
  'denied',
  'invalid',
  'rechazado',
  'rechazada',
  'denegado',
  'denegada',
  'fallido',
  'fallida',
  'fallo',
  'falló',
];
/** The other success words the sandbox's alternate variant answers with: POSTs (the token, the cash-out) and the rest. */
export const TELEPAGOS_ALTERNATE_SUCCESS_WORDS = { post: 'success', other: 'OK' } as const;

export type TelepagosStatusWord = 'success' | 'refusal' | 'unknown';

const SUCCESS_WORDS = new Set(TELEPAGOS_SUCCESS_WORDS);
const REFUSAL_WORDS = new Set(TELEPAGOS_REFUSAL_WORDS);

/** What an answer's `status` says: a success word, a refusal word, or nothing we know (a word, none, another type). */
export function telepagosStatusWord(status: unknown): TelepagosStatusWord {
  if (status === true) return 'success';
  if (status === false) return 'refusal';
  if (typeof status !== 'string') return 'unknown';
  const word = status.trim().toLowerCase();
  return SUCCESS_WORDS.has(word) ? 'success' : REFUSAL_WORDS.has(word) ? 'refusal' : 'unknown';
}

// ── Errors ───────────────────────────────────────────────────────────────────────────────────────

/**
 * **assumption**: HTTP status per kind of failure. `forbidden` is ours too (the statistics endpoint for a
 * user not tied to the collecting account). TelePagos may also answer HTTP 200 with `status: "error"` (or
 * another refusal word): clients check `status` before the HTTP code.
 */
export const ERROR_HTTP_STATUS = {
  unauthorized: 401,
  forbidden: 403,
  notFound: 404,
  conflict: 409,
  invalidInput: 422,
  internal: 500,
} as const;

/** Messages clients may recognise. The first two are public; the rest are **assumptions**. */
export const TELEPAGOS_MESSAGES = {
  wrongCredentials: 'Wrong credentials',
  aliasOfAnotherHolder: (alias: string) => `The alias ${alias} belongs to another holder`,
  tokenMissing: 'Token not provided',
  tokenInvalid: 'Token is invalid',
  tokenExpired: 'Token has expired',
} as const;

/**
 * **assumption**: the words of an error `message` that mean the token is invalid or expired (TelePagos
 * states no codes and may answer errors with HTTP 200): on such an answer, whatever its HTTP status, the
 * token is renewed once and the call replayed once. Every token message above matches it.
 */
export const TOKEN_REFUSED_PATTERN =
  /token.*(invalid|expired|not provided|missing|revoked|inv[aá]lid|expirad|vencid)|(invalid|expired|inv[aá]lid|expirad|vencid).*token|unauthenticated|no autenticad/i;

/**
 * **assumption**: the words of an error `message` that mean the object asked for does not exist. An
 * error answered with HTTP 200 carries no code, so this is how it is still read as NOT_FOUND (a cash-in
 * or voucher that does not exist is not an error to the caller); any other such error is REJECTED.
 */
export const NOT_FOUND_PATTERN = /not found|no encontrad|no existe|inexistente/i;

/** The TelePagos error message of an answer (`{ status: "error", message }`, any refusal word), whatever its HTTP status. */
export function telepagosErrorMessage(body: unknown): unknown {
  if (typeof body !== 'object' || body === null) return undefined;
  return telepagosStatusWord((body as { status?: unknown }).status) === 'refusal' ? (body as { message?: unknown }).message : undefined;
}

// ── Notifications ────────────────────────────────────────────────────────────────────────────────

/** **assumption**: the `event` of a notification. */
export const NOTIFICATION_EVENTS = { cashinCredited: 'cashin.credited', cashoutUpdated: 'cashout.updated' } as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[keyof typeof NOTIFICATION_EVENTS];

/** **assumption**: the JSON TelePagos POSTs to the merchant's URL. A hint only: confirm with `cashin/{id}`. */
export interface TelepagosNotification {
  event: NotificationEvent;
  /** The cash-in id (`cashin.credited`) or the cash-out id (`cashout.updated`). */
  id: number;
  transaction_id: number | null;
  qr_order_id: number | null;
  link_id: number | null;
  reference_id: string | null;
  /** Decimal string, e.g. `"1500.50"`. */
  amount: string;
  status: TxStatus;
  /** `YYYY-MM-DD HH:MM:SS`, Argentina time. */
  date: string;
}

/** **assumption**: the header carrying the signature: lower-case hex HMAC-SHA256 of the raw body. */
export const SIGNATURE_HEADER = 'X-Signature';
export const SIGNATURE_HMAC_ALGORITHM = 'sha256';
export const SIGNATURE_ENCODING = 'hex' as const;
/** The X-Signature value of a notification body. */
export function telepagosSignature(rawBody: string | Buffer, secret: string): string {
  return createHmac(SIGNATURE_HMAC_ALGORITHM, secret).update(rawBody).digest(SIGNATURE_ENCODING);
}

/** Checks an X-Signature header in constant time (hex compared case-insensitively). */
export function verifyTelepagosSignature(header: string | undefined, rawBody: string | Buffer, secret: string): boolean {
  if (!header) return false;
  const given = Buffer.from(header.trim().toLowerCase(), 'utf8');
  const expected = Buffer.from(telepagosSignature(rawBody, secret), 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** **assumption**: TelePagos retries a notification 5 times on a non-2xx answer. */
export const NOTIFICATION_RETRIES = 5;

/**
 * **assumption**: how a notification proves it is TelePagos' (nothing is documented): the assumed
 * `X-Signature` on POST /webhooks/telepagos, or, unsigned, the secret URL POST
 * /webhooks/telepagos/<token> (token from TELEPAGOS_WEBHOOK_SECRET: src/providers/webhook-url.ts).
 * The webhook routes accept exactly these.
 */
export const TELEPAGOS_NOTIFICATION_AUTH = ['signature', 'url-token'] as const;

/**
 * **assumption**: TelePagos record ids (cash-ins, cash-outs, sale points) are positive integers, written
 * as JSON integers. At most 15 digits, so that every one is exact as a JSON number (2^53 has 16 digits).
 * The one rule for every place that checks or sends one: the client refuses any other id before
 * sending, lookups by id answer null for one, and notifications carrying one are no TelePagos notice.
 */
export const TELEPAGOS_ID_MAX_DIGITS = 15;
const TELEPAGOS_ID = new RegExp(`^\\d{1,${TELEPAGOS_ID_MAX_DIGITS}}$`);

/** Whether `id` is a TelePagos record id (TELEPAGOS_ID_MAX_DIGITS). */
export function isTelepagosId(id: string): boolean {
  return TELEPAGOS_ID.test(id);
}

/** A TelePagos record id inside a resource path such as `…/cashin/123`. */
const idInPath = (segment: string) => new RegExp(`${segment}\\/(\\d{1,${TELEPAGOS_ID_MAX_DIGITS}})(?!\\d)`, 'i');

/**
 * **assumption**: notifications may come in any shape (the documents describe none), so besides the
 * signed format above Pasarela reads any body for ids only (src/webhooks/hints.ts): a field named like
 * `cashin_id`/`cashout_id` (or just `cashin`), an `id` inside something named like a cash-in
 * (`transaction`, `credit`, `acreditacion`…) or a cash-out, or beside a `type`/`event`/`kind` saying so,
 * a resource path `…/cashin/<id>`. A bare `id` with nothing naming its kind is no identifier. Ids are
 * TelePagos numeric ids.
 */
export const TELEPAGOS_HINT_PATTERNS = {
  idFields: {
    cashin: /^(cash_?in|credit|acreditaci[oó]n)(_?id)?$/i,
    cashout: /^(cash_?out|payout|withdrawal|transfer_?out)(_?id)?$/i,
  },
  kindWords: {
    cashin: /(^|[^a-z])(cash_?ins?|credit(s|ed)?|acreditaci[oó]n(es)?|transactions?|deposits?|payments?|cobros?|qr_?orders?)/i,
    cashout: /(^|[^a-z])(cash_?outs?|payouts?|withdrawals?|transfers?|transferencias?)/i,
  },
  valuePaths: { cashin: idInPath('cashin'), cashout: idInPath('cashout') },
  idValue: TELEPAGOS_ID,
} as const;
export type TelepagosHintKind = keyof typeof TELEPAGOS_HINT_PATTERNS.idFields;

/**
 * **assumption**: a cash-in that `cashin/{id}` returns has been credited ("una acreditación recibida";
 * the answer has no status of its own), and a credit changes no more: its confirmed state, whatever
 * notified it. A signed notification's `Aprobada` is the same state.
 */
export const CASHIN_CREDITED_STATE = 'credited';
/** **assumption**: cash-in statuses after which nothing changes (`Aprobada` = credited). */
export const CASHIN_FINAL_STATES: readonly string[] = [CASHIN_CREDITED_STATE, TX_STATUS.rejected];

// ── What the documents do not require ────────────────────────────────────────────────────────────

/**
 * Rules no TelePagos document states, which the sandbox enforces only when asked (its `strict` option or
 * `PUT /_sandbox/strict`); off, it accepts what the documents allow.
 * - `emptyJsonBody`: refuse `content-type: application/json` with an empty body.
 * - `cvuHolder`: refuse a CVU/CBU the sandbox knows when the `cuit` sent with it is not its holder's (a
 *   cash-out's destination, a transfer link's payer): the document asks for the `cuit` but says nothing of
 *   a check (only the alias check has a public message, and stays on).
 */
export const TELEPAGOS_STRICT_RULES = { emptyJsonBody: 'empty-json-body', cvuHolder: 'cashout-cvu-holder' } as const;

/**
 * The guesses the gateway has a setting for, as the sandbox plays them (`wire` option, `PUT
 * /_sandbox/wire`): each choice's answers, the guess first. Settings: TELEPAGOS_TRANSACTIONS_ORDER,
 * TELEPAGOS_BALANCE_UNIT (src/config.ts).
 */
export const TELEPAGOS_WIRE_CHOICES = { transactionsOrder: TRANSACTIONS_ORDERS, balanceUnit: BALANCE_UNITS } as const;

/** **assumption**: an integrator's rate limit (none is documented). */
export const RATE_LIMIT_PER_MINUTE = 60;

// ── Cash-out outcomes after a lost answer (docs/providers.md, "Outcomes") ───────────────────────────

/**
 * *(documented)*: "En caso de tener que reintentar o bien obtener el resultado, es importante siempre
 * utilizar los mismos datos junto al reference_id" — the same data and reference_id again returns the
 * result. The sandbox answers so by default; `conflict` is a fault it can play (a replay answered 409).
 */
export const CASHOUT_REPLAY_ANSWERS = ['result', 'conflict'] as const;
export type CashoutReplayAnswer = (typeof CASHOUT_REPLAY_ANSWERS)[number];
export const DEFAULT_CASHOUT_REPLAY_ANSWER: CashoutReplayAnswer = 'result';
/** What the sandbox's `conflict` replay answers (HTTP 409), as reported in issue 27. */
export const CASHOUT_REPLAY_CONFLICT_MESSAGE = 'reference_id already used';

/**
 * **assumption**: a transfer TelePagos made shows in `v2/account/transactions` (operation `cashout`)
 * within this long. A search sooner that finds nothing proves nothing; one later that finds nothing still
 * proves nothing either (the listing is not documented as complete), so "not found" is never a refusal:
 * the outcome stays unknown. Re-reading until at least this long after the attempt is worth it.
 */
export const CASHOUT_LISTING_DELAY_MS = 2 * 60 * 1000;

/**
 * **assumption**: TelePagos' clock (its listing's `date`, whole seconds, Argentina time) and ours agree
 * within this much; the listing is searched from this long before the first attempt.
 */
export const CASHOUT_LISTING_CLOCK_SKEW_MS = 5 * 60 * 1000;

/**
 * **assumption**: a listed row is our transfer when it is outgoing (operation `cashout`), of the same
 * amount, to the same CUIT, and, for a CBU/CVU destination, to the same `cvu_cbu` (an alias is not listed:
 * then amount, CUIT and time must do), dated from the first attempt (less the skew) on. Exactly one such
 * row is needed: two or more (the same amount to the same person twice in the window) stay unknown.
 */
export const CASHOUT_LISTING_MATCH = ['operation', 'amount', 'cuit', 'cvu_cbu-when-cbu-given', 'date-after-first-attempt'] as const;
