/**
 * Query-string rules of Tupay's listings: the `from`/`to` range, `page`, the filters, and the paged
 * envelope `{ page, rows, maxRows, data }`. Everything is validated before anything is read.
 */
import {
  TUPAY_CASHOUT_PAYMENT_METHOD_FILTERS,
  TUPAY_COUNTRY,
  TUPAY_DOCUMENT_PARAMS,
  TUPAY_FIRST_PAGE,
  TUPAY_MAX_RANGE_SECONDS,
  TUPAY_MAX_ROWS,
  TUPAY_PAYMENT_METHODS,
  TUPAY_REPORT_DAY_SECONDS,
  type TupayRangeEnd,
  type TupayRangeUnit,
} from '../../providers/tupay/assumptions.js';
import type { Ledger } from './ledger.js';
import type { Timestamped } from './records.js';

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

export interface RangeQuery {
  fromSec: number;
  toSec: number;
  page: number;
}

export interface PagedEnvelope<W> {
  page: number;
  rows: number;
  maxRows: number;
  data: W[];
}

type Query = Record<string, unknown>;

/** A non-negative integer written in decimal digits (repeated parameters arrive as arrays: refused). */
function readInteger(query: Query, name: string, fallback?: number, maxDigits = 12): Parsed<number> {
  const raw = query[name];
  if (raw === undefined || raw === '') {
    return fallback === undefined ? { ok: false, message: `${name} is required` } : { ok: true, value: fallback };
  }
  if (typeof raw !== 'string' || !new RegExp(`^\\d{1,${maxDigits}}$`).test(raw)) return { ok: false, message: `${name} must be an integer` };
  return { ok: true, value: Number(raw) };
}

/** A `YYYY-MM-DD` UTC day as the Unix seconds of its start, or null. */
function dayStartSec(raw: unknown): number | null {
  if (typeof raw !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(raw)) return null;
  const ms = Date.parse(`${raw}T00:00:00Z`);
  return Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== raw ? null : ms / 1000;
}

/** `from`/`to` as Unix time in `unit`, or (with `dates`) as UTC days `YYYY-MM-DD`, read as their start (in `unit`). */
function readTime(query: Query, name: string, dates: boolean, scale: number): Parsed<{ value: number; day: boolean }> {
  const day = dates ? dayStartSec(query[name]) : null;
  if (day !== null) return { ok: true, value: { value: day * scale, day: true } };
  const value = readInteger(query, name, undefined, scale === 1 ? 12 : 15);
  return value.ok ? { ok: true, value: { value: value.value, day: false } } : value;
}

export interface RangeRules {
  /** The strict rule TUPAY_STRICT_RULES.rangeEdge: a range of exactly 60 days is refused too. */
  edgeExclusive?: boolean;
  /** Also take `YYYY-MM-DD` days (the balance report's `from`/`to` are typed "string"); a `to` day is whole. */
  dates?: boolean;
  /** The unit of `from`/`to` played (wire choice `rangeUnit`, TUPAY_RANGE_UNITS). Default seconds. */
  unit?: TupayRangeUnit;
  /** Whether a record created at `to` is listed (wire choice `rangeEnd`, TUPAY_RANGE_ENDS). Default inclusive. */
  end?: TupayRangeEnd;
}

/**
 * `from`, `to` (Unix time in `unit`, from ≤ to, at most 60 days apart) and `page` (from 0), as the
 * whole seconds listed, both included: a record created at `to` only when `end` is inclusive.
 */
