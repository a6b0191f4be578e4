/**
 * Every fact and assumption about Tupay's merchant reconciliation API (a white-label of Directa24), as
 * named constants and tiny pure functions. Source: docs/providers.md, "Tupay". Both the
 * Tupay sandbox and the gateway's Tupay client import this file, so it depends on nothing of either.
 * Each item says whether it comes from the seed, from public sources, or is an **assumption**.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

// ── Hosts and paths ────────────────────────────────────────────────────────────────────────────────

/** Public: base URLs; clients append the paths below (no leading slash). */
export const TUPAY_HOSTS = {
  staging: 'https://merchants-api-stg.tupayonline.com/',
  production: 'https://merchants-api.tupayonline.com/',
} as const;

/** Seed + public: relative paths. The seed spells cash-outs `v1/cashout`, Directa24 `v1/cashouts`. */
export const TUPAY_PATHS = {
  login: 'v1/auth/login',
  destroySession: 'v1/auth/session/destroy',
  deposits: 'v1/deposits',
  cashouts: 'v1/cashout',
  balance: 'v1/balance',
  balanceReport: 'v1/balance/report',
} as const;

/** Every spelling of the cash-out listing; a server (our sandbox) serves all of them. */
export const TUPAY_CASHOUT_PATHS = ['v1/cashout', 'v1/cashouts'] as const;

// ── Session ────────────────────────────────────────────────────────────────────────────────────────

/** Public: the session expires 15 minutes after its last request. */
export const TUPAY_SESSION_LIFETIME_SECONDS = 15 * 60;
/** Public: every authenticated request renews the session (sliding expiry). */
export const TUPAY_SESSION_SLIDING = true;
/** Seed: login answers `Set-Cookie: BEARER_TOKEN=<token>`; the token goes back on every request. */
export const TUPAY_SESSION_COOKIE = 'BEARER_TOKEN';

/** What a client sends: the cookie (the form the seed's destroy endpoint requires). */
export function tupayCookieHeader(token: string): string {
  return `${TUPAY_SESSION_COOKIE}=${token}`;
}

/** The token from a `Cookie` request header holding any number of cookies. */
export function tupayTokenFromCookieHeader(cookie: string | undefined): string | undefined {
  if (!cookie) return undefined;
  for (const part of cookie.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === TUPAY_SESSION_COOKIE) return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}

/** The token from login's `Set-Cookie` response header(s); the attributes after `;` are ignored. */
export function tupayTokenFromSetCookie(setCookie: string | string[] | undefined): string | undefined {
  const headers = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  for (const header of headers) {
    const token = tupayTokenFromCookieHeader(header.split(';')[0]);
    if (token) return token;
  }
  return undefined;
}

/**
 * Seed: `Authorization: BEARER_TOKEN=<token>` in its header table, `Authorization: Bearer <token>` in its
 * prose. A server accepts both; the token, or undefined for any other scheme.
 */
export function tupayTokenFromAuthorization(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = new RegExp(`^(?:${TUPAY_SESSION_COOKIE}=|Bearer\\s+)(\\S+)$`, 'i').exec(header.trim());
  return match?.[1];
}

// ── Listings: range, paging, filters ───────────────────────────────────────────────────────────────

/**
 * Public: `from` and `to` are Unix timestamps in **seconds** (integers) of the creation date (the
 * document lost the words saying so). A provider meaning milliseconds would read our seconds as January
 * 1970 and answer empty listings while every range check passed, so `milliseconds` sends them so instead.
 * Switch: `TUPAY_RANGE_UNIT`; the sandbox plays either (wire choice `rangeUnit`).
 */
export const TUPAY_RANGE_UNITS = ['seconds', 'milliseconds'] as const;
export type TupayRangeUnit = (typeof TUPAY_RANGE_UNITS)[number];
export const DEFAULT_TUPAY_RANGE_UNIT: TupayRangeUnit = 'seconds';
/** Seed: at most 60 days between `from` and `to`; `from` ≤ `to`. */
export const TUPAY_MAX_RANGE_SECONDS = 60 * 24 * 60 * 60;
/**
 * The largest `to − from` a client sends: a second inside the documented edge, so a server that reads
 * "up to 60 days" as strictly less still answers (a window covers 60 days exactly, both ends included).
 */
