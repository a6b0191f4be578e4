/**
 * TelePagos wire ⇄ domain. Answers are read field by field from `unknown` with the shared readers of
 * ../wire.ts (every plausible form of a field is read; surprises are told to the source's observer):
 * a missing or malformed required field becomes a BAD_RESPONSE ProviderError naming the field (never
 * its value, never a TypeError); optional fields that cannot be read are left out. In a list, a row
 * that cannot be read is skipped (see `readRows`), the rest of the page is kept.
 */
import { createHash } from 'node:crypto';
import type {
  Balance,
  Cashin,
  Counterparty,
  PaymentConcept,
  QrAmountType,
  SalePoint,
  Statistics,
  Transaction,
  TransactionDirection,
  TransactionKind,
  TransactionOperation,
  TransactionStatus,
} from '../../domain/models.js';
import { compareDecimals, decimalPlaces, isDecimalText, money } from '../../domain/money.js';
import { ProviderError, providerRejection } from '../errors.js';
import type { UpstreamResponse } from '../http.js';
import {
  AMOUNT_MAX_DECIMALS,
  ARGENTINA_UTC_OFFSET,
  ARGENTINA_UTC_OFFSET_MS,
  CASHOUT_ID_WIRE_TYPE,
  DECIMAL_WIRE_FORMAT,
  DEFAULT_BALANCE_UNIT,
  ERROR_HTTP_STATUS,
  NOT_FOUND_PATTERN,
  OPERATION_IDS,
  TELEPAGOS_DOCUMENTED_REFUSAL_WORD,
  TELEPAGOS_DOCUMENTED_SUCCESS_WORD,
  TRANSACTIONS_PAGE_SIZE_FIELD,
  TX_INCOME,
  TX_STATUS,
  expiresAtToEpochMs,
  formatArgentinaDateTime,
  isTelepagosId,
  telepagosStatusWord,
  type BalanceUnit,
  type OperationId,
  type StaticQrType,
  type TelepagosStatusWord,
} from './assumptions.js';
import type { BuyerDto, CashinDto, ConceptDto, OperationDto, SalePointDto, TokenDto, TransactionsDto, TxDto, WireId } from './dto.js';
import { isJsonObject, knownFields, wireReaders, type RowsRead, type Untrusted, type WireSource, type WireZone } from '../wire.js';

const PROVIDER = 'TELEPAGOS';
const { bad, surprise, objectAt, textAt, listAt, decimalAt, optionalDecimalAt, countAt, idAt, optionalId, optionalText, instantAt, checkFields, readRows } =
  wireReaders(PROVIDER);

/**
 * TelePagos dates: documented `YYYY-MM-DD HH:MM:SS` (a string, format otherwise unstated), Argentina
 * time (UTC-3, no daylight saving). Any other accepted form with no offset is read in Argentina time too.
 */
export const TELEPAGOS_ZONE: WireZone = Object.freeze({
  offsetMinutes: ARGENTINA_UTC_OFFSET_MS / 60_000,
  isDocumented: (text: string) => text.length === 19 && text.charCodeAt(10) === 32,
});

/** The fields the documents name, per object: any other key is an `unknown_field` surprise. */
const KNOWN = {
  page: knownFields('status', 'transactions', 'number_of_results', 'page', 'pages', 'pagination'),
  tx: knownFields('income', 'date', 'amount', 'operation', 'holder', 'cuit', 'cvu_cbu', 'status', 'sale_point_name'),
  concept: knownFields('id', 'description'),
  operation: knownFields('id', 'name', 'type'),
  salePoint: knownFields('id', 'name', 'status'),
};

// ── Envelope ────────────────────────────────────────────────────────────────────────────────────

/**
 * The fields of an answer that is no refusal, for the endpoint's mapper to judge by its documented
 * payload (TELEPAGOS_SUCCESS_WORDS in assumptions.ts). A refusal word in `status` (`"error"`, `"failed"`…)
 * is TelePagos' refusal whatever the HTTP code (it sends it with 200 too, so it is checked first, as
 * public clients do); a non-2xx code is a refusal even without that body. Either way the caller gets the
 * provider's message, made safe. Sent with HTTP 2xx, a refusal says what it is only in its message:
 * NOT_FOUND when it matches NOT_FOUND_PATTERN, otherwise REJECTED. Any other word is no verdict: a
 * success word other than `"ok"` is a `coerced_type` surprise, an unknown word (or none) an
 * `unknown_status` one, and the mapper's reading of the payload decides.
 */
