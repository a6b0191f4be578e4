/**
 * Tupay wire → domain. Answers are read field by field from `unknown`: a missing or malformed required
 * field becomes a BAD_RESPONSE ProviderError naming the field (never its value, never a TypeError);
 * optional fields that are absent are left out. Provider names (idDeposit, clientDocument…) stop here.
 */
import type { UpstreamResponse } from '../http.js';
import { ProviderError, providerRejection, safeProviderMessage } from '../errors.js';
import type { Balance, BalanceReportEntry, Transaction, TransactionStatus } from '../../domain/models.js';
import { InvalidDecimalError, isCurrency, toDecimal, type Currency, type Money } from '../../domain/money.js';
import {
  TUPAY_BALANCE_TYPE,
  TUPAY_IP_NOT_ALLOWED_CODE,
  TUPAY_MAX_ROWS,
  TUPAY_SESSION_COOKIE,
  tupayTokenFromSetCookie,
  type TupayCashoutStatus,
  type TupayDepositStatus,
} from './assumptions.js';
import type {
  TupayBalanceDto,
  TupayBalanceReportRowDto,
  TupayBalancesDto,
  TupayCashoutDto,
  TupayDepositDto,
  TupayErrorDto,
  TupayPageDto,
} from './dto.js';
import { wireReaders, type Untrusted } from '../wire.js';

const PROVIDER = 'TUPAY';
const { bad, objectAt, textAt, listAt } = wireReaders(PROVIDER);

/** Where an answer came from, for the errors it may raise. */
export interface ResponseSource {
  endpoint: string;
  requestId?: string;
  /** Told when a record carries a status word we do not know (the client logs it). */
  onUnknownStatus?: (word: string) => void;
}



const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Ids are integers on the wire; a string id is read too. Always a string in the domain. */
function idAt(value: unknown, path: string, source: ResponseSource): string {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  throw bad(source, `${path} is missing or not an id`);
}

function currencyAt(value: unknown, path: string, source: ResponseSource): Currency {
  if (!isCurrency(value)) throw bad(source, `${path} is missing or not a supported currency`);
  return value;
}

function moneyAt(value: unknown, currency: Currency, path: string, source: ResponseSource): Money {
  try {
    return { amount: toDecimal(value), currency };
  } catch (error) {
    if (error instanceof InvalidDecimalError) throw bad(source, `${path} is missing or not an amount`);
    throw error;
  }
}

/** Absent (undefined or null) is left out; present but unreadable is an error, not a silent zero. */
function optionalMoneyAt(value: unknown, currency: Currency, path: string, source: ResponseSource): Money | undefined {
  return value === undefined || value === null ? undefined : moneyAt(value, currency, path, source);
}

/** ISO-8601 in UTC at second precision (`2026-01-10T13:41:57Z`, Tupay's own format). */
function instantAt(value: unknown, path: string, source: ResponseSource): string {
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw bad(source, `${path} is missing or not a date`);
  return new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
}

const optionalText = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value : undefined);

// ── Errors and the session ─────────────────────────────────────────────────────────────────────────

/**
 * A refusal (any non-2xx the transport hands back) as a ProviderError. 403 code 83 gets a message that
 * says what to do, since it is an operations problem (the gateway's egress IP), not a caller's.
 */
export function tupayFailure(response: UpstreamResponse, source: ResponseSource): ProviderError {
  const body: Untrusted<TupayErrorDto> = isObject(response.body) ? response.body : {};
  const description = body.description ?? (typeof response.body === 'string' ? response.body : undefined);
  if (response.status === 403 && body.code === TUPAY_IP_NOT_ALLOWED_CODE) {
    return new ProviderError(
      `Tupay refused ${source.endpoint}: this gateway's IP address is not whitelisted for the API user (code ${TUPAY_IP_NOT_ALLOWED_CODE}); ask Tupay to whitelist it`,
      {
        provider: PROVIDER,
        reason: 'FORBIDDEN',
        endpoint: source.endpoint,
        httpStatus: 403,
        requestId: source.requestId,
        providerMessage: safeProviderMessage(description),
      },
    );
  }
  return providerRejection(PROVIDER, source.endpoint, response.status, description, source.requestId);
}