export const TUPAY_SAFE_RANGE_SECONDS = TUPAY_MAX_RANGE_SECONDS - 1;
/**
 * **Assumption**: both ends are inclusive (`from` ≤ creationDate ≤ `to`); `exclusive` reads `to` as the
 * first instant not listed, so clients send one unit past the last instant they want (and keep their
 * windows one second shorter, inside the 60 days). Switch: `TUPAY_RANGE_END`; the sandbox plays either
 * (wire choice `rangeEnd`).
 */
export const TUPAY_RANGE_ENDS = ['inclusive', 'exclusive'] as const;
export type TupayRangeEnd = (typeof TUPAY_RANGE_ENDS)[number];
export const DEFAULT_TUPAY_RANGE_END: TupayRangeEnd = 'inclusive';

/**
 * A listing's `from`/`to` as sent for the whole seconds [fromSec, toSec] (both included), in the unit and
 * end reading given (TUPAY_RANGE_UNITS, TUPAY_RANGE_ENDS).
 */
export function tupayWireRange(fromSec: number, toSec: number, unit: TupayRangeUnit, end: TupayRangeEnd): { from: number; to: number } {
  const scale = unit === 'milliseconds' ? 1000 : 1;
  const to = end === 'exclusive' ? (toSec + 1) * scale : (toSec + 1) * scale - 1;
  return { from: fromSec * scale, to };
}
/** Seed: pages count from 0. */
export const TUPAY_FIRST_PAGE = 0;
/** Seed: at most 50 records per page (`maxRows`; read it from the response when present). */
export const TUPAY_MAX_ROWS = 50;
/**
 * **Assumption**: records come ordered by creationDate ascending (then by id), so records created while
 * a client pages through a range land after the pages it has already read.
 */
export const TUPAY_RECORD_ORDER = 'creationDate-ascending';

/** Seed: "while rows == maxRows ask for page + 1" (an exact multiple of maxRows ends with a 0-row page). */
export function tupayHasNextPage(page: { rows: number; maxRows: number }): boolean {
  return page.rows === page.maxRows;
}

/** **Assumption**: Tupay's local time is Lima's, UTC−05:00 (no daylight saving): a date without an offset is read in it. */
export const TUPAY_UTC_OFFSET_MINUTES = -5 * 60;
/** The same assumption as an IANA zone: a merchant's calendar day at Tupay is a Lima day. */
export const TUPAY_TIME_ZONE = 'America/Lima';
/** Public: dates are ISO 8601 in UTC at second precision, `2026-01-10T13:41:57Z`. */
export const TUPAY_DATE_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/** Seed: the only country. */
export const TUPAY_COUNTRY = 'PE';
/** Public: deposits' `localCurrency`. */
export const TUPAY_LOCAL_CURRENCY = 'PEN';
/** Seed: payment method codes (`paymentMethod` filter, `paymentMethodCode` field). */
export const TUPAY_PAYMENT_METHODS = ['XA', 'XAQR'] as const;
export type TupayPaymentMethod = (typeof TUPAY_PAYMENT_METHODS)[number];
/** **Assumption**: the `paymentMethodName` shown for each code. */
export const TUPAY_PAYMENT_METHOD_NAMES: Record<TupayPaymentMethod, string> = {
  XA: 'Transferencia bancaria',
  XAQR: 'Pago con QR',
};
/**
 * **Assumption**: cash-out records carry no payment method, so the seed's `paymentMethod` parameter on
 * `v1/cashout` is accepted (and validated) but filters nothing.
 */
export const TUPAY_CASHOUT_PAYMENT_METHOD_FILTERS = false;

/** Seed: deposit statuses. */
export const TUPAY_DEPOSIT_STATUSES = ['PENDING', 'APPROVED', 'COMPLETED', 'CANCELLED', 'DECLINED'] as const;
export type TupayDepositStatus = (typeof TUPAY_DEPOSIT_STATUSES)[number];
/** Seed: cash-out statuses. */
export const TUPAY_CASHOUT_STATUSES = ['ON_HOLD', 'PENDING', 'DELIVERED', 'COMPLETED', 'REJECTED', 'CANCELLED', 'DECLINED'] as const;
export type TupayCashoutStatus = (typeof TUPAY_CASHOUT_STATUSES)[number];

