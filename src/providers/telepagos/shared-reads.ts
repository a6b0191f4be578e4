/**
 * Transactions pages read once for every request that shares their upstream answer.
 *
 * Identical GETs in flight share one upstream request (src/providers/http.ts): every waiting request
 * receives the same parsed body. Reading it (checking every row, exact decimals, dates) and mapping the
 * rows to transactions (an id digest per row) then gives each of them the same values, so under load a
 * dashboard's 50 rows were read and mapped once per request instead of once per answer. Here they are
 * done once per answer object and shared, read-only, by the requests that received it; the caches are
 * weak, so they live exactly as long as some request still holds the answer.
 *
 * An answer is shared only when reading it told no surprise and skipped no row: a surprise is counted
 * and logged under each request that received it, and a skipped row's error belongs to each request
 * (it carries the request id), so such answers are read again by every caller, as before.
 */
import type { Transaction } from '../../domain/models.js';
import type { WireSource } from '../wire.js';
import { toTransactions, toTransactionsPage, type TransactionsPageAnswer } from './mappers.js';

const pagesRead = new WeakMap<object, { requestedPage: number; answer: TransactionsPageAnswer }>();

/** `toTransactionsPage`, once per upstream body when its reading is clean. */
export function readTransactionsPage(body: Record<string, unknown>, requestedPage: number, source: WireSource): TransactionsPageAnswer {
  const cached = pagesRead.get(body);
  if (cached && cached.requestedPage === requestedPage) return cached.answer;
  let surprised = false;
  const { observe } = source;
  const watched: WireSource = {
    endpoint: source.endpoint,
    requestId: source.requestId,
    observe: (surprise) => {
      surprised = true;
      observe?.(surprise);
    },
  };
  const answer = toTransactionsPage(body, requestedPage, watched);
  if (!surprised && answer.skipped.length === 0) pagesRead.set(body, { requestedPage, answer });
  return answer;
}

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
