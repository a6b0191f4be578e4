/**
 * Finding one deposit of any age in `v1/deposits`, which cannot be asked for an id, in a bounded number
 * of listing pages: guided by id order (TUPAY_DEPOSIT_IDS_INCREASE: a later deposit has a larger id).
 *
 * A probe at second `s` reads the first page of the window [s, s + TUPAY_SAFE_RANGE_SECONDS] (capped at the upper
 * bound): the oldest rows at or after `s`. Their ids tell which side of `s` the wanted deposit was made
 * on, so the interval [lo, hi] where its creation can be shrinks with every probe:
 * - the first row's id is larger → it was made before `s` (hi = s − 1);
 * - the last row's id is smaller → after that row (lo = its second), or after the window when the page
 *   is its window's last (lo = end + 1);
 * - the wanted id falls between two rows of the page without being there → Tupay does not list it.
 * The next `s` is where the ids read so far put the wanted one (interpolated between rows either side
 * of it, or extrapolated at their rate; a little before, so it lands inside a page), bisection when that
 * does not halve the interval, growing steps back (a day, 8 days, then a whole listing window) while
 * nothing has been read.
 * An empty window says nothing of ids: the windows after it, up to the bound, are read next.
 */
import type { Transaction } from '../../domain/models.js';
import { TUPAY_SAFE_RANGE_SECONDS } from './assumptions.js';

/** A row read: when it was made, and its id. */
export interface IdPoint {
  sec: number;
  id: bigint;
}

/** One page read by a probe: its deposits oldest first, and whether its window has more pages. */
export interface SeekPage {
  deposits: Transaction[];
  more: boolean;
}

export interface SeekResult {
  deposit?: Transaction;
  /** True when Tupay is known not to list the wanted deposit at or before `notAfterSec`. */
  absent: boolean;
}

const DAY = 86_400;
/** How much further back each empty probe steps while no id has been read (a day, 8 days, 60 days…). */
const GAP_GROWTH = 8;
/** The least margin a probe starts before where the wanted deposit is expected. */
const MIN_MARGIN_SECONDS = 60;

const secondsOf = (deposit: Transaction) => Math.floor(Date.parse(deposit.createdAt) / 1000);

/**
 * Seeks the first of `ids` (all of them are recognised on a page), made at or before `notAfterSec`, in
 * at most `maxPages` pages. `known` holds rows already read (e.g. by a narrow search), to start from.
 */
export async function seekDeposit(
  ids: readonly string[],
  notAfterSec: number,
  maxPages: number,
  read: (fromSec: number, toSec: number) => Promise<SeekPage>,
  known: readonly IdPoint[] = [],
): Promise<SeekResult> {
  // Only an integer id has an order to follow (Tupay's are; a hint's ids are checked to be).
  if (!/^\d+$/.test(ids[0] ?? '')) return { absent: false };
  const target = BigInt(ids[0]!);
  const wanted = new Set(ids);
  const points: IdPoint[] = [...known];
  let lo = 0;
  let hi = notAfterSec;
  let gap = DAY;
  let margin = MIN_MARGIN_SECONDS;
  /** Start of a run of empty windows still being swept towards `hi`. */
  let sweepFrom: number | undefined;
  let sweepNext: number | undefined;
  /** hi − lo when each of the last two probes started. */
  let widths: number[] = [];

  for (let pages = 0; pages < maxPages && lo <= hi; pages++) {
    const s = sweepNext ?? nextStart(target, lo, hi, points, gap, margin, widths);
    const e = Math.min(s + TUPAY_SAFE_RANGE_SECONDS, hi);
    widths = [...widths, hi - lo].slice(-2);
    const { deposits, more } = await read(s, e);
    const hit = deposits.find((d) => wanted.has(d.id));
    if (hit) return { deposit: hit, absent: false };
    if (deposits.length === 0) {
      // Nothing read yet says where it is: step back faster, a listing window at most.
      gap = Math.min(gap * GAP_GROWTH, TUPAY_SAFE_RANGE_SECONDS);
      if (e >= hi) {
        // Nothing from the start of the empty run up to the bound: it was made before.
        hi = (sweepFrom ?? s) - 1;
        sweepFrom = sweepNext = undefined;
      } else {
        sweepFrom ??= s;
        sweepNext = e + 1;
      }
      continue;
    }
    const rows = deposits.map((d) => ({ sec: secondsOf(d), id: BigInt(d.id) }));
    points.push(rows[0]!, rows.at(-1)!);
    margin = Math.max(MIN_MARGIN_SECONDS, Math.floor((rows.at(-1)!.sec - rows[0]!.sec) / 2));
    const first = rows[0]!;
    const last = rows.at(-1)!;
    if (first.id > target) {
      hi = (sweepFrom ?? s) - 1;
    } else if (last.id < target) {
      if (more) lo = Math.max(lo, last.sec);
      else if (e >= hi) return { absent: true };
      else lo = Math.max(lo, e + 1);
    } else {
      // Between two rows of a page that holds every row between them: not listed.
      return { absent: true };
    }
    sweepFrom = sweepNext = undefined;
  }
  return { absent: lo > hi };
}

/** Where the next probe starts, within [lo, hi]. */
function nextStart(target: bigint, lo: number, hi: number, points: readonly IdPoint[], gap: number, margin: number, widths: readonly number[]): number {
  const clamp = (sec: number) => Math.min(hi, Math.max(lo, Math.floor(sec)));
  const below = points.filter((p) => p.id < target).sort((a, b) => (a.id > b.id ? -1 : 1))[0];
  const above = points.filter((p) => p.id > target).sort((a, b) => (a.id < b.id ? -1 : 1))[0];
  // Two probes that did not halve the interval: bisect (when it is bounded below).
  const stalled = widths.length >= 2 && (hi - lo) * 2 > widths[0]!;
  if (stalled && lo > 0) return clamp(lo + (hi - lo) / 2);
  if (below && above && above.sec > below.sec) {
    const at = below.sec + (Number(target - below.id) / Number(above.id - below.id)) * (above.sec - below.sec);
    return clamp(at - margin);
  }
  const rate = idRate(points);
  if (above && rate !== undefined) return clamp(above.sec - Number(above.id - target) / rate - margin);
  if (below && rate !== undefined) return clamp(below.sec + Number(target - below.id) / rate - margin);
  return clamp(hi - gap);
}

/** Ids per second between the two rows read furthest apart in time, when they differ. */
function idRate(points: readonly IdPoint[]): number | undefined {
  if (points.length < 2) return undefined;
  const sorted = [...points].sort((a, b) => a.sec - b.sec);
  const [first, last] = [sorted[0]!, sorted.at(-1)!];
  if (last.sec <= first.sec || last.id <= first.id) return undefined;
  return Number(last.id - first.id) / (last.sec - first.sec);
}
