/**
 * Reading a provider's answer: exact in what we require, liberal in the forms we accept, loud about
 * surprises. One set of readers for every provider's mappers (no mapper keeps a copy of its own).
 *
 * - A field is read in every plausible wire form: a number or a numeric string (amounts exactly, through
 *   big.js, never a float); dates in the documented form, ISO 8601 with or without an offset, or a bare
 *   date (a zone-less date is the provider's own local time: `WireZone`); `null` or missing for optional
 *   fields. Anything read in a form other than the documented one is a `coerced_type` surprise.
 * - A required field that cannot be read is a BAD_RESPONSE ProviderError naming the field (never its
 *   value). Inside a list, `readRows` turns that into a skipped row (see there): one bad row never
 *   blanks a page.
 * - Every surprise (unknown field, unknown status, coerced type, dropped optional field, skipped row) is
 *   told to `source.observe`: the clients count it in `pasarela_provider_wire_surprises_total` and log
 *   it once per (provider, endpoint, kind, field).
 *
 * The happy path allocates nothing per field: paths are only spelled out when something is wrong, and
 * unknown keys are checked against a frozen Set of the known ones.
 */
import { InvalidDecimalError, isCurrency, toDecimal, type Currency } from '../domain/money.js';
import { ProviderError, badResponse } from './errors.js';
import type { ProviderId } from './provider.js';

/** A wire object whose fields are named by its DTO but not yet trusted. */
export type Untrusted<Dto> = { readonly [K in keyof Dto]?: unknown };

/** Bounded on purpose: these are metric label values. */
export type WireSurpriseKind = 'unknown_field' | 'unknown_status' | 'coerced_type' | 'dropped_field' | 'skipped_row';

export interface WireSurprise {
  provider: ProviderId;
  /** The client's fixed endpoint label. */
  endpoint: string;
  kind: WireSurpriseKind;
  /** The field's path with list indices left out (`transactions[].date`): bounded, never a value. */
  field: string;
  /** What was seen, as a form (`string for number`, `iso-offset`) or a status word; never an amount or id. */
  detail?: string;
  requestId?: string;
}

export type WireObserver = (surprise: WireSurprise) => void;

/** Where an answer came from, for the error that names what was wrong with it and for its surprises. */
export interface WireSource {
  endpoint: string;
  requestId?: string;
  observe?: WireObserver;
}

/** What JSON type the provider's document gives a field. */
export type WireType = 'number' | 'string';

/**
 * How a provider writes its dates: the documented form (checked without allocating) and the UTC offset,
 * in minutes, of a date that carries none (the provider's own local time).
 */
export interface WireZone {
  readonly offsetMinutes: number;
  isDocumented(text: string): boolean;
}

/** Rows read from a list: the good ones, and an error for each row left out. */
export interface RowsRead<T> {
  rows: T[];
  skipped: readonly ProviderError[];
}

const MINUTE_MS = 60_000;

/** A JSON object (not null, not a list): what an envelope or a refusal body must be to be read. */
export const isJsonObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** `transactions[3].date` → `transactions[].date`: one log line and one key per field, not per row. */
export function fieldKey(path: string): string {
  return path.includes('[') ? path.replace(/\[\d+\]/g, '[]') : path;
}

/** `path.field`, spelled out only when something must be said about it. */
export const fieldPath = (path: string, field: string): string => (path === '' ? field : `${path}.${field}`);

// ── Dates ───────────────────────────────────────────────────────────────────────────────────────────

const digit = (text: string, at: number): number => {
  const c = text.charCodeAt(at) - 48;
  return c >= 0 && c <= 9 ? c : Number.NaN;
};
const digits = (text: string, at: number, n: number): number => {
  let v = 0;
  for (let i = 0; i < n; i++) v = v * 10 + digit(text, at + i);
  return v;
};
const daysIn = (year: number, month: number): number =>
  month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;

/**
 * Epoch ms of `YYYY-MM-DD`, `YYYY-MM-DD[T ]HH:MM[:SS[.fff…]]` with an optional `Z`, `±HH:MM`, `±HHMM` or
 * `±HH`; NaN for anything else. A date or date-time without an offset is read at `defaultOffsetMinutes`.
 * Hand-parsed: no regex match arrays, no Date objects.
 */
