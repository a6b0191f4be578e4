/**
 * Relay connections over an already ordered list: bounded `first` (1–100), and cursors that name the
 * item (its sort key and id), not its position, so a page boundary stays put when new items arrive.
 */
import { Field, ObjectType } from 'type-graphql';
import { userInputError } from '../errors.js';

@ObjectType({ description: 'Relay pagination state of a connection.' })
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => Boolean)
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor?: string | null;

  @Field(() => String, { nullable: true })
  endCursor?: string | null;
}

export const MAX_PAGE_SIZE = 100;

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Connection<T> {
  edges: Edge<T>[];
  nodes: T[];
  pageInfo: PageInfo;
  totalCount: number | null;
}

/** A cursor is base64url of `sortKey|id`: opaque to clients, exact for us. */
export function encodeCursor(sortKey: string, id: string): string {
  return Buffer.from(`${sortKey}|${id}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): { sortKey: string; id: string } {
  const text = /^[A-Za-z0-9_-]{1,400}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const bar = text.lastIndexOf('|');
  if (bar <= 0) throw userInputError('after is not a cursor returned by this API', { field: 'after' });
  return { sortKey: text.slice(0, bar), id: text.slice(bar + 1) };
}

export function checkFirst(first: number | null | undefined): number {
  const n = first ?? 50;
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE_SIZE) {
    throw userInputError(`first must be between 1 and ${MAX_PAGE_SIZE}`, { field: 'first' });
  }
  return n;
}

/**
 * One page of `items`, which must already be in connection order; `keyOf` gives each item's sort key
 * and id. `after` points at the item to start after; when that item is gone, the page starts at the
 * first item that sorts after where it was (`compare` orders sort keys the way `items` are ordered).
 */
export function connectionOf<T>(
  items: readonly T[],
  keyOf: (item: T) => { sortKey: string; id: string },
  args: { first?: number | null; after?: string | null },
  compare: (a: string, b: string) => number,
): Connection<T> {
  const first = checkFirst(args.first);
  let start = 0;
  if (args.after) {
    const cursor = decodeCursor(args.after);
    const exact = items.findIndex((item) => {
      const key = keyOf(item);
      return key.sortKey === cursor.sortKey && key.id === cursor.id;
    });
    start = exact >= 0 ? exact + 1 : items.findIndex((item) => compare(keyOf(item).sortKey, cursor.sortKey) > 0);
    if (start < 0) start = items.length;
  }
  const slice = items.slice(start, start + first);
  const edges = slice.map((node) => {
    const key = keyOf(node);
    return { cursor: encodeCursor(key.sortKey, key.id), node };
  });
  return {
    edges,
    nodes: slice,
    pageInfo: {
      hasNextPage: start + first < items.length,
      hasPreviousPage: start > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount: items.length,
  };
}