/**
 * **assumption**: the field names of Tupay's records are Directa24's (its public reference; Tupay's
 * document names none): what the sandbox writes, and what clients read (the ids, `creationDate`,
 * `status`, the amounts…); any other field is an `unknown_field` wire surprise. No switch: a record
 * missing a field clients need is skipped and reported (`skipped_row`), never read wrong.
 */
export const TUPAY_RECORD_FIELDS = {
  deposit: [
    'idDeposit',
    'externalId',
    'creationDate',
    'country',
    'paymentMethodCode',
    'paymentMethodName',
    'clientDocument',
    'amount',
    'currency',
    'localAmount',
    'localCurrency',
    'fee',
    'feeCurrency',
    'lastChangeDate',
    'status',
    'idUser',
    'idMerchant',
    'merchantName',
    'flags',
    'refundAttempted',
  ],
  cashout: [
    'idCashout',
    'externalId',
    'creationDate',
    'country',
    'currency',
    'amount',
    'creditedCurrency',
    'creditedAmount',
    'merchantCurrency',
    'merchantAmount',
    'fee',
    'feeCurrency',
    'tax',
    'lastChangeDate',
    'status',
    'clientDocument',
    'flags',
    'idMerchant',
    'merchantName',
    'reason',
    'existVoucher',
  ],
  reportRow: [
    'idMerchant',
    'date',
    'currency',
    'depositTotal',
    'cashoutTotal',
    'noteTotal',
    'settlementTotal',
    'cancelledSettlementTotal',
    'depositFeeTotal',
    'netAmount',
    'totalBalance',
  ],
} as const;

/** Public + seed: the client document filter; send both spellings, a server accepts either. */
export const TUPAY_DOCUMENT_PARAMS = ['clientDocument', 'clienteDocument'] as const;

// ── Balance ────────────────────────────────────────────────────────────────────────────────────────

/** Public: the balance type of `v1/balance` entries. */
export const TUPAY_BALANCE_TYPE = 'PRIMARY';
/** Public `totalBalance`; **assumption** for the other two fields of `data`. */
export const TUPAY_BALANCE_FIELDS = ['totalBalance', 'availableBalance', 'pendingSettlementAmount'] as const;
/**
 * The balance report's `from`/`to` are typed "string" in the document (the listings': integer). The
 * **assumption** is Unix seconds like the listings; `date` sends UTC days as `YYYY-MM-DD` (`to` is then
 * the last day asked for, whole). Switch: `TUPAY_REPORT_RANGE_FORMAT` (the Unix form follows
 * TUPAY_RANGE_UNITS and TUPAY_RANGE_ENDS like the listings).
 */
export const TUPAY_REPORT_RANGE_FORMATS = ['unix-seconds', 'date'] as const;
export type TupayReportRangeFormat = (typeof TUPAY_REPORT_RANGE_FORMATS)[number];
export const DEFAULT_TUPAY_REPORT_RANGE_FORMAT: TupayReportRangeFormat = 'unix-seconds';
/** A report `from`/`to` day in the `date` form: the UTC day of `sec`. */
export const tupayReportDay = (sec: number): string => new Date(sec * 1000).toISOString().slice(0, 10);
/** **Assumption**: balance report days are UTC days, dated `YYYY-MM-DDT00:00:00Z`. */
export const TUPAY_REPORT_DAY_SECONDS = 24 * 60 * 60;

// ── Errors ─────────────────────────────────────────────────────────────────────────────────────────

/** Public: a non-whitelisted IP gets 403 with this code. */
export const TUPAY_IP_NOT_ALLOWED_CODE = 83;
/** **Assumption**: 401 for a missing/expired/destroyed session or wrong credentials. */
export const TUPAY_UNAUTHORIZED_STATUS = 401;
/** **Assumption**: 400 for a bad range (missing, not an integer, `from` > `to`, over 60 days). */
export const TUPAY_BAD_REQUEST_STATUS = 400;

/**
 * **Assumption**: the words of an error `description` that mean the session is invalid or expired. On
 * such an answer, whatever its HTTP status (401 always counts), the session is opened again once and the
 * call replayed once. The sandbox's session messages match it.
 */
export const TUPAY_SESSION_REFUSED_PATTERN =
  /(session|token|cookie).*(invalid|expired|destroyed|not found)|(invalid|expired).*(session|token)|log ?in (again|first)|unauthenticated/i;