export function parseRange(query: Query, { edgeExclusive = false, dates = false, unit = 'seconds', end = 'inclusive' }: RangeRules = {}): Parsed<RangeQuery> {
  const scale = unit === 'milliseconds' ? 1000 : 1;
  const fromTime = readTime(query, 'from', dates, scale);
  if (!fromTime.ok) return fromTime;
  const toTime = readTime(query, 'to', dates, scale);
  if (!toTime.ok) return toTime;
  const [from, to] = [fromTime.value.value, toTime.value.value];
  const page = readInteger(query, 'page', TUPAY_FIRST_PAGE);
  if (!page.ok) return page;
  if (from > to) return { ok: false, message: 'from cannot exceed to' };
  const span = to - from;
  const max = TUPAY_MAX_RANGE_SECONDS * scale;
  if (span > max || (edgeExclusive && span === max)) return { ok: false, message: 'The maximum difference between from and to is 60 days' };
  const fromSec = Math.ceil(from / scale);
  // A `to` day is whole; otherwise the last whole second listed (created before `to` when it is exclusive).
  const toSec = toTime.value.day ? to / scale + TUPAY_REPORT_DAY_SECONDS - 1 : end === 'exclusive' ? Math.ceil(to / scale) - 1 : Math.floor(to / scale);
  return { ok: true, value: { fromSec, toSec, page: page.value } };
}

/** What a listing's filters compare against, per record. */
export interface Filterable {
  status: string;
  clientDocument: string;
  paymentMethod?: string;
}

function readString(query: Query, name: string): Parsed<string | undefined> {
  const raw = query[name];
  if (raw === undefined || raw === '') return { ok: true, value: undefined };
  return typeof raw === 'string' ? { ok: true, value: raw } : { ok: false, message: `${name} must be given once` };
}

/**
 * The filters as one predicate (undefined when none is set). Unknown statuses and payment methods are
 * refused, so a misspelt filter fails loudly instead of silently matching nothing.
 */
export function parseFilters<R extends Filterable>(
  query: Query,
  statuses: readonly string[],
  kind: 'deposit' | 'cashout',
): Parsed<((r: R) => boolean) | undefined> {
  const tests: ((r: R) => boolean)[] = [];
  const status = readString(query, 'status');
  if (!status.ok) return status;
  if (status.value !== undefined) {
    if (!statuses.includes(status.value)) return { ok: false, message: `status must be one of ${statuses.join(', ')}` };
    tests.push((r) => r.status === status.value);
  }
  const method = readString(query, 'paymentMethod');
  if (!method.ok) return method;
  if (method.value !== undefined) {
    if (!(TUPAY_PAYMENT_METHODS as readonly string[]).includes(method.value))
      return { ok: false, message: `paymentMethod must be one of ${TUPAY_PAYMENT_METHODS.join(', ')}` };
    if (kind === 'deposit' || TUPAY_CASHOUT_PAYMENT_METHOD_FILTERS) tests.push((r) => r.paymentMethod === method.value);
  }
  const country = readString(query, 'country');
  if (!country.ok) return country;
  if (country.value !== undefined) {
    if (!/^[A-Z]{2}$/.test(country.value)) return { ok: false, message: 'country must be an ISO 3166 alpha-2 code' };
    // Every record is Peruvian: another country matches nothing.
    if (country.value !== TUPAY_COUNTRY) tests.push(() => false);
  }
  for (const name of TUPAY_DOCUMENT_PARAMS) {
    const document = readString(query, name);
    if (!document.ok) return document;
    if (document.value !== undefined) tests.push((r) => r.clientDocument === document.value);
  }
  if (tests.length === 0) return { ok: true, value: undefined };
  return { ok: true, value: (r) => tests.every((test) => test(r)) };
}

/** Page `range.page` of the records created in the range that `accept` keeps, oldest first. */
export function pageOf<T extends Timestamped, W>(ledger: Ledger<T>, range: RangeQuery, toWire: (r: T) => W, accept?: (r: T) => boolean): PagedEnvelope<W> {
  const { start, end } = ledger.bounds(range.fromSec, range.toSec);
  const skip = range.page * TUPAY_MAX_ROWS;
  const picked: T[] = [];
  if (!accept) {
    // Unfiltered: the page is a slice, whatever the size of the ledger.
    for (let i = start + skip; i < end && picked.length < TUPAY_MAX_ROWS; i++) picked.push(ledger.at(i)!);
  } else {
    let matched = 0;
    for (let i = start; i < end && picked.length < TUPAY_MAX_ROWS; i++) {
      const record = ledger.at(i)!;
      if (accept(record) && matched++ >= skip) picked.push(record);
    }
  }
  return { page: range.page, rows: picked.length, maxRows: TUPAY_MAX_ROWS, data: picked.map(toWire) };
}