export function unwrapEnvelope(response: UpstreamResponse, source: WireSource): Record<string, unknown> {
  const body = isJsonObject(response.body) ? response.body : undefined;
  const httpOk = response.status >= 200 && response.status < 300;
  const word = body ? telepagosStatusWord(body.status) : 'unknown';
  if (body && body.status !== TELEPAGOS_DOCUMENTED_SUCCESS_WORD && body.status !== TELEPAGOS_DOCUMENTED_REFUSAL_WORD) tellStatusWord(body.status, word, source);
  if (word === 'refusal' || !httpOk) {
    const statedStatus = typeof body?.message === 'string' && NOT_FOUND_PATTERN.test(body.message) ? ERROR_HTTP_STATUS.notFound : undefined;
    throw providerRejection(PROVIDER, source.endpoint, response.status, body?.message, source.requestId, statedStatus);
  }
  if (!body) throw bad(source, 'the body is not a JSON object');
  return body;
}

/** A status word other than the documented ones: a known word is another form, an unknown one (or none) a surprise of its own. */
function tellStatusWord(status: unknown, word: TelepagosStatusWord, source: WireSource): void {
  if (!source.observe) return;
  const seen = status === undefined || status === null ? '(none)' : typeof status === 'string' ? safeWord(status) : typeof status;
  if (word === 'unknown') surprise(source, 'unknown_status', 'status', seen);
  else surprise(source, 'coerced_type', 'status', `${seen} for ${word === 'success' ? TELEPAGOS_DOCUMENTED_SUCCESS_WORD : TELEPAGOS_DOCUMENTED_REFUSAL_WORD}`);
}

/**
 * An answer whose documented payload is `status` alone (`{ status: "ok" }`): with nothing else to judge
 * it by, only a success word says it succeeded.
 */
export function toDone(body: Record<string, unknown>, source: WireSource): void {
  if (telepagosStatusWord(body.status) !== 'success') throw bad(source, 'status is no success word, and the answer carries nothing else');
}

// ── Authentication ──────────────────────────────────────────────────────────────────────────────

export interface TokenAnswer {
  token: string;
  /** Epoch ms read from `expires_at`, or null when it is absent or unreadable. */
  expiresAtMs: number | null;
}

export function toToken(body: Record<string, unknown>, source: WireSource): TokenAnswer {
  const wire = body as Untrusted<TokenDto>;
  return { token: textAt(wire.token, 'token', source), expiresAtMs: expiresAtToEpochMs(wire.expires_at) };
}

// ── Account ─────────────────────────────────────────────────────────────────────────────────────

/**
 * `amount` is an integer of whole pesos (BALANCE_UNITS: cents truncated) or, with `cents`, of cents;
 * read exactly either way. TelePagos has one balance, so it is primary.
 */
export function toBalance(body: Record<string, unknown>, source: WireSource, unit: BalanceUnit = DEFAULT_BALANCE_UNIT): Balance {
  const amount = decimalAt(body.amount, 'amount', source, 'number');
  return { total: money(unit === 'cents' ? centsToPesos(amount, source) : amount, 'ARS'), primary: true };
}

/** An amount of cents as a decimal of pesos (`150050` → `1500.50`); cents must be whole. */
function centsToPesos(cents: string, source: WireSource): string {
  const match = /^(-?)(\d+)(?:\.0*)?$/.exec(cents);
  if (!match) throw bad(source, 'amount is not a whole number of cents');
  const digits = match[2]!.padStart(3, '0');
  return `${match[1]}${digits.slice(0, -2).replace(/^0+(?=\d)/, '')}.${digits.slice(-2)}`;
}

/**
 * `concepts` is documented only as "array": each item `{ id, description }`, or a bare string (then it
 * is both). Reference data is cached and shared, so a skipped item is told (logged, counted) only.
 */
export function toConcepts(body: Record<string, unknown>, source: WireSource): PaymentConcept[] {
  return readRows(listAt(body.concepts, 'concepts', source), 'concepts', source, (item, path) => {
    if (typeof item === 'string' || typeof item === 'number') {
      const id = textAt(item, path, source);
      if (typeof item === 'string') surprise(source, 'coerced_type', path, 'string for object');
      return { id, description: id };
    }
    const concept = objectAt<ConceptDto>(item, path, source);
    checkFields(concept, KNOWN.concept, path, source);
    return { id: idAt(concept.id, `${path}.id`, source, 'string'), description: textAt(concept.description, `${path}.description`, source) };
  }).rows;
}

