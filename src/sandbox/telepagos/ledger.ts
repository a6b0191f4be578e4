/**
 * The account's transactions, kept sorted by time so a date-range query is two binary searches and a
 * page is a slice: the benchmarks run 100k rows and must not pay a full scan per request. One index for
 * all rows plus one per operation, sharing the same entry objects (a status change shows in both).
 */
import type { OperationId, TransactionsOrder, TxIncome, TxStatus } from '../../providers/telepagos/assumptions.js';

export interface LedgerEntry {
  /** Internal transaction number: the `transaction_id` of cash-ins and notifications, never listed. */
  readonly number: number;
  readonly atMs: number;
  readonly income: TxIncome;
  readonly amountCents: number;
  readonly operation: OperationId;
  readonly holder: string;
  readonly cuit: string;
  readonly cvuCbu: string;
  status: TxStatus;
  readonly salePointName: string;
}

export type NewLedgerEntry = Omit<LedgerEntry, 'number'>;

export interface LedgerPage {
  /** How many entries match the whole query. */
  total: number;
  /** The requested window, newest first (or oldest first when asked). */
  entries: LedgerEntry[];
}

/** Index of the first entry whose time is >= atMs (or > atMs with `after`). */
function bound(entries: readonly LedgerEntry[], atMs: number, after: boolean): number {
  let low = 0;
  let high = entries.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    const t = entries[mid]!.atMs;
    if (t < atMs || (after && t === atMs)) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Inserts after every entry of the same time, so same-second rows keep their arrival order. */
function insertSorted(entries: LedgerEntry[], entry: LedgerEntry): void {
  const at = bound(entries, entry.atMs, true);
  if (at === entries.length) entries.push(entry);
  else entries.splice(at, 0, entry);
}

export class TransactionLedger {
  private readonly all: LedgerEntry[] = [];
  private readonly byOperation = new Map<OperationId, LedgerEntry[]>();
  private nextNumber: number;

  constructor(firstNumber: number) {
    this.nextNumber = firstNumber;
  }

  get size(): number {
    return this.all.length;
  }

  add(fields: NewLedgerEntry): LedgerEntry {
    const entry: LedgerEntry = { ...fields, number: this.nextNumber++ };
    insertSorted(this.all, entry);
    let list = this.byOperation.get(entry.operation);
    if (!list) this.byOperation.set(entry.operation, (list = []));
    insertSorted(list, entry);
    return entry;
  }

  /**
   * Entries with `fromMs <= atMs < toMs` (optionally of one operation), newest first (TRANSACTIONS_ORDERS:
   * `oldest-first` reverses that); `window` picks `limit` of them after skipping `offset` (a page),
   * without touching the others.
   */
  query(
    fromMs: number,
    toMs: number,
    operation?: OperationId,
    window?: { offset: number; limit: number },
    order: TransactionsOrder = 'newest-first',
  ): LedgerPage {
    const entries = operation ? (this.byOperation.get(operation) ?? []) : this.all;
    const low = bound(entries, fromMs, false);
    const high = Math.max(low, bound(entries, toMs, false));
    const total = high - low;
    if (order === 'oldest-first') {
      const first = window ? Math.min(high, low + window.offset) : low;
      const last = window ? Math.min(high, first + window.limit) : high;
      return { total, entries: entries.slice(first, last) };
    }
    const newest = window ? high - window.offset : high;
    const oldest = window ? Math.max(low, newest - window.limit) : low;
    return { total, entries: newest > oldest ? entries.slice(oldest, newest).reverse() : [] };
  }
}
