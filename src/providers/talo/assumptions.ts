/**
 * Everything we know or assume about Talo's e-commerce payments API, one named constant (or tiny pure
 * function) per fact, so the sandbox and the gateway's Talo client agree and an assumption is changed
 * in one place. Source: docs/providers.md, "Talo".
 * Facts marked "(seed)" come from Talo's document, "(public)" from public docs and clients,
 * "ASSUMPTION" from nobody: those are our best guess and clients must stay tolerant around them.
 * Pure data and pure functions only: no imports from sandbox or gateway code.
 */

// ── Hosts and paths ──────────────────────────────────────────────────────────────────────────────
/** (public) Production and Talo's own sandbox hosts; ours serve plain HTTP on loopback instead. */
export const TALO_PRODUCTION_URL = 'https://api.talo.com.ar';
export const TALO_PUBLIC_SANDBOX_URL = 'https://sandbox-api.talo.com.ar';

/** The token path with its `{user_id}` placeholder (a server routes it; clients use taloTokenPath). */
export const TALO_TOKEN_PATH = '/users/{user_id}/tokens';
/**
 * (public, not in Talo's document) Token endpoint: POST, no auth, body `{ client_id, client_secret }`;
 * the answer's `data` must hold TALO_TOKEN_DATA_FIELDS. No switch: the path and fields of Talo's
 * public docs and clients (another answer is UNAUTHENTICATED at the first call, never a silent error).
 */
export const taloTokenPath = (userId: string): string => TALO_TOKEN_PATH.replace('{user_id}', encodeURIComponent(userId));
/** **assumption**: the fields the token answer's `data` must carry (`{ token }`); the token's expiry is read from the JWT. */
export const TALO_TOKEN_DATA_FIELDS = ['token'] as const;
/** (seed) Create with a trailing slash, as every example writes it; the sandbox also serves `/payments`. */
export const TALO_CREATE_PAYMENT_PATH = '/payments/';
export const taloPaymentPath = (paymentId: string): string => `/payments/${encodeURIComponent(paymentId)}`;

// ── Envelope and errors ─────────────────────────────────────────────────────────────────────────
/** (seed) Every body is `{ message, error, data }`; failures have `error: true` (sometimes a `code`). */
export interface TaloEnvelope<T> {
  message: string;
  error: boolean;
  data: T;
  code?: number | string;
}

/** (public) HTTP statuses Talo answers with, and what they mean. */
export const TALO_HTTP_STATUS = {
  badParameter: 400,
  /** Missing, invalid or expired token; also wrong client credentials (ASSUMPTION for the latter). */
  unauthorized: 401,
  /** Authenticated but not allowed: another user's token or payment. */
  forbidden: 403,
  notFound: 404,
  validation: 422,
  internal: 500,
} as const;

/**
 * ASSUMPTION: a created payment answers 200 (public client fixtures show 200, never 201). Clients must
 * accept any 2xx whose body has `error: false`.
 */
export const TALO_CREATE_PAYMENT_STATUS = 200;

/**
 * ASSUMPTION: the envelope's `error` flag, documented a boolean, in every plausible form: `"true"`/`"1"`/`1`
 * read as true, `"false"`/`"0"`/`0` as false (any case, spaces around); anything else is undefined. The
 * flag is Talo's only verdict word: true is a refusal; otherwise the answer is judged by its payload
 * (`data`: present, success; missing, BAD_RESPONSE), whatever the flag or the `message` says.
 */
export function taloErrorFlag(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 1 || value === 0) return value === 1;
  if (typeof value !== 'string') return undefined;
  const word = value.trim().toLowerCase();
  return word === 'true' || word === '1' ? true : word === 'false' || word === '0' ? false : undefined;
}

/** A body is a failure when the HTTP status is not 2xx or the envelope says `error: true` (in any form of it). */
export function isTaloFailure(httpStatus: number, body: unknown): boolean {
  if (httpStatus < 200 || httpStatus >= 300) return true;
  return typeof body === 'object' && body !== null && taloErrorFlag((body as { error?: unknown }).error) === true;
}

// ── Authentication ──────────────────────────────────────────────────────────────────────────────
/**
 * ASSUMPTION: the words of an error `message` that mean the token is invalid or expired. On such an
 * answer, whatever its HTTP status (401 always counts), the token is renewed once and the call replayed
 * once. The sandbox's token messages match it.
 */
export const TALO_TOKEN_REFUSED_PATTERN = /token.*(invalid|expired|missing|revoked)|(invalid|expired|missing).*token|unauthenticated/i;

