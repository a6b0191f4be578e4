/**
 * Tupay wire → domain. Answers are read field by field from `unknown` with the shared readers of
 * ../wire.ts (every plausible form of a field is read; surprises are told to the source's observer): a
 * missing or malformed required field becomes a BAD_RESPONSE ProviderError naming the field (never its
 * value, never a TypeError); optional fields that are absent are left out. In a listing, a record that
 * cannot be read is skipped (`readPageRows`), the rest of the page is kept. Provider names (idDeposit,
 * clientDocument…) stop here.
 */
import type { UpstreamResponse } from '../http.js';
import { ProviderError, providerRejection, safeProviderMessage } from '../errors.js';
import type { Balance, BalanceReportEntry, Transaction, TransactionStatus } from '../../domain/models.js';
import type { Currency, Money } from '../../domain/money.js';
import {
  TUPAY_BALANCE_TYPE,
  TUPAY_IP_NOT_ALLOWED_CODE,
  TUPAY_MAX_ROWS,
  TUPAY_RECORD_FIELDS,
  TUPAY_SESSION_COOKIE,
  tupayTokenFromSetCookie,
  TUPAY_UTC_OFFSET_MINUTES,
  type TupayCashoutStatus,
  type TupayDepositStatus,
} from './assumptions.js';
import type { TupayBalanceDto, TupayBalanceReportRowDto, TupayBalancesDto, TupayCashoutDto, TupayDepositDto, TupayErrorDto, TupayPageDto } from './dto.js';
import { isJsonObject, knownFields, wireReaders, type RowsRead, type Untrusted, type WireSource, type WireZone } from '../wire.js';

const PROVIDER = 'TUPAY';
const { bad, surprise, objectAt, currencyAt, listAt, decimalAt, optionalDecimalAt, optionalCountAt, idAt, optionalText, instantAt, checkFields, readRows } =
  wireReaders(PROVIDER);

/**
 * Tupay dates: documented `2026-01-10T13:41:57Z` (ISO 8601, UTC). A date that carries no offset is read
 * in Lima time (UTC-5, no daylight saving), the merchant's own, as the read API reads Tupay days.
 */
export const TUPAY_ZONE: WireZone = Object.freeze({
  offsetMinutes: TUPAY_UTC_OFFSET_MINUTES,
  isDocumented: (text: string) => text.length >= 20 && text.charCodeAt(10) === 84 && text.charCodeAt(text.length - 1) === 90,
});

/** The fields the documents name, per object: any other key is an `unknown_field` surprise. */
const KNOWN = {
  page: knownFields('page', 'rows', 'maxRows', 'data'),
  deposit: knownFields(...TUPAY_RECORD_FIELDS.deposit),
  cashout: knownFields(...TUPAY_RECORD_FIELDS.cashout),
  balances: knownFields('balances'),
  balance: knownFields('currency', 'type', 'data'),
  balanceData: knownFields('totalBalance', 'availableBalance', 'pendingSettlementAmount'),
  reportRow: knownFields(...TUPAY_RECORD_FIELDS.reportRow),
};

/** Amounts are JSON numbers; decimal strings are read too, exactly. */
function moneyAt(value: unknown, currency: Currency, path: string, source: WireSource, field?: string): Money {
  return { amount: decimalAt(value, path, source, 'number', field), currency };
}

/** Absent (undefined or null) is left out; present but unreadable is an error, not a silent zero. */
function optionalMoneyAt(value: unknown, currency: Currency, path: string, source: WireSource): Money | undefined {
  const amount = optionalDecimalAt(value, path, source, 'number');
  return amount === undefined ? undefined : { amount, currency };
}

/** ISO-8601 in UTC at second precision (`2026-01-10T13:41:57Z`, Tupay's own format), from any accepted form. */
function isoAt(value: unknown, path: string, source: WireSource, field?: string): string {
  return new Date(instantAt(value, path, source, TUPAY_ZONE, field)).toISOString().replace(/\.000Z$/, 'Z');
}

/** A date that is not what the record is read for: absent or unreadable, it is left out (the record stays good). */
function optionalIsoAt(value: unknown, path: string, source: WireSource, field: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  try {
    return isoAt(value, path, source, field);
  } catch {
    return undefined;
  }
}

// ── Errors and the session ─────────────────────────────────────────────────────────────────────────

