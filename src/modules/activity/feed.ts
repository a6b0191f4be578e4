/**
 * The merged activity feed: every provider's transactions in one newest-first order, read
 * incrementally. Order is (instant descending, provider, id): total, so a cursor can name a place in it.
 *
 * Each source is walked newest first one provider step at a time (a TelePagos page, a Tupay window);
 * after a step the source promises that nothing it has not returned is newer than `notAfter`. The
 * best buffered row is emitted only when every live source's promise is older than it; otherwise every
 * source that could still hold a better row takes one more step, all at once. So a page of N rows asks
 * each provider for the steps those N (+1, for hasNextPage) rows need and no more.
 *
 * The cursor (base64url JSON) holds the last emitted (instant, provider, id) and, per source, the
 * position of the step holding its first row not yet emitted (or "done"). Resuming re-reads that step
 * and drops every row at or before the last emitted one in the order: rows at the same second, of one
 * provider or several, are neither skipped nor repeated. A query digest ties a cursor to its query.
 */
import { createHash } from 'node:crypto';
import Big from 'big.js';
import type { CallContext } from '../../domain/models.js';
import { userInputError } from '../../graphql/errors.js';
import type { InstantRange, TransactionQuery, TransactionQueryField, TransactionSource, WalkPosition, WalkStep } from '../../providers/capabilities.js';
import type { ProviderId } from '../../providers/provider.js';
import { InvalidPositionError } from '../../providers/walk.js';
import { coveringDays } from '../transactions/date-range.js';
import { timeOf, transactionValue } from '../transactions/transactions.loaders.js';
import type { TransactionValue } from '../transactions/transaction.type.js';
import type { ActivityFilter } from './activity.type.js';

/** The question a feed answers, checked already: the caller's days as instants, and the filter. */
export interface ActivityQuery {
  from: string;
  to: string;
  timeZone: string;
  range: InstantRange;
  filter?: ActivityFilter;
}

/** What a feed reports when a provider fails: its rows are left out and the caller says so. */
export type OnSourceFailure = (provider: ProviderId, error: unknown) => void;

interface Row {
  at: number;
  provider: string;
  id: string;
  value: TransactionValue;
  /** Index of the step of its source that returned it. */
  step: number;
}

/** A place in the order: the last row emitted. */
type Key = readonly [at: number, provider: string, id: string];