/** The message of a Tupay error body (`description`, or `message`), whatever its HTTP status. */
export function tupayErrorMessage(body: unknown): unknown {
  if (typeof body !== 'object' || body === null) return undefined;
  const { description, message } = body as { description?: unknown; message?: unknown };
  return description ?? message;
}

/** **Assumption**: error bodies are `{ code, description }`. */
export interface TupayErrorBody {
  code: number;
  description: string;
}

/** **Assumption**: the `code` of an error body is the HTTP status, except 403 (the public code 83). */
export function tupayErrorCode(status: number): number {
  return status === 403 ? TUPAY_IP_NOT_ALLOWED_CODE : status;
}

/**
 * Rules no Tupay document states, which the sandbox enforces only when asked (its `strict` option or
 * `PUT /_sandbox/strict`); off, it accepts what the documents allow.
 * - `emptyJsonBody`: refuse `content-type: application/json` with an empty body (the destroy call has none).
 * - `rangeEdge`: read "a maximum difference of up to 60 days" as strictly less than 60 days, refusing a
 *   range at the edge (clients keep a margin: TUPAY_SAFE_RANGE_SECONDS).
 */
export const TUPAY_STRICT_RULES = { emptyJsonBody: 'empty-json-body', rangeEdge: 'range-edge-exclusive' } as const;

/**
 * The guesses the gateway has a setting for, as the sandbox plays them (`wire` option, `PUT
 * /_sandbox/wire`): each choice's answers, the guess first. Settings: TUPAY_RANGE_UNIT, TUPAY_RANGE_END
 * (src/config.ts).
 */
export const TUPAY_WIRE_CHOICES = { rangeUnit: TUPAY_RANGE_UNITS, rangeEnd: TUPAY_RANGE_ENDS } as const;

/** **Assumption**: `DELETE v1/auth/session/destroy` answers 200 with an empty body; clients ignore it. */
export const TUPAY_DESTROY_STATUS = 200;

// ── Deposit notifications ──────────────────────────────────────────────────────────────────────────

/** Public: the body of a deposit notification carries the id only: `{ deposit_id }`. */
export interface TupayNotificationBody {
  deposit_id: number;
}
/** Public: 5 retries after the first attempt on non-2xx, after 5, 25, 125, 625… minutes. */
export const TUPAY_NOTIFICATION_RETRIES = 5;
export const TUPAY_NOTIFICATION_FIRST_RETRY_MINUTES = 5;
export const TUPAY_NOTIFICATION_RETRY_FACTOR = 5;

/**
 * **Assumption**: how a notification proves it is Tupay's (nothing is documented): the assumed signed
 * headers on POST /webhooks/tupay, or, unsigned, the secret URL POST /webhooks/tupay/<token> (token
 * from TUPAY_WEBHOOK_SECRET: src/providers/webhook-url.ts). The webhook routes accept exactly these.
 */
export const TUPAY_NOTIFICATION_AUTH = ['signature', 'url-token'] as const;

/**
 * **Assumption**: a notification may come in another shape than `{ deposit_id }` (or through another
 * Tupay product), so Pasarela reads any body for ids only (src/webhooks/hints.ts): a field named like
 * `deposit_id`/`idDeposit`/`depositId` (or just `deposit`), an `id` inside something named like a
 * deposit (`payin`, `transaction`, `payment`…) or beside a `type`/`event` saying so, a path
 * `…/deposits/<id>`. A bare `id` with nothing naming its kind is no identifier. Ids are Tupay's
 * integer ids.
 */
export const TUPAY_HINT_PATTERNS = {
  idFields: { deposit: /^(id_?deposit|deposit(_?id)?)$/i },
  kindWords: { deposit: /(^|[^a-z])(deposits?|pay_?ins?|transactions?|payments?|dep[oó]sitos?)/i },
  valuePaths: { deposit: /deposits?\/(\d{1,18})(?!\d)/i },
  idValue: /^\d{1,18}$/,
} as const;

/**
 * **Assumption**: where a notification body may say when its deposit was made or changed, most
 * telling first (a deposit is listed by its creation date). Read within TUPAY_HINT_TIMESTAMP_ACCEPT.
 */