export function parseWireDate(text: string, defaultOffsetMinutes: number): number {
  const n = text.length;
  if (n < 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return Number.NaN;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  if (!(month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month))) return Number.NaN;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let ms = 0;
  let offset = defaultOffsetMinutes;
  if (n > 10) {
    const sep = text.charCodeAt(10);
    if (sep !== 84 && sep !== 116 && sep !== 32) return Number.NaN; // T t space
    if (n < 16 || text.charCodeAt(13) !== 58) return Number.NaN;
    hour = digits(text, 11, 2);
    minute = digits(text, 14, 2);
    let at = 16;
    if (text.charCodeAt(at) === 58) {
      second = digits(text, at + 1, 2);
      at += 3;
      if (text.charCodeAt(at) === 46 || text.charCodeAt(at) === 44) {
        let scale = 100;
        at++;
        const start = at;
        while (at < n && !Number.isNaN(digit(text, at))) {
          ms += digit(text, at) * scale;
          scale /= 10;
          at++;
        }
        if (at === start) return Number.NaN;
        ms = Math.floor(ms);
      }
    }
    if (!(hour <= 23 && minute <= 59 && second <= 59)) return Number.NaN;
    if (at < n) {
      const z = text.charCodeAt(at);
      if ((z === 90 || z === 122) && at === n - 1) offset = 0;
      else if (z === 43 || z === 45) {
        const rest = n - at - 1;
        const oh = digits(text, at + 1, 2);
        const om = rest === 2 ? 0 : rest === 4 ? digits(text, at + 3, 2) : rest === 5 && text.charCodeAt(at + 3) === 58 ? digits(text, at + 4, 2) : Number.NaN;
        if (!(oh <= 23 && om <= 59)) return Number.NaN;
        offset = (z === 45 ? -1 : 1) * (oh * 60 + om);
      } else return Number.NaN;
    }
  }
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  return Number.isNaN(utc) ? utc : utc - offset * MINUTE_MS;
}

/** The form of a readable date, for a surprise's detail (only spelled out on a surprise). */
export function wireDateForm(text: string): string {
  if (text.length === 10) return 'date-only';
  if (/[zZ]$/.test(text)) return 'iso-utc';
  if (/[+-]\d{2}(:?\d{2})?$/.test(text)) return 'iso-offset';
  return text.charCodeAt(10) === 32 ? 'date-time-without-offset' : 'iso-without-offset';
}

// ── Readers ─────────────────────────────────────────────────────────────────────────────────────────

/**
 * Every reader takes the path of the object it reads in and, optionally, the field's name apart
 * (`readers.decimalAt(row.amount, rowPath, source, 'string', 'amount')`): the two are joined only when
 * there is something to say, so reading a row spells out no path per field.
 */