/** The session token of a successful login, from `Set-Cookie` (the body only names the user). */
export function toSessionToken(response: UpstreamResponse, source: ResponseSource): string {
  const token = tupayTokenFromSetCookie(response.headers['set-cookie']);
  if (!token) throw bad(source, `the login answer sets no ${TUPAY_SESSION_COOKIE} cookie`);
  return token;
}

// ── Pages ──────────────────────────────────────────────────────────────────────────────────────────

export interface TupayPage {
  rows: number;
  maxRows: number;
  data: unknown[];
}

/** The paged envelope; `rows` defaults to the records sent, `maxRows` to the documented 50. */
export function toPage(body: unknown, source: ResponseSource): TupayPage {
  const page = objectAt<TupayPageDto<unknown>>(body, 'the body', source);
  const data = listAt(page.data, 'data', source);
  const count = (value: unknown, fallback: number, name: string): number => {
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw bad(source, `${name} is not a count`);
    return value;
  };
  return { rows: count(page.rows, data.length, 'rows'), maxRows: count(page.maxRows, TUPAY_MAX_ROWS, 'maxRows'), data };
}

// ── Statuses ───────────────────────────────────────────────────────────────────────────────────────

/**
 * Deposit words → domain. APPROVED is paid but not yet settled into the available balance (it sits in
 * `pendingSettlementAmount`), so it is IN_PROGRESS, not COMPLETED. DECLINED (Tupay/the bank said no)
 * reads as REJECTED; CANCELLED stays CANCELLED.
 */
export const DEPOSIT_STATUS_TABLE: Readonly<Record<TupayDepositStatus, TransactionStatus>> = {
  PENDING: 'PENDING',
  APPROVED: 'IN_PROGRESS',
  COMPLETED: 'COMPLETED',
  CANCELLED: 'CANCELLED',
  DECLINED: 'REJECTED',
};

/**
 * Cash-out words → domain. ON_HOLD (held for review or funds) and PENDING are not yet sent: PENDING.
 * DELIVERED is sent to the bank and awaiting its confirmation: IN_PROGRESS. REJECTED (by the bank) and
 * DECLINED (by Tupay) are both REJECTED.
 */
export const CASHOUT_STATUS_TABLE: Readonly<Record<TupayCashoutStatus, TransactionStatus>> = {
  ON_HOLD: 'PENDING',
  PENDING: 'PENDING',
  DELIVERED: 'IN_PROGRESS',
  COMPLETED: 'COMPLETED',
  REJECTED: 'REJECTED',
  CANCELLED: 'CANCELLED',
  DECLINED: 'REJECTED',
};

/** A word of `table`, or UNKNOWN (told to the source) for a word Tupay added since. */
export function toTransactionStatus(word: string, table: Readonly<Record<string, TransactionStatus>>, source?: ResponseSource): TransactionStatus {
  const status = Object.hasOwn(table, word) ? table[word] : undefined;
  if (status) return status;
  source?.onUnknownStatus?.(word);
  return 'UNKNOWN';
}

// ── Transactions ───────────────────────────────────────────────────────────────────────────────────

/** What deposits and cash-outs share: the same fields under the same names, but for the id. */
function toTransaction(
  wire: Untrusted<TupayDepositDto & TupayCashoutDto>,
  id: string,
  path: string,
  source: ResponseSource,
): Omit<Transaction, 'kind' | 'direction' | 'status'> {
  const currency = currencyAt(wire.currency, `${path}.currency`, source);
  const document = optionalText(wire.clientDocument);
  return {
    provider: PROVIDER,
    id,
    amount: moneyAt(wire.amount, currency, `${path}.amount`, source),
    createdAt: instantAt(wire.creationDate, `${path}.creationDate`, source),
    providerStatus: textAt(wire.status, `${path}.status`, source),
    ...(document !== undefined && { counterparty: { document } }),
  };
}

export function toDepositTransaction(raw: unknown, path: string, source: ResponseSource): Transaction {
  const wire = objectAt<TupayDepositDto>(raw, path, source);
  const common = toTransaction(wire, idAt(wire.idDeposit, `${path}.idDeposit`, source), path, source);
  const operation = optionalText(wire.paymentMethodCode);
  return {
    ...common,
    kind: 'DEPOSIT',
    direction: 'IN',
    status: toTransactionStatus(common.providerStatus, DEPOSIT_STATUS_TABLE, source),
    ...(operation !== undefined && { operation }),
  };
}

