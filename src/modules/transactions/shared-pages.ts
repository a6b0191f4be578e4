/**
 * A first page of transactions built once for every request that shares its provider answers.
 *
 * Under load, requests for the same newest rows share one provider read (identical reads in flight are
 * one read, shared whole when clean: src/providers/call.ts): the same array of domain transactions
 * reaches each request. Their GraphQL values (a global id each,
 * newest first) and the connection over them (a cursor each) are then the same too, so they are made
 * once per array and shared, read-only, by those requests. The caches are weak: an entry lives as long
 * as some request holds the list it was made from.
 */
import type { Transaction as DomainTransaction } from '../../domain/models.js';
import type { Connection } from '../../graphql/relay/connection.js';
import type { TransactionValue } from './transaction.type.js';

const valuesOf = new WeakMap<readonly DomainTransaction[], TransactionValue[]>();

/** `make(list)`, once per list object. The result is shared: never modify it. */
export function sharedValues(list: readonly DomainTransaction[], make: (list: readonly DomainTransaction[]) => TransactionValue[]): TransactionValue[] {
  let values = valuesOf.get(list);
  if (!values) {
    values = make(list);
    valuesOf.set(list, values);
  }
  return values;
}

const pagesOf = new WeakMap<readonly TransactionValue[], Map<string, Connection<TransactionValue>>>();

/** `make()`, once per list object, page size and total. The connection is shared: never modify it. */
export function sharedFirstPage(
  items: readonly TransactionValue[],
  first: number,
  total: number,
  make: () => Connection<TransactionValue>,
): Connection<TransactionValue> {
  let pages = pagesOf.get(items);
  if (!pages) {
    pages = new Map();
    pagesOf.set(items, pages);
  }
  const key = `${first}/${total}`;
  let page = pages.get(key);
  if (!page) {
    page = make();
    pages.set(key, page);
  }
  return page;
}