export function toOperations(body: Record<string, unknown>, source: WireSource): TransactionOperation[] {
  return readRows(listAt(body.operations, 'operations', source), 'operations', source, (item, path) => {
    const operation = objectAt<OperationDto>(item, path, source);
    checkFields(operation, KNOWN.operation, path, source);
    return {
      id: idAt(operation.id, `${path}.id`, source, 'string'),
      name: textAt(operation.name, `${path}.name`, source),
      type: textAt(operation.type, `${path}.type`, source),
    };
  }).rows;
}

export function toStatistics(period: string, body: Record<string, unknown>, source: WireSource): Statistics {
  // `data` is four one-element lists; merging them by key survives a reordering or a flattened list.
  const fields: Record<string, unknown> = {};
  for (const [i, group] of listAt(body.data, 'data', source).entries()) {
    for (const item of Array.isArray(group) ? group : [group]) Object.assign(fields, objectAt<object>(item, `data[${i}]`, source));
  }
  const total = (key: string) => optionalDecimalAt(fields[key], `data.${key}`, source, 'string');
  return {
    period,
    openCvuCount: countAt(fields.count_open_cvu, 'data.count_open_cvu', source),
    totalCashin: total('total_cashin'),
    totalCashout: total('total_cashout'),
    paymentServicesCount: countAt(fields.count_payments_services, 'data.count_payments_services', source),
    smsSentCount: countAt(fields.count_sent_sms, 'data.count_sent_sms', source),
  };
}

// ── Transactions ────────────────────────────────────────────────────────────────────────────────

/** A row whose fields have been checked: what the id digest and the domain mapping read. */
export interface TxRow {
  income: 0 | 1;
  /** `YYYY-MM-DD HH:MM:SS`, Argentina time, whatever form it came in (so the row's id does not change with it). */
  date: string;
  amount: string;
  operation?: string;
  /** The provider's word; `''` when it sent none. */
  status: string;
  holder?: string;
  cuit?: string;
  cvuCbu?: string;
  salePointName?: string;
}

/** `income` is documented `int` 0/1; `"0"`/`"1"` and booleans are read too. */
function incomeAt(value: unknown, path: string, source: WireSource): 0 | 1 {
  if (value === TX_INCOME.in || value === TX_INCOME.out) return value;
  const income =
    value === true || value === String(TX_INCOME.in) ? TX_INCOME.in : value === false || value === String(TX_INCOME.out) ? TX_INCOME.out : undefined;
  if (income === undefined) throw bad(source, `${path}.income is missing or not 0/1`);
  surprise(source, 'coerced_type', `${path}.income`, `${typeof value} for number`);
  return income;
}

/** The documented form is kept as sent; any other accepted form is rewritten in it (Argentina time). */
function dateTimeAt(value: unknown, path: string, source: WireSource): string {
  const ms = instantAt(value, path, source, TELEPAGOS_ZONE, 'date');
  const text = (value as string).trim();
  return TELEPAGOS_ZONE.isDocumented(text) ? text : formatArgentinaDateTime(ms);
}

/**
 * `status` is documented as a string with unstated words. Missing or blank reads as `''` and an unknown
 * word as itself: both map to UNKNOWN (see `transactionStatus`), keep the row, and are told.
 */
function statusAt(value: unknown, path: string, source: WireSource): string {
  const word = optionalText(value, path, source, 'status') ?? '';
  if (!Object.hasOwn(STATUS_BY_WORD, word.trim().toLowerCase())) surprise(source, 'unknown_status', `${path}.status`, word === '' ? '(none)' : safeWord(word));
  return word;
}

/** A status word fit for a log line: short, printable. */
const safeWord = (word: string): string => word.replace(/[^\p{L}\p{N} _-]/gu, '?').slice(0, 40);

/** Paths are passed as (row, field) and joined only on a surprise: nothing is spelled out per field. */
function readTxRow(item: unknown, path: string, source: WireSource): TxRow {
  const tx = objectAt<TxDto>(item, path, source);
  checkFields(tx, KNOWN.tx, path, source);
  return {
    income: incomeAt(tx.income, path, source),
    date: dateTimeAt(tx.date, path, source),
    amount: decimalAt(tx.amount, path, source, DECIMAL_WIRE_FORMAT.type, 'amount'),
    operation: optionalText(tx.operation, path, source, 'operation'),
    status: statusAt(tx.status, path, source),
    holder: optionalText(tx.holder, path, source, 'holder'),
    cuit: optionalText(tx.cuit, path, source, 'cuit'),
    cvuCbu: optionalText(tx.cvu_cbu, path, source, 'cvu_cbu'),
    salePointName: optionalText(tx.sale_point_name, path, source, 'sale_point_name'),
  };
}