/** The message of a Talo failure (`{ message, error: true }`), whatever its HTTP status. */
export function taloErrorMessage(body: unknown): unknown {
  if (typeof body !== 'object' || body === null) return undefined;
  const { error, message } = body as { error?: unknown; message?: unknown };
  return taloErrorFlag(error) === true ? message : undefined;
}
/** (public) A token lives one hour; there is no refresh endpoint: ask for a new one. */
export const TALO_TOKEN_LIFETIME_SECONDS = 3600;
/** ASSUMPTION: renew this long before `exp` so a request never leaves with a token about to die. */
export const TALO_TOKEN_RENEW_MARGIN_SECONDS = 60;
/**
 * (public) The token is a JWT carrying `exp` (Unix seconds). Some clients prefix `TL-`: send the token
 * exactly as returned, in `Authorization: Bearer <token>`, never rebuilt or re-prefixed.
 */
export const taloAuthorizationHeader = (token: string): string => `Bearer ${token}`;

/** `exp` (Unix seconds) of a JWT-shaped token, or undefined when it is not readable; no verification. */
export function readTaloTokenExpiry(token: string): number | undefined {
  const payload = token.replace(/^TL-/, '').split('.')[1];
  if (!payload) return undefined;
  try {
    const exp = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown }).exp;
    return typeof exp === 'number' && Number.isFinite(exp) ? exp : undefined;
  } catch {
    return undefined;
  }
}

// ── Payments ────────────────────────────────────────────────────────────────────────────────────
/** (seed) The only currency. */
export const TALO_CURRENCY = 'ARS';
/** (public) Payment methods; `transfer` (to a one-off CVU/alias) is the one we use and must be listed. */
export const TALO_PAYMENT_OPTIONS = ['transfer', 'crypto'] as const;
export type TaloPaymentOption = (typeof TALO_PAYMENT_OPTIONS)[number];
export const TALO_REQUIRED_PAYMENT_OPTION: TaloPaymentOption = 'transfer';
/**
 * (seed) Required create fields; the current public docs also require `payment_options` and
 * `webhook_url`. ASSUMPTION: the seed's list is what is enforced, so clients send all six.
 */
export const TALO_REQUIRED_CREATE_FIELDS = ['price', 'user_id', 'redirect_url', 'external_id'] as const;
/** (seed + public) Optional create fields. */
export const TALO_OPTIONAL_CREATE_FIELDS = ['webhook_url', 'motive', 'items', 'payment_options', 'client_data', 'expiration_timestamp'] as const;
/**
 * ASSUMPTION: what an `items` entry holds. The document accepts `items`, "an array of the items being
 * bought", without drawing one: each goes out as `{ name, quantity, unit_price }` (`unit_price` a JSON
 * number, like `price.amount`, and left out when not given). The sandbox refuses an entry that is not an
 * object, or whose fields of these names have other types.
 */
export const TALO_ITEM_FIELDS = { name: 'name', quantity: 'quantity', unitPrice: 'unit_price' } as const;
/**
 * ASSUMPTION: `external_id` is not checked for uniqueness; creating twice makes two payments, so a
 * client cannot rely on it as an idempotency key.
 */
export const TALO_EXTERNAL_ID_UNIQUE = false;
/** (public) Payment ids look like `VAR-<uuid>`. */
export const TALO_PAYMENT_ID_PREFIX = 'VAR-';
/** (public) A payment expires about 5 days after creation unless `expiration_timestamp` says otherwise. */
export const TALO_DEFAULT_EXPIRATION_SECONDS = 5 * 24 * 3600;

/** (seed: first five; public transfers docs: the last three) Every status; handle all eight. */
export const TALO_PAYMENT_STATUSES = ['PENDING', 'SUCCESS', 'REJECTED', 'CANCELLED', 'UNDER_REVIEW', 'OVERPAID', 'UNDERPAID', 'EXPIRED'] as const;
export type TaloPaymentStatus = (typeof TALO_PAYMENT_STATUSES)[number];

export function isTaloPaymentStatus(value: unknown): value is TaloPaymentStatus {
  return typeof value === 'string' && (TALO_PAYMENT_STATUSES as readonly string[]).includes(value);
}

/** ASSUMPTION: these never change again; money may still arrive on PENDING, UNDERPAID and UNDER_REVIEW. */
export const TALO_FINAL_STATUSES: readonly TaloPaymentStatus[] = ['SUCCESS', 'OVERPAID', 'REJECTED', 'CANCELLED', 'EXPIRED'];
export const isTaloFinalStatus = (status: TaloPaymentStatus): boolean => TALO_FINAL_STATUSES.includes(status);