export interface WireReaders {
  bad(source: WireSource, detail: string): ProviderError;
  /** Tells the source's observer about a surprise at `path` (indices are left out of the key). */
  surprise(source: WireSource, kind: WireSurpriseKind, path: string, detail?: string): void;
  objectAt<Dto>(value: unknown, path: string, source: WireSource): Untrusted<Dto>;
  /** A non-blank string; a finite number is read as its text (a coerced type). */
  textAt(value: unknown, path: string, source: WireSource, field?: string): string;
  /** A currency the gateway supports (`ARS`, `PEN`, `USD`…). */
  currencyAt(value: unknown, path: string, source: WireSource, field?: string): Currency;
  /** A list; with `absentIsEmpty`, undefined and null read as an empty list. */
  listAt(value: unknown, path: string, source: WireSource, options?: { absentIsEmpty?: boolean }): unknown[];
  /** An exact decimal (a JSON number through its shortest text, or a numeric string), as canonical text. */
  decimalAt(value: unknown, path: string, source: WireSource, documented: WireType, field?: string): string;
  /** undefined for null or missing; otherwise as `decimalAt`. */
  optionalDecimalAt(value: unknown, path: string, source: WireSource, documented: WireType): string | undefined;
  /** A non-negative integer, as a number or digits. */
  countAt(value: unknown, path: string, source: WireSource, documented?: WireType): number;
  /** undefined for null or missing; otherwise as `countAt`. */
  optionalCountAt(value: unknown, path: string, source: WireSource, documented?: WireType): number | undefined;
  /** An id, as a safe integer or a non-blank string; always a string for the domain. */
  idAt(value: unknown, path: string, source: WireSource, documented: WireType, field?: string): string;
  /** A non-blank string (numbers read as their text); undefined for null, missing, blank or unreadable. */
  optionalText(value: unknown, path: string, source: WireSource, field?: string): string | undefined;
  /** undefined for null or missing; otherwise as `idAt`, but unreadable is dropped (told), not thrown. */
  optionalId(value: unknown, path: string, source: WireSource, documented: WireType): string | undefined;
  /** Epoch ms of a date in any accepted form (see `parseWireDate`). */
  instantAt(value: unknown, path: string, source: WireSource, zone: WireZone, field?: string): number;
  /** undefined for null, missing or unreadable (told as a dropped field). */
  optionalInstantAt(value: unknown, path: string, source: WireSource, zone: WireZone): number | undefined;
  /** Tells the observer about each key of `object` not in `known`. */
  checkFields(object: object, known: ReadonlySet<string>, path: string, source: WireSource): void;
  /**
   * Every row of a list that can be read. A row that cannot (a required field missing or unreadable,
   * or not an object) is **skipped**: left out of the rows, told as a `skipped_row` surprise, and its
   * BAD_RESPONSE error (naming the row's path and field) returned in `skipped` for the caller to report
   * next to the data. The list itself missing is still an error: then there is no page to keep.
   */
  readRows<T>(list: unknown[], path: string, source: WireSource, readRow: (item: unknown, rowPath: string) => T): RowsRead<T>;
}

