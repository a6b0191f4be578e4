/**
 * Records kept sorted by creation time (then id) with an id index, so a range query is two binary
 * searches and a page of an unfiltered range is a slice: it must stay fast at 100k records.
 */
import type { Timestamped } from './records.js';

export class Ledger<T extends Timestamped> {
  private readonly sorted: T[] = [];
  private readonly byId = new Map<number, T>();

  get size(): number {
    return this.sorted.length;
  }

  get(id: number): T | undefined {
    return this.byId.get(id);
  }

  /** Inserts after every record created at or before it (appending, in the usual case). */
  insert(record: T): void {
    this.sorted.splice(this.upperBound(record.createdSec), 0, record);
    this.byId.set(record.id, record);
  }

  /** Records created in [fromSec, toSec], both inclusive, oldest first. */
  range(fromSec: number, toSec: number): readonly T[] {
    return this.sorted.slice(this.lowerBound(fromSec), this.upperBound(toSec));
  }

  /** Index range [start, end) of records created in [fromSec, toSec], for callers that avoid copying. */
  bounds(fromSec: number, toSec: number): { start: number; end: number } {
    return { start: this.lowerBound(fromSec), end: this.upperBound(toSec) };
  }

  at(index: number): T | undefined {
    return this.sorted[index];
  }

  /** First index whose record was created at or after `sec`. */
  private lowerBound(sec: number): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sorted[mid]!.createdSec < sec) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** First index whose record was created after `sec`. */
  private upperBound(sec: number): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sorted[mid]!.createdSec <= sec) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