/** (public) The status a received total yields: equal to the price → SUCCESS, more → OVERPAID, less → UNDERPAID. */
export function taloStatusForReceived(receivedCents: number, priceCents: number): TaloPaymentStatus {
  if (receivedCents === priceCents) return 'SUCCESS';
  return receivedCents > priceCents ? 'OVERPAID' : 'UNDERPAID';
}

/**
 * (seed, public) How each amount is written on the wire: `price.amount` a JSON number (the document's
 * example is `1500`), transaction and quote amounts decimal strings (`"1500.5"`, public answers). The
 * sandbox prints them so and the client expects them so: another form is read all the same, and told as
 * a wire surprise.
 */
export const TALO_AMOUNT_WIRE_TYPES = { price: 'number', transaction: 'string', quote: 'string' } as const;

/**
 * Amounts: `price.amount` is a JSON number (seed); transaction and quote amounts appear as decimal
 * strings in public answers [TALO_AMOUNT_WIRE_TYPES]. Reads either into integer cents (null when not a finite amount with at most
 * two decimals), so sums never drift.
 */
export function taloAmountToCents(value: unknown): number | null {
  if (typeof value !== 'number' && typeof value !== 'string') return null;
  const match = /^(-?)(\d{1,13})(?:\.(\d{1,2}))?$/.exec(String(value).trim());
  if (!match) return null;
  const cents = Number(match[2]) * 100 + Number((match[3] ?? '').padEnd(2, '0'));
  return match[1] ? -cents : cents;
}

/** Cents back to the number Talo prints (`1500`, `1500.5`): exact for any amount we accept. */
export const taloCentsToAmount = (cents: number): number => cents / 100;

/** (public) The amount received is the sum of `transactions[].amount`. */
export function taloAmountReceivedCents(transactions: readonly { amount: unknown }[]): number {
  return transactions.reduce((sum, t) => sum + (taloAmountToCents(t.amount) ?? 0), 0);
}

/**
 * (public) Where the payer transfers: `quotes[].cvu`, or in some answers `quotes[].address`. Returns the
 * first CVU found, reading both.
 */
export function taloQuoteCvu(quotes: readonly { cvu?: unknown; address?: unknown }[] | undefined): string | undefined {
  for (const quote of quotes ?? []) {
    const value = typeof quote.cvu === 'string' && quote.cvu ? quote.cvu : quote.address;
    if (typeof value === 'string' && value) return value;
  }
  return undefined;
}

// ── Webhooks ────────────────────────────────────────────────────────────────────────────────────
/** (public) The only message Talo's webhooks carry. */
export const TALO_WEBHOOK_MESSAGE = 'Pago Actualizado';
/** (public) Body POSTed to the payment's `webhook_url` on each change: ids only, confirm by reading. */
export interface TaloWebhookBody {
  message: typeof TALO_WEBHOOK_MESSAGE;
  paymentId: string;
  externalId: string;
}
export const taloWebhookBody = (paymentId: string, externalId: string): TaloWebhookBody => ({
  message: TALO_WEBHOOK_MESSAGE,
  paymentId,
  externalId,
});
/**
 * **Assumption**: a webhook body in another shape than the public one still names its payment: read for
 * ids only (src/webhooks/hints.ts), a `paymentId`/`payment_id` field, or an `id` inside something named
 * like a payment or beside a `type`/`event` naming one. Talo payment ids are `VAR-<uuid>`-like text.
 */
export const TALO_HINT_PATTERNS = {
  idFields: { payment: /^payment_?id$/i },
  kindWords: { payment: /(^|[^a-z])(payments?|pagos?)/i },
  valuePaths: { payment: /payments\/([A-Za-z0-9][\w-]{0,99})(?![\w-])/ },
  idValue: /^[A-Za-z0-9][\w-]{0,99}$/,
} as const;
/** (public) Webhooks are not signed: authenticate them by the URL we chose and by reading the payment. */
export const TALO_WEBHOOKS_SIGNED = false;
/** (public) The merchant must answer 200 within 3 s. */
export const TALO_WEBHOOK_ANSWER_WITHIN_MS = 3_000;
/** ASSUMPTION: 5 retries after the first attempt, exponential backoff (1 s, 2 s, 4 s…). */
export const TALO_WEBHOOK_RETRIES = 5;
export const TALO_WEBHOOK_BACKOFF = { baseDelayMs: 1_000, factor: 2 } as const;