export const TUPAY_HINT_TIMESTAMP_FIELDS: readonly RegExp[] = [
  /^(creation_?date|created(_?at|_?on)?|date_?created)$/i,
  /^(last_?change_?date|updated(_?at)?|modified(_?at)?)$/i,
  /^(date|timestamp|time|occurred_?at|event_?time|sent_?at)$/i,
];
/** A body timestamp further than this from now is not believed (the arrival time is used instead). */
export const TUPAY_HINT_TIMESTAMP_ACCEPT = { pastMs: 30 * 86_400_000, futureMs: 86_400_000 } as const;

/**
 * `v1/deposits` cannot be asked for one id (its filters are dates, page, country, payment method,
 * status and client document), so a notified deposit is looked for around the notification's moment
 * (a timestamp in the body, else the signed X-Date, else its arrival), in two searches:
 * - narrow: ± 10 minutes around it, at most 2 pages;
 * - widened once (not found there), at most 4 pages: sought by id order at any age the listing allows
 *   (TUPAY_DEPOSIT_IDS_INCREASE), or, with that switch off, going back from the narrow window in slices
 *   of 3, 6, 12 and 24 hours (45 hours in all), the most recent first because a listing answers oldest
 *   first.
 * At most 6 listing calls in all, whatever the merchant's volume or the deposit's age; when the pages
 * run out first, the notification is answered 503 (retried), never scanned further.
 */
export const TUPAY_HINT_NARROW_WINDOW_SECONDS = 10 * 60;
export const TUPAY_HINT_NARROW_MAX_PAGES = 2;
export const TUPAY_HINT_WIDE_SLICES_HOURS: readonly number[] = [3, 6, 12, 24];
export const TUPAY_HINT_WIDE_MAX_PAGES = 4;
export const TUPAY_HINT_MAX_LISTING_CALLS = TUPAY_HINT_NARROW_MAX_PAGES + TUPAY_HINT_WIDE_MAX_PAGES;
/**
 * **Assumption**: a later deposit has a larger `idDeposit` (Directa24's ids are sequential integers), so
 * the widened search follows the ids it reads to a deposit of any age (src/providers/tupay/deposit-seek.ts).
 * False: the widened search reads the slices of TUPAY_HINT_WIDE_SLICES_HOURS instead.
 */
export const TUPAY_DEPOSIT_IDS_INCREASE = true;

/** **Assumption** (Tupay's deposit API signing): the header names of a signed notification. */
export const TUPAY_SIGNATURE_HEADERS = { date: 'X-Date', login: 'X-Login', authorization: 'Authorization' } as const;
/** **Assumption**: the `Authorization` prefix Tupay sends, and the prefixes a verifier accepts. */
export const TUPAY_SIGNATURE_PREFIX = 'TUPAY ';
export const TUPAY_ACCEPTED_SIGNATURE_PREFIXES = ['TUPAY ', 'D24 '] as const;
/** **Assumption**: `X-Date` is ISO 8601 in UTC at second precision, e.g. `2026-01-10T13:41:57Z`. */
export function tupayDateHeader(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** **Assumption**: hex HMAC-SHA256 of `X-Date + X-Login + raw body` with the notification secret. */
export function tupaySignature(date: string, login: string, rawBody: string | Buffer, secret: string): string {
  return createHmac('sha256', secret)
    .update(date + login)
    .update(rawBody)
    .digest('hex');
}

/** The `Authorization` header value of a notification: `TUPAY <signature>`. */
export function tupayAuthorizationHeader(date: string, login: string, rawBody: string, secret: string): string {
  return TUPAY_SIGNATURE_PREFIX + tupaySignature(date, login, rawBody, secret);
}

/** Checks an `Authorization` header (`TUPAY ` or `D24 ` prefix) in constant time. */
export function verifyTupaySignature(authorization: string | undefined, date: string, login: string, rawBody: string | Buffer, secret: string): boolean {
  if (!authorization) return false;
  const prefix = TUPAY_ACCEPTED_SIGNATURE_PREFIXES.find((p) => authorization.toUpperCase().startsWith(p));
  if (!prefix) return false;
  const given = Buffer.from(authorization.slice(prefix.length).trim().toLowerCase(), 'utf8');
  const expected = Buffer.from(tupaySignature(date, login, rawBody, secret), 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