/** `amount` in `currency` is what the payee asked for; the merchant's debit is `merchantAmount`. */
export function toCashoutTransaction(raw: unknown, path: string, source: ResponseSource): Transaction {
  const wire = objectAt<TupayCashoutDto>(raw, path, source);
  const common = toTransaction(wire, idAt(wire.idCashout, `${path}.idCashout`, source), path, source);
  return {
    ...common,
    kind: 'CASHOUT',
    direction: 'OUT',
    status: toTransactionStatus(common.providerStatus, CASHOUT_STATUS_TABLE, source),
  };
}

/** Oldest first (creation time, then id), the order Tupay pages in. */
export function compareOldestFirst(a: Transaction, b: Transaction): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
  if (a.id.length !== b.id.length) return a.id.length - b.id.length; // numeric ids of different widths
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** A sorted copy, newest first (what a statement shows). */
export function newestFirst(transactions: readonly Transaction[]): Transaction[] {
  return [...transactions].sort((a, b) => compareOldestFirst(b, a));
}

// ── Balances ───────────────────────────────────────────────────────────────────────────────────────

function toBalance(raw: unknown, path: string, source: ResponseSource): Balance {
  const wire = objectAt<TupayBalanceDto>(raw, path, source);
  const currency = currencyAt(wire.currency, `${path}.currency`, source);
  const data = objectAt<TupayBalanceDto['data']>(wire.data, `${path}.data`, source);
  const available = optionalMoneyAt(data.availableBalance, currency, `${path}.data.availableBalance`, source);
  const pending = optionalMoneyAt(data.pendingSettlementAmount, currency, `${path}.data.pendingSettlementAmount`, source);
  return {
    total: moneyAt(data.totalBalance, currency, `${path}.data.totalBalance`, source),
    primary: wire.type === TUPAY_BALANCE_TYPE,
    ...(available && { available }),
    ...(pending && { pending }),
  };
}

/** One balance per currency, in Tupay's order: the PRIMARY entry where a currency has several. */
export function toBalances(body: unknown, source: ResponseSource): Balance[] {
  const wire = objectAt<TupayBalancesDto>(body, 'the body', source);
  const byCurrency = new Map<Currency, Balance>();
  listAt(wire.balances, 'balances', source).forEach((raw, i) => {
    const balance = toBalance(raw, `balances[${i}]`, source);
    const seen = byCurrency.get(balance.total.currency);
    if (!seen || (!seen.primary && balance.primary)) byCurrency.set(balance.total.currency, balance);
  });
  return [...byCurrency.values()];
}

/** `2026-01-31T00:00:00Z` → `2026-01-31` (report days are UTC days). */
function dayAt(value: unknown, path: string, source: ResponseSource): string {
  const match = typeof value === 'string' ? /^(\d{4}-\d{2}-\d{2})(?:$|T)/.exec(value) : null;
  if (!match?.[1] || Number.isNaN(Date.parse(match[1]))) throw bad(source, `${path} is missing or not a date`);
  return match[1];
}

/** Report amounts → domain fields (the domain's `feeTotal` is Tupay's deposit fees). */
const REPORT_AMOUNTS = {
  balance: 'totalBalance',
  depositTotal: 'depositTotal',
  cashoutTotal: 'cashoutTotal',
  feeTotal: 'depositFeeTotal',
  netAmount: 'netAmount',
} as const satisfies Partial<Record<keyof BalanceReportEntry, keyof TupayBalanceReportRowDto>>;

export function toBalanceReportEntry(raw: unknown, path: string, source: ResponseSource): BalanceReportEntry {
  const wire = objectAt<TupayBalanceReportRowDto>(raw, path, source);
  const currency = currencyAt(wire.currency, `${path}.currency`, source);
  const entry: BalanceReportEntry = { date: dayAt(wire.date, `${path}.date`, source), currency };
  for (const key of Object.keys(REPORT_AMOUNTS) as (keyof typeof REPORT_AMOUNTS)[]) {
    const field = REPORT_AMOUNTS[key];
    const amount = optionalMoneyAt(wire[field], currency, `${path}.${field}`, source);
    if (amount) entry[key] = amount;
  }
  return entry;
}