/**
 * The rows of a listing. A row without a readable `income`, `date` or `amount` (what a transaction
 * cannot be shown without) is skipped: its error is in `skipped`, the client reports it next to the
 * data. Everything else is kept with what could be read.
 */
export function readTxRows(value: unknown, source: WireSource): RowsRead<TxRow> {
  return readRows(listAt(value, 'transactions', source), 'transactions', source, (item, path) => readTxRow(item, path, source));
}

export interface TransactionsPageAnswer {
  rows: TxRow[];
  /** The rows left out, one error each (naming the row and field). */
  skipped: readonly ProviderError[];
  /** How many rows TelePagos sent (kept and skipped): what its counts are compared with. */
  listed: number;
  page: number;
  pages: number;
  total: number;
  pageSize: number;
}

/** A `paginate=1` answer: the counts are read from it, never assumed. */
export function toTransactionsPage(body: Record<string, unknown>, requestedPage: number, source: WireSource): TransactionsPageAnswer {
  const wire = body as Untrusted<TransactionsDto>;
  checkFields(wire, KNOWN.page, '', source);
  const { rows, skipped } = readTxRows(wire.transactions, source);
  const listed = rows.length + skipped.length;
  const page = wire.page === undefined || wire.page === null ? requestedPage : countAt(wire.page, 'page', source);
  const pages = Math.max(1, countAt(wire.pages, 'pages', source));
  return {
    rows,
    skipped,
    listed,
    page,
    pages,
    total: countAt(wire.number_of_results, 'number_of_results', source),
    pageSize: pageSizeOf(wire[TRANSACTIONS_PAGE_SIZE_FIELD], listed, page < pages, source),
  };
}

/**
 * The page size: `pagination` (TRANSACTIONS_PAGE_SIZE_FIELD), read both ways. A page before the last is
 * full, so its row count is the page size whatever that field holds; when they differ, the count wins
 * and the field is told as a `coerced_type` surprise.
 */
function pageSizeOf(value: unknown, listed: number, full: boolean, source: WireSource): number {
  const stated = countAt(value, TRANSACTIONS_PAGE_SIZE_FIELD, source);
  if (!full || listed === 0 || listed === stated) return stated;
  surprise(source, 'coerced_type', TRANSACTIONS_PAGE_SIZE_FIELD, 'not the page size');
  return listed;
}

/**
 * Kind, from the operation (its documented direction must match `income`):
 * - CASHOUT: money sent out of the account — transfers sent (`cashout`, they have a voucher) and
 *   service payments (`service_payment`).
 * - DEPOSIT: money collected through a collection instrument — QR (`qr_payment`) and payment link
 *   (`link_payment`) payments, which have a cash-in record.
 * - TRANSFER: a plain transfer received into the account's CVU (`cashin`, "Transferencia recibida": no
 *   instrument behind it), and any movement we cannot classify — an unknown operation, or a known one
 *   whose `income` contradicts it (e.g. a refund row). `direction` still says which way money moved.
 */
const KIND_BY_OPERATION: Record<OperationId, { kind: TransactionKind; income: 0 | 1 }> = {
  [OPERATION_IDS.cashout]: { kind: 'CASHOUT', income: TX_INCOME.out },
  [OPERATION_IDS.servicePayment]: { kind: 'CASHOUT', income: TX_INCOME.out },
  [OPERATION_IDS.qrPayment]: { kind: 'DEPOSIT', income: TX_INCOME.in },
  [OPERATION_IDS.linkPayment]: { kind: 'DEPOSIT', income: TX_INCOME.in },
  [OPERATION_IDS.transferIn]: { kind: 'TRANSFER', income: TX_INCOME.in },
};

export function transactionKind(operation: string | undefined, income: 0 | 1): TransactionKind {
  const known = operation === undefined ? undefined : KIND_BY_OPERATION[operation as OperationId];
  return known && known.income === income ? known.kind : 'TRANSFER';
}