export function wireReaders(provider: ProviderId): WireReaders {
  const bad = (source: WireSource, detail: string) => badResponse(provider, source.endpoint, detail, source.requestId);
  const surprise = (source: WireSource, kind: WireSurpriseKind, path: string, detail?: string): void => {
    source.observe?.({ provider, endpoint: source.endpoint, kind, field: fieldKey(path), detail, requestId: source.requestId });
  };
  const coerced = (source: WireSource, path: string, value: unknown, documented: WireType | string): void => {
    if (source.observe) surprise(source, 'coerced_type', path, `${typeof value} for ${documented}`);
  };
  const at = (path: string, field: string | undefined): string => (field === undefined ? path : fieldPath(path, field));

  const decimalAt = (value: unknown, path: string, source: WireSource, documented: WireType, field?: string): string => {
    let decimal: string;
    try {
      decimal = toDecimal(value);
    } catch (error) {
      if (error instanceof InvalidDecimalError) throw bad(source, `${at(path, field)} is missing or not an amount`);
      throw error;
    }
    if (typeof value !== documented) coerced(source, at(path, field), value, documented);
    return decimal;
  };

  const readCount = (value: unknown): number => {
    if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : Number.NaN;
    if (typeof value !== 'string') return Number.NaN;
    const text = value.trim();
    return /^\d{1,15}$/.test(text) ? Number(text) : Number.NaN;
  };
  const countAt = (value: unknown, path: string, source: WireSource, documented: WireType = 'number'): number => {
    const n = readCount(value);
    if (Number.isNaN(n)) throw bad(source, `${path} is missing or not a count`);
    if (typeof value !== documented) coerced(source, path, value, documented);
    return n;
  };

  const readId = (value: unknown): string | undefined => {
    if (typeof value === 'number') return Number.isSafeInteger(value) ? String(value) : undefined;
    if (typeof value !== 'string') return undefined;
    const text = value.trim();
    return text === '' ? undefined : text;
  };

  const instantOrNaN = (value: unknown, path: string, source: WireSource, zone: WireZone, field?: string): number => {
    if (typeof value !== 'string') return Number.NaN;
    const text = value.trim();
    const ms = parseWireDate(text, zone.offsetMinutes);
    if (!Number.isNaN(ms) && !zone.isDocumented(text) && source.observe) surprise(source, 'coerced_type', at(path, field), wireDateForm(text));
    return ms;
  };

  return {
    bad,
    surprise,
    decimalAt,
    countAt,
    objectAt<Dto>(value: unknown, path: string, source: WireSource): Untrusted<Dto> {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad(source, `${path} is missing or not an object`);
      return value as Untrusted<Dto>;
    },
    textAt(value, path, source, field) {
      if (typeof value === 'string' && value.trim() !== '') return value;
      if (typeof value === 'number' && Number.isFinite(value)) {
        coerced(source, at(path, field), value, 'string');
        return String(value);
      }
      throw bad(source, `${at(path, field)} is missing or not a string`);
    },
    currencyAt(value, path, source, field) {
      if (!isCurrency(value)) throw bad(source, `${at(path, field)} is missing or not a supported currency`);
      return value;
    },
    listAt(value, path, source, options = {}) {
      if (options.absentIsEmpty && (value === undefined || value === null)) return [];
      if (!Array.isArray(value)) throw bad(source, `${path} is ${options.absentIsEmpty ? 'not' : 'missing or not'} a list`);
      return value;
    },
    optionalDecimalAt(value, path, source, documented) {
      return value === undefined || value === null ? undefined : decimalAt(value, path, source, documented);
    },
    optionalCountAt(value, path, source, documented) {
      return value === undefined || value === null ? undefined : countAt(value, path, source, documented);
    },
    idAt(value, path, source, documented, field) {
      const id = readId(value);
      if (id === undefined) throw bad(source, `${at(path, field)} is missing or not an id`);
      if (typeof value !== documented) coerced(source, at(path, field), value, documented);
      return id;
    },
    optionalText(value, path, source, field) {
      if (typeof value === 'string') return value.trim() === '' ? undefined : value;
      if (value === undefined || value === null) return undefined;
      if (typeof value === 'number' && Number.isFinite(value)) {
        coerced(source, at(path, field), value, 'string');
        return String(value);
      }
      surprise(source, 'dropped_field', at(path, field), typeof value);
      return undefined;
    },
    optionalId(value, path, source, documented) {
      if (value === undefined || value === null) return undefined;
      const id = readId(value);
      if (id === undefined) surprise(source, 'dropped_field', path, typeof value);
      else if (typeof value !== documented) coerced(source, path, value, documented);
      return id;
    },
    instantAt(value, path, source, zone, field) {
      const ms = instantOrNaN(value, path, source, zone, field);
      if (Number.isNaN(ms)) throw bad(source, `${at(path, field)} is missing or not a date`);
      return ms;
    },
    optionalInstantAt(value, path, source, zone) {
      if (value === undefined || value === null || value === '') return undefined;
      const ms = instantOrNaN(value, path, source, zone);
      if (!Number.isNaN(ms)) return ms;
      surprise(source, 'dropped_field', path, typeof value);
      return undefined;
    },
    checkFields(object, known, path, source) {
      if (!source.observe) return;
      for (const key in object) if (!known.has(key)) surprise(source, 'unknown_field', fieldPath(path, key));
    },
    readRows<T>(list: unknown[], path: string, source: WireSource, readRow: (item: unknown, rowPath: string) => T): RowsRead<T> {
      const rows: T[] = [];
      let skipped: ProviderError[] | undefined;
      for (let i = 0; i < list.length; i++) {
        try {
          rows.push(readRow(list[i], `${path}[${i}]`));
        } catch (error) {
          if (!(error instanceof ProviderError) || error.reason !== 'BAD_RESPONSE') throw error;
          surprise(source, 'skipped_row', `${path}[]`, fieldKey(error.message.slice(error.message.lastIndexOf(': ') + 2)));
          (skipped ??= []).push(error);
        }
      }
      return { rows, skipped: skipped ?? NO_ERRORS };
    },
  };
}

const NO_ERRORS: readonly ProviderError[] = Object.freeze([]);

/** The field names a document gives an object, to check answers against (read-only by type). */
export function knownFields(...names: string[]): ReadonlySet<string> {
  return new Set(names);
}