/**
 * A refusal (any non-2xx the transport hands back) as a ProviderError. 403 code 83 gets a message that
 * says what to do, since it is an operations problem (the gateway's egress IP), not a caller's.
 */
export function tupayFailure(response: UpstreamResponse, source: WireSource): ProviderError {
  const body: Untrusted<TupayErrorDto> = isJsonObject(response.body) ? response.body : {};
  const description = body.description ?? (typeof response.body === 'string' ? response.body : undefined);
  if (response.status === 403 && String(body.code).trim() === String(TUPAY_IP_NOT_ALLOWED_CODE)) {
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

/** The body of a 2xx answer (Tupay sends no envelope); any other answer is its refusal, `{ code, description }`. */
export function unwrapTupayAnswer(response: UpstreamResponse, source: WireSource): unknown {
  if (response.status < 200 || response.status >= 300) throw tupayFailure(response, source);
  return response.body;
}

/** The session token of a successful login, from `Set-Cookie` (the body only names the user). */
export function toSessionToken(response: UpstreamResponse, source: WireSource): string {
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

/** The paged envelope; `rows` defaults to the records sent, `maxRows` to the documented 50 (numbers or digits). */
export function toPage(body: unknown, source: WireSource): TupayPage {
  const page = objectAt<TupayPageDto<unknown>>(body, 'the body', source);
  checkFields(page, KNOWN.page, '', source);
  const data = listAt(page.data, 'data', source);
  return {
    rows: optionalCountAt(page.rows, 'rows', source) ?? data.length,
    maxRows: optionalCountAt(page.maxRows, 'maxRows', source) ?? TUPAY_MAX_ROWS,
    data,
  };
}

/**
 * The records of a page that can be read. One that cannot (no readable id, currency, amount or date)
 * is skipped: its error is in `skipped`, the client reports it next to the records read.
 */
export function readPageRows<T>(data: unknown[], source: WireSource, toDomain: (raw: unknown, path: string, source: WireSource) => T): RowsRead<T> {
  return readRows(data, 'data', source, (raw, path) => toDomain(raw, path, source));
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

/**
 * A word of `table` (case-insensitively), or UNKNOWN for a word Tupay added since or none at all: told
 * to the source as an `unknown_status` surprise; `providerStatus` keeps the word.
 */
export function toTransactionStatus(word: string, table: Readonly<Record<string, TransactionStatus>>, source?: WireSource, path = 'status'): TransactionStatus {
  const key = word.trim().toUpperCase();
  const status = Object.hasOwn(table, key) ? table[key] : undefined;
  if (status) return status;
  if (source) surprise(source, 'unknown_status', path, word === '' ? '(none)' : safeProviderMessage(word)?.slice(0, 40));
  return 'UNKNOWN';
}

// ── Transactions ───────────────────────────────────────────────────────────────────────────────────

/** What deposits and cash-outs share: the same fields under the same names, but for the id. */
function toTransaction(
  wire: Untrusted<TupayDepositDto & TupayCashoutDto>,
  id: string,
  path: string,
  source: WireSource,
): Omit<Transaction, 'kind' | 'direction' | 'status'> {
  const currency = currencyAt(wire.currency, path, source, 'currency');
  const document = optionalText(wire.clientDocument, path, source, 'clientDocument');
  const externalId = optionalText(wire.externalId, path, source, 'externalId');
  const changed = optionalIsoAt(wire.lastChangeDate, path, source, 'lastChangeDate');
  return {
    provider: PROVIDER,
    id,
    amount: moneyAt(wire.amount, currency, path, source, 'amount'),
    createdAt: isoAt(wire.creationDate, path, source, 'creationDate'),
    // Missing or blank: kept as '' (status UNKNOWN), the record itself is still good.
    providerStatus: optionalText(wire.status, path, source, 'status') ?? '',
    ...(document !== undefined && { counterparty: { document } }),
    ...(externalId !== undefined && { externalId }),
    ...(changed !== undefined && { updatedAt: changed }),
  };
}

export function toDepositTransaction(raw: unknown, path: string, source: WireSource): Transaction {
  const wire = objectAt<TupayDepositDto>(raw, path, source);
  checkFields(wire, KNOWN.deposit, path, source);
  const common = toTransaction(wire, idAt(wire.idDeposit, path, source, 'number', 'idDeposit'), path, source);
  const operation = optionalText(wire.paymentMethodCode, path, source, 'paymentMethodCode');
  return {
    ...common,
    kind: 'DEPOSIT',
    direction: 'IN',
    status: toTransactionStatus(common.providerStatus, DEPOSIT_STATUS_TABLE, source, `${path}.status`),
    ...(operation !== undefined && { operation }),
  };
}

/** `amount` in `currency` is what the payee asked for; the merchant's debit is `merchantAmount`. */
export function toCashoutTransaction(raw: unknown, path: string, source: WireSource): Transaction {
  const wire = objectAt<TupayCashoutDto>(raw, path, source);
  checkFields(wire, KNOWN.cashout, path, source);
  const common = toTransaction(wire, idAt(wire.idCashout, path, source, 'number', 'idCashout'), path, source);
  return {
    ...common,
    kind: 'CASHOUT',
    direction: 'OUT',
    status: toTransactionStatus(common.providerStatus, CASHOUT_STATUS_TABLE, source, `${path}.status`),
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

function toBalance(raw: unknown, path: string, source: WireSource): Balance {
  const wire = objectAt<TupayBalanceDto>(raw, path, source);
  checkFields(wire, KNOWN.balance, path, source);
  const currency = currencyAt(wire.currency, path, source, 'currency');
  const data = objectAt<TupayBalanceDto['data']>(wire.data, `${path}.data`, source);
  checkFields(data, KNOWN.balanceData, `${path}.data`, source);
  const available = optionalMoneyAt(data.availableBalance, currency, `${path}.data.availableBalance`, source);
  const pending = optionalMoneyAt(data.pendingSettlementAmount, currency, `${path}.data.pendingSettlementAmount`, source);
  return {
    total: moneyAt(data.totalBalance, currency, `${path}.data.totalBalance`, source),
    primary: wire.type === TUPAY_BALANCE_TYPE,
    ...(available && { available }),
    ...(pending && { pending }),
  };
}

/**
 * One balance per currency, in Tupay's order: the PRIMARY entry where a currency has several. Not a
 * listing: each entry is an account's money, so one that cannot be read fails the answer rather than
 * leaving its currency silently out.
 */
export function toBalances(body: unknown, source: WireSource): Balance[] {
  const wire = objectAt<TupayBalancesDto>(body, 'the body', source);
  checkFields(wire, KNOWN.balances, '', source);
  const byCurrency = new Map<Currency, Balance>();
  listAt(wire.balances, 'balances', source).forEach((raw, i) => {
    const balance = toBalance(raw, `balances[${i}]`, source);
    const seen = byCurrency.get(balance.total.currency);
    if (!seen || (!seen.primary && balance.primary)) byCurrency.set(balance.total.currency, balance);
  });
  return [...byCurrency.values()];
}

/**
 * `2026-01-31T00:00:00Z` → `2026-01-31`: report days are UTC days, named by their date part whatever
 * the form (a bare date, or a date-time at midnight UTC or with any offset, keeps its own date).
 */
function dayAt(value: unknown, path: string, source: WireSource): string {
  instantAt(value, path, source, TUPAY_ZONE); // checks the form (and tells a surprising one)
  return (value as string).trim().slice(0, 10);
}

/** Report amounts → domain fields (the domain's `feeTotal` is Tupay's deposit fees). */
const REPORT_AMOUNTS = {
  balance: 'totalBalance',
  depositTotal: 'depositTotal',
  cashoutTotal: 'cashoutTotal',
  feeTotal: 'depositFeeTotal',
  netAmount: 'netAmount',
} as const satisfies Partial<Record<keyof BalanceReportEntry, keyof TupayBalanceReportRowDto>>;

export function toBalanceReportEntry(raw: unknown, path: string, source: WireSource): BalanceReportEntry {
  const wire = objectAt<TupayBalanceReportRowDto>(raw, path, source);
  checkFields(wire, KNOWN.reportRow, path, source);
  const currency = currencyAt(wire.currency, path, source, 'currency');
  const entry: BalanceReportEntry = { date: dayAt(wire.date, `${path}.date`, source), currency };
  for (const key of Object.keys(REPORT_AMOUNTS) as (keyof typeof REPORT_AMOUNTS)[]) {
    const field = REPORT_AMOUNTS[key];
    const amount = optionalMoneyAt(wire[field], currency, `${path}.${field}`, source);
    if (amount) entry[key] = amount;
  }
  return entry;
}