const STATUS_BY_WORD: Record<string, TransactionStatus> = {
  [TX_STATUS.approved.toLowerCase()]: 'COMPLETED',
  [TX_STATUS.pending.toLowerCase()]: 'PENDING',
  [TX_STATUS.rejected.toLowerCase()]: 'REJECTED',
};

/**
 * The Spanish word, case- and space-insensitively; a word we do not know (or none) is UNKNOWN, never a
 * guess, and `providerStatus` keeps the word.
 */
export function transactionStatus(word: string): TransactionStatus {
  return STATUS_BY_WORD[word.trim().toLowerCase()] ?? 'UNKNOWN';
}

/** `YYYY-MM-DD HH:MM:SS` Argentina time → ISO-8601 with the -03:00 offset (the wall time is kept). */
export function argentinaIso(dateTime: string): string {
  return `${dateTime.replace(' ', 'T')}${ARGENTINA_UTC_OFFSET}`;
}

/**
 * What identifies a row: everything but `status`, which changes (a transfer rejected later keeps its
 * id). Normalized values, so `"10.5"` and `"10.50"` are the same row.
 */
function rowContent(row: TxRow): string {
  return JSON.stringify([row.income, row.date, row.amount, row.operation ?? '', row.holder ?? '', row.cuit ?? '', row.cvuCbu ?? '', row.salePointName ?? '']);
}

function rowId(content: string, ordinal: number): string {
  return createHash('sha256').update(content).update(`\u0000${ordinal}`).digest('hex').slice(0, 32);
}

function counterparty(row: TxRow): Counterparty | undefined {
  if (row.holder === undefined && row.cuit === undefined && row.cvuCbu === undefined) return undefined;
  return { name: row.holder, cuit: row.cuit, cbu: row.cvuCbu };
}

function toTransaction(row: TxRow, id: string): Transaction {
  return {
    provider: PROVIDER,
    id,
    kind: transactionKind(row.operation, row.income),
    direction: (row.income === TX_INCOME.in ? 'IN' : 'OUT') satisfies TransactionDirection,
    amount: money(row.amount, 'ARS'),
    createdAt: argentinaIso(row.date),
    operation: row.operation,
    status: transactionStatus(row.status),
    providerStatus: row.status,
    counterparty: counterparty(row),
    salePointName: row.salePointName,
  };
}

/**
 * Rows → transactions, in the order given. TelePagos rows carry no id: each gets a digest of its
 * content plus its ordinal among identical rows of the same listing (two equal transfers in the same
 * second stay two transactions). Map a whole listing in one call so ordinals count across its pages.
 */
export function toTransactions(rows: readonly TxRow[]): Transaction[] {
  const seen = new Map<string, number>();
  return rows.map((row) => {
    const content = rowContent(row);
    const ordinal = seen.get(content) ?? 0;
    seen.set(content, ordinal + 1);
    return toTransaction(row, rowId(content, ordinal));
  });
}

/**
 * How many identical rows came before a page, by a digest of their content (never the content: it
 * holds account numbers, and this travels in a client's cursor). Identical rows share their second, so
 * only the rows of the previous page's last second (`date`) need counting.
 */
export interface OrdinalCarry {
  date: string;
  counts: Record<string, number>;
}

export const NO_CARRY: OrdinalCarry = Object.freeze({ date: '', counts: Object.freeze({}) });

const contentDigest = (content: string) => createHash('sha256').update(content).digest('base64url').slice(0, 16);

/**
 * One page of a newest-first walk as transactions whose ids equal those `toTransactions` gives over the
 * whole listing: ordinals continue from `carry` (the identical rows of earlier pages), and the carry for
 * the next page is returned.
 */
export function toTransactionsCarried(rows: readonly TxRow[], carry: OrdinalCarry): { transactions: Transaction[]; carry: OrdinalCarry } {
  const seen = new Map<string, number>(Object.entries(carry.counts));
  const dates = new Map<string, string>(Object.keys(carry.counts).map((digest) => [digest, carry.date]));
  const transactions = rows.map((row) => {
    const content = rowContent(row);
    const digest = contentDigest(content);
    const ordinal = seen.get(digest) ?? 0;
    seen.set(digest, ordinal + 1);
    dates.set(digest, row.date);
    return toTransaction(row, rowId(content, ordinal));
  });
  const last = rows.at(-1)?.date ?? carry.date;
  const counts: Record<string, number> = {};
  for (const [digest, count] of seen) if (dates.get(digest) === last) counts[digest] = count;
  return { transactions, carry: { date: last, counts } };
}