const keyOf = (row: Row): Key => [row.at, row.provider, row.id];
/** Newest first; then provider, then id (both ascending): a total order. Allocates nothing (the export compares every row). */
function compareRows(a: Row, b: Row): number {
  return b.at - a.at || (a.provider < b.provider ? -1 : a.provider > b.provider ? 1 : 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
/** The same order, a row against a key. */
function compareRowKey(a: Row, b: Key): number {
  return b[0] - a.at || (a.provider < b[1] ? -1 : a.provider > b[1] ? 1 : 0) || (a.id < b[2] ? -1 : a.id > b[2] ? 1 : 0);
}

interface SourceState {
  source: TransactionSource;
  /** Rows read, best first; those from `head` on are not emitted yet. */
  buffer: Row[];
  head: number;
  /** Nothing unread is newer (ms); +Infinity before the first step. */
  notAfter: number;
  /** The position of each step whose rows are still buffered (null: the start), by step number. */
  steps: Map<number, WalkPosition | null>;
  taken: number;
  /** The next step's position (null: the start); undefined when the walk is over. */
  next: WalkPosition | null | undefined;
  failed: boolean;
}

/** A source's place in a cursor: the position to resume from (null: the start), or 0 when done. */
type CursorPlace = { p: WalkPosition | null } | 0;
interface CursorJson {
  v: 1;
  /** Digest of the query the cursor belongs to. */
  q: string;
  l?: [number, string, string];
  s: Record<string, CursorPlace>;
}

const MAX_CURSOR_LENGTH = 8_000;
const badCursor = () => userInputError('after is not a cursor returned by this query', { field: 'after' });

/** The filter as a predicate over rows (every field, whether or not a provider applied it too). */
function matcher(filter: ActivityFilter | undefined, range: InstantRange): (row: TransactionValue, at: number) => boolean {
  const statuses = filter?.statuses?.length ? new Set<string>(filter.statuses) : undefined;
  const kinds = filter?.kinds?.length ? new Set<string>(filter.kinds) : undefined;
  const currencies = filter?.currencies?.length ? new Set<string>(filter.currencies) : undefined;
  const min = filter?.minAmount !== undefined && filter.minAmount !== null ? new Big(filter.minAmount) : undefined;
  const max = filter?.maxAmount !== undefined && filter.maxAmount !== null ? new Big(filter.maxAmount) : undefined;
  return (t, at) =>
    at >= range.from &&
    at <= range.to &&
    (!filter?.direction || t.direction === filter.direction) &&
    (!statuses || statuses.has(t.status)) &&
    (!kinds || kinds.has(t.kind)) &&
    (!currencies || currencies.has(t.amount.currency)) &&
    (!min || min.lte(t.amount.amount)) &&
    (!max || max.gte(t.amount.amount));
}

/** The neutral fields a source applies itself (the gateway filters every field again). */
function upstreamQuery(source: TransactionSource, filter: ActivityFilter | undefined): TransactionQuery {
  const query: TransactionQuery = {};
  if (filter?.direction && source.upstreamFilters.includes('direction')) query.direction = filter.direction;
  if (filter?.statuses?.length && source.upstreamFilters.includes('statuses')) query.statuses = filter.statuses;
  if (filter?.kinds?.length && source.upstreamFilters.includes('kinds')) query.kinds = filter.kinds;
  return query;
}

/** Whether the filter has a field `source` cannot apply itself: then filling a page may take reading its whole range. */
function filtersLocally(source: TransactionSource, filter: ActivityFilter | undefined): boolean {
  if (!filter) return false;
  const local = (field: TransactionQueryField) => !source.upstreamFilters.includes(field);
  return (
    (!!filter.direction && local('direction')) ||
    (!!filter.statuses?.length && local('statuses')) ||
    (!!filter.kinds?.length && local('kinds')) ||
    !!filter.currencies?.length ||
    (filter.minAmount !== undefined && filter.minAmount !== null) ||
    (filter.maxAmount !== undefined && filter.maxAmount !== null)
  );
}

/**
 * The provider calls a feed over `sources` is priced at before it reads anything (src/graphql/limits.ts):
 * each source's walk to emit `rows` rows, or its whole range (`all`, and whenever the filter has a field
 * the source cannot apply: a filter that matches nothing reads every step). A source without a walk
 * reads its range in one listing, priced as one call.
 */
export function activityPrice(query: ActivityQuery, sources: readonly TransactionSource[], rows: number | 'all'): number {
  let price = 0;
  for (const source of sources) {
    const demand = rows === 'all' || filtersLocally(source, query.filter) ? 'all' : rows;
    price += source.walkPrice ? source.walkPrice(query.range, upstreamQuery(source, query.filter), demand) : 1;
  }
  return price;
}

/** Minimum amount above maximum: refused before anything is asked. */
export function checkActivityFilter(filter: ActivityFilter | undefined): void {
  if (filter?.minAmount && filter.maxAmount && new Big(filter.minAmount).gt(filter.maxAmount)) {
    throw userInputError('minAmount must not be above maxAmount', { field: 'filter' });
  }
}

/** The sources a feed reads: every provider that lists transactions, narrowed by the filter's providers. */
export function activitySources(all: readonly TransactionSource[], filter: ActivityFilter | undefined): TransactionSource[] {
  const wanted = filter?.providers?.length ? new Set<string>(filter.providers) : undefined;
  return all.filter((source) => !wanted || wanted.has(source.provider));
}

export class ActivityFeed {
  private readonly states: SourceState[];
  private readonly match: (row: TransactionValue, at: number) => boolean;
  private readonly digest: string;
  private last: Key | undefined;

  constructor(
    private readonly query: ActivityQuery,
    sources: readonly TransactionSource[],
    private readonly call: CallContext,
    private readonly onFailure: OnSourceFailure,
    after?: string,
    /** Provider pages a step may read at once (WalkOptions.pages): 1 for a page of the feed. */
    private readonly pagesPerStep = 1,
  ) {
    this.match = matcher(query.filter, query.range);
    this.digest = queryDigest(query, sources);
    const cursor = after === undefined ? undefined : this.decode(after, sources);
    this.last = cursor?.l;
    this.states = [];
    for (const source of sources) {
      const place = cursor ? cursor.s[source.provider] : { p: null };
      if (place === undefined) throw badCursor();
      this.states.push({
        source,
        buffer: [],
        head: 0,
        notAfter: place === 0 ? -Infinity : Infinity,
        steps: new Map(),
        taken: 0,
        next: place === 0 ? undefined : place.p,
        failed: false,
      });
    }
  }

  /** The next row in order, not taken; undefined at the end. Reads only the steps it needs. */
  async peek(): Promise<TransactionValue | undefined> {
    for (;;) {
      const best = this.bestRow();
      const blocking = this.blocking(best);
      if (blocking.length === 0) return best?.value;
      await Promise.all(blocking.map((state) => this.step(state)));
    }
  }

  /** Whether `peek` can answer without asking a provider (a writer flushes what it has before it waits). */
  get ready(): boolean {
    return this.blocking(this.bestRow()).length === 0;
  }

  private bestRow(): Row | undefined {
    const state = this.bestState();
    return state?.buffer[state.head];
  }

  /** The live sources that may still hold a row before `best` (all of them when nothing is buffered). */
  private blocking(best: Row | undefined): SourceState[] {
    return this.states.filter((s) => !s.failed && s.next !== undefined && (!best || s.notAfter >= best.at));
  }

  /** Takes the row `peek` answered. */
  take(): void {
    const state = this.bestState();
    const row = state?.buffer[state.head];
    if (!state || !row) return;
    state.head++;
    this.last = keyOf(row);
  }

  /** Whether a provider failed while reading (its rows are missing). */
  get partial(): boolean {
    return this.states.some((s) => s.failed);
  }

  /** A cursor for the place after the last row taken. */
  cursor(): string {
    const s: Record<string, CursorPlace> = {};
    for (const state of this.states) {
      let pending: number | undefined;
      for (let i = state.head; i < state.buffer.length; i++) pending = Math.min(pending ?? Infinity, state.buffer[i]!.step);
      if (pending !== undefined) s[state.source.provider] = { p: state.steps.get(pending)! };
      else s[state.source.provider] = state.next === undefined ? 0 : { p: state.next };
    }
    const json: CursorJson = { v: 1, q: this.digest, ...(this.last && { l: [...this.last] }), s };
    return Buffer.from(JSON.stringify(json), 'utf8').toString('base64url');
  }

  private bestState(): SourceState | undefined {
    let best: SourceState | undefined;
    for (const state of this.states) {
      const head = state.buffer[state.head];
      if (head && (!best || compareRows(head, best.buffer[best.head]!) < 0)) best = state;
    }
    return best;
  }

  private async step(state: SourceState): Promise<void> {
    const position = state.next ?? null;
    let step: WalkStep;
    try {
      step = await this.walk(state.source, position);
    } catch (error) {
      if (error instanceof InvalidPositionError) throw badCursor();
      state.failed = true;
      this.onFailure(state.source.provider, error);
      return;
    }
    const index = state.taken++;
    const buffer = state.buffer.slice(state.head);
    // Positions are kept only while a row of their step is unemitted (the cursor may need them).
    const pending = new Set(buffer.map((row) => row.step));
    for (const old of state.steps.keys()) if (!pending.has(old)) state.steps.delete(old);
    state.steps.set(index, position);
    const seen = new Set(buffer.map((row) => row.value.localId));
    for (const transaction of step.transactions) {
      const at = timeOf(transaction);
      const value = transactionValue(transaction);
      if (!this.match(value, at) || seen.has(value.localId)) continue;
      const row: Row = { at, provider: value.provider, id: value.localId, value, step: index };
      if (this.last && compareRowKey(row, this.last) <= 0) continue;
      seen.add(value.localId);
      buffer.push(row);
    }
    state.buffer = buffer.sort(compareRows);
    state.head = 0;
    state.notAfter = step.next ? step.notAfter : -Infinity;
    state.next = step.next;
  }

  /** One step of a source; a source without a walk answers its whole range in one step. */
  private async walk(source: TransactionSource, position: WalkPosition | null): Promise<WalkStep> {
    const query = upstreamQuery(source, this.query.filter);
    if (source.walk) return source.walk(this.query.range, query, position ?? undefined, this.call, { pages: this.pagesPerStep });
    const days = coveringDays(this.query.range, source, { from: this.query.from, to: this.query.to });
    return { transactions: await source.transactions(days, query, this.call), notAfter: -Infinity };
  }

  private decode(after: string, sources: readonly TransactionSource[]): CursorJson {
    if (after.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(after)) throw badCursor();
    let json: CursorJson;
    try {
      json = JSON.parse(Buffer.from(after, 'base64url').toString('utf8')) as CursorJson;
    } catch {
      throw badCursor();
    }
    if (typeof json !== 'object' || json === null || json.v !== 1 || json.q !== this.digest || typeof json.s !== 'object' || json.s === null) throw badCursor();
    const l = json.l;
    if (l !== undefined && !(Array.isArray(l) && l.length === 3 && Number.isFinite(l[0]) && typeof l[1] === 'string' && typeof l[2] === 'string')) {
      throw badCursor();
    }
    // Every source's place is checked here, before any call: a position its source could not have written
    // for this range is refused as a whole, not after the other sources have been asked.
    for (const source of sources) {
      const place = json.s[source.provider];
      const ok = place === 0 || (typeof place === 'object' && place !== null && (place.p === null || (typeof place.p === 'object' && !Array.isArray(place.p))));
      if (!ok) throw badCursor();
      if (place === 0 || place.p === null) continue;
      if (!source.walk || !source.checkPosition) throw badCursor();
      try {
        source.checkPosition(this.query.range, place.p);
      } catch (error) {
        if (error instanceof InvalidPositionError) throw badCursor();
        throw error;
      }
    }
    return json;
  }
}

/** Ties a cursor to its query: the same range, zone, filter and sources. */
function queryDigest(query: ActivityQuery, sources: readonly TransactionSource[]): string {
  const f = query.filter;
  const canonical = JSON.stringify([
    query.range.from,
    query.range.to,
    sources.map((s) => s.provider),
    f?.direction ?? null,
    [...(f?.kinds ?? [])].sort(),
    [...(f?.statuses ?? [])].sort(),
    [...(f?.currencies ?? [])].sort(),
    f?.minAmount ?? null,
    f?.maxAmount ?? null,
  ]);
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 12);
}
