/**
 * The newest transactions of a run of pages, mapped once for every request that shares those pages.
 *
 * Identical reads in flight are one provider call, and a clean reading of its answer is shared by the
 * callers of that flight (src/providers/call.ts): under load, the requests for the newest rows of a
 * listing receive the same page answers. Mapping their rows to transactions (an id digest per row) then
 * gives each of them the same values, so it is done once per run of page answers and shared, read-only;
 * the cache is weak, so an entry lives exactly as long as some request still holds the first page.
 * Pages with a skipped row are never shared (their reading told a surprise), so they arrive as each
 * request's own answers and are mapped for it. Identical newest-rows reads in flight are shared whole
 * (`TelepagosClient.newestTransactions`); this serves the reads that share pages and not the whole read.
 */
import type { Transaction } from '../../domain/models.js';
import { toTransactions, type TransactionsPageAnswer } from './mappers.js';

const newestMapped = new WeakMap<TransactionsPageAnswer, { rest: readonly TransactionsPageAnswer[]; count: number; transactions: Transaction[] }>();

/**
 * The first `count` transactions of these pages' rows, mapped once for the same run of page answers:
 * the same array for every request that shares all of them. Callers must not modify it.
 */
export function newestOfPages(pages: readonly TransactionsPageAnswer[], count: number): Transaction[] {
  const [first, ...rest] = pages;
  const map = () => toTransactions(pages.flatMap((page) => page.rows).slice(0, count));
  if (!first) return map();
  const cached = newestMapped.get(first);
  if (cached && cached.count === count && cached.rest.length === rest.length && cached.rest.every((page, i) => page === rest[i])) return cached.transactions;
  const transactions = map();
  // A page read for one request only is never met again; its entry goes with it.
  newestMapped.set(first, { rest, count, transactions });
  return transactions;
}