// ── Payments and collection ─────────────────────────────────────────────────────────────────────

/** `buyer` is an object; the document prints a list, so a one-element list is read too. */
function toBuyer(value: unknown, source: WireSource): Counterparty | undefined {
  const item: unknown = Array.isArray(value) ? value[0] : value;
  if (item === undefined || item === null) return undefined;
  const buyer = objectAt<BuyerDto>(item, 'buyer', source);
  const [cuit, cbu] = [optionalText(buyer.cuit, 'buyer.cuit', source), optionalText(buyer.cvu, 'buyer.cvu', source)];
  return cuit === undefined && cbu === undefined ? undefined : { cuit, cbu };
}

export function toCashin(id: string, body: Record<string, unknown>, source: WireSource): Cashin {
  const wire = body as Untrusted<CashinDto>;
  return {
    provider: PROVIDER,
    id,
    amount: money(decimalAt(wire.amount, 'amount', source, DECIMAL_WIRE_FORMAT.type), 'ARS'),
    concept: optionalText(wire.concept, 'concept', source),
    description: optionalText(wire.description, 'description', source),
    buyer: toBuyer(wire.buyer, source),
    transactionId: optionalId(wire.transaction_id, 'transaction_id', source, 'number'),
    qrOrderId: optionalId(wire.qr_order_id, 'qr_order_id', source, 'number'),
    linkId: optionalId(wire.link_id, 'link_id', source, 'number'),
  };
}

export function toSalePoints(body: Record<string, unknown>, source: WireSource): SalePoint[] {
  return readRows(listAt(body.sale_points, 'sale_points', source), 'sale_points', source, (item, path) => {
    const salePoint = objectAt<SalePointDto>(item, path, source);
    checkFields(salePoint, KNOWN.salePoint, path, source);
    return {
      id: idAt(salePoint.id, `${path}.id`, source, 'number'),
      name: textAt(salePoint.name, `${path}.name`, source),
      status: textAt(salePoint.status, `${path}.status`, source),
    };
  }).rows;
}

/** Field readers the client uses for the one- or two-field answers (ids, QR codes, links). */
export const read = {
  id: (body: Record<string, unknown>, field: string, source: WireSource): string => idAt(body[field], field, source, 'number'),
  /** The cash-out id: CASHOUT_ID_WIRE_TYPE documented, the other type read too (a wire surprise). */
  cashoutId: (body: Record<string, unknown>, source: WireSource): string => idAt(body.id, 'id', source, CASHOUT_ID_WIRE_TYPE),
  text: (body: Record<string, unknown>, field: string, source: WireSource): string => textAt(body[field], field, source),
};

// ── Requests ────────────────────────────────────────────────────────────────────────────────────

/** A refusal before anything is sent: the input cannot be what TelePagos accepts. */
export function invalidInput(endpoint: string, message: string): ProviderError {
  return new ProviderError(`Cannot send ${endpoint}: ${message}`, { provider: PROVIDER, reason: 'INVALID_INPUT', endpoint });
}

/**
 * An amount as TelePagos reads it: a positive decimal with at most two decimals, sent as the caller's
 * text (a float never carries money). Checked here because a bad amount on a money-moving call should
 * not depend on the provider noticing.
 */
export function wireAmount(amount: string, endpoint: string, field = 'amount'): string {
  const text = amount.trim();
  if (!isDecimalText(text) || decimalPlaces(text) > AMOUNT_MAX_DECIMALS || compareDecimals(text, '0') <= 0) {
    throw invalidInput(endpoint, `${field} must be a positive decimal with at most ${AMOUNT_MAX_DECIMALS} decimals`);
  }
  return text;
}

/** Numeric ids go back as JSON integers, as TelePagos sent them; anything else as is, for TelePagos to refuse. */
export function wireId(id: string): WireId {
  return isTelepagosId(id) ? Number(id) : id;
}

/** A Date or an ISO-8601 string → `YYYY-MM-DD HH:MM:SS` in Argentina time. */
export function wireDateTime(value: Date | string, endpoint: string, field: string): string {
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  if (Number.isNaN(ms)) throw invalidInput(endpoint, `${field} must be a date`);
  return formatArgentinaDateTime(ms);
}

const QR_AMOUNT_TYPES: Record<QrAmountType, StaticQrType> = { CLOSED: 'closed', OPEN: 'open' };

export function wireQrAmountType(type: QrAmountType): StaticQrType {
  return QR_AMOUNT_TYPES[type];
}
