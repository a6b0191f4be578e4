/**
 * Reading a notification as a hint: whatever its shape, find the ids of the objects it may be about
 * (and, for providers whose API cannot be asked by id, a moment to look around). Nothing else in the
 * body is believed: the object is then read from the provider by id.
 *
 * One small, bounded walk over the parsed JSON (walkBody): at most HINT_MAX_DEPTH levels and
 * HINT_MAX_NODES values visited, at most HINT_MAX_IDS ids returned, most telling first. What counts as an id of which kind is
 * each provider's guess, named in its assumptions.ts (`*_HINT_PATTERNS`).
 */

/** How deep the walk goes (a notification nests a few levels at most). */
export const HINT_MAX_DEPTH = 8;
/** How many JSON values the walk visits at most (a 64 KiB body has far fewer in any sane shape). */
export const HINT_MAX_NODES = 2_000;
/** How many candidate ids a notification yields at most (each may cost a provider read). */
export const HINT_MAX_IDS = 3;

/** A provider's guess at what its notifications' ids look like. */
export interface HintPatterns<Kind extends string> {
  /** Field names whose id-like value is an id of a kind (`cashin_id`, `idDeposit`, `deposit`). */
  idFields: Readonly<Record<Kind, RegExp>>;
  /**
   * Words that name a kind: an object under a field so named gives the ids inside it that kind, and so
   * does a discriminator field (`type`, `event`, `kind`…) whose value contains the word.
   */
  kindWords: Readonly<Record<Kind, RegExp>>;
  /** Resource paths inside string values (`…/cashin/123`): the first group is the id. */
  valuePaths: Readonly<Partial<Record<Kind, RegExp>>>;
  /** What an id value looks like (strings and numbers alike, as text). */
  idValue: RegExp;
}

export interface Hint<Kind extends string> {
  kind: Kind;
  id: string;
}

/** A plain id field. */
const PLAIN_ID = /^(id|_id|uid|uuid|identifier)$/i;
/** Fields whose value tells what the object around them is. */
const DISCRIMINATOR = /^(type|kind|event|event_?type|operation|operaci[oó]n|object|topic|resource|resource_?type|entity|action|name)$/i;

interface Found<Kind extends string> extends Hint<Kind> {
  /** 2: a field naming kind and id; 1: an `id` inside (or beside) something naming its kind, or a resource path. */
  rank: number;
  order: number;
}

function idText(value: unknown, pattern: RegExp): string | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return pattern.test(String(value)) ? String(value) : undefined;
  if (typeof value === 'string') return pattern.test(value.trim()) ? value.trim() : undefined;
  return undefined;
}

function kindOf<Kind extends string>(text: string, patterns: HintPatterns<Kind>): Kind | undefined {
  return (Object.keys(patterns.kindWords) as Kind[]).find((kind) => patterns.kindWords[kind].test(text));
}

/** The kind an object's discriminator fields (`"type": "deposit.updated"`) give it, if any. */
function discriminated<Kind extends string>(object: Record<string, unknown>, patterns: HintPatterns<Kind>): Kind | undefined {
  for (const [key, value] of Object.entries(object)) {
    if (typeof value === 'string' && DISCRIMINATOR.test(key)) {
      const kind = kindOf(value, patterns);
      if (kind) return kind;
    }
  }
  return undefined;
}

/** What a visitor answers to leave a member unwalked. */
const SKIP = Symbol('skip');

/**
 * The bounded walk both readers share: depth first in the body's own order, at most HINT_MAX_DEPTH
 * levels deep and HINT_MAX_NODES values seen. `visit` sees each member of an object or array (its key,
 * its value, the state of its container) and answers the state to walk into it with, or SKIP; `enter`
 * gives an object its own state before its members are seen.
 */
function walkBody<S>(
  json: unknown,
  root: S,
  visit: (key: string, value: unknown, state: S, inArray: boolean) => S | typeof SKIP,
  enter: (object: Record<string, unknown>, state: S) => S = (_, state) => state,
): void {
  const stack: { value: unknown; depth: number; state: S }[] = [{ value: json, depth: 0, state: root }];
  let visited = 0;
  while (stack.length > 0 && visited < HINT_MAX_NODES) {
    const { value, depth, state } = stack.pop()!;
    visited++;
    if (value === null || typeof value !== 'object' || depth >= HINT_MAX_DEPTH) continue;
    const inArray = Array.isArray(value);
    const here = inArray ? state : enter(value as Record<string, unknown>, state);
    const children: typeof stack = [];
    for (const [key, child] of Object.entries(value)) {
      if (++visited >= HINT_MAX_NODES) break;
      const next = visit(key, child, here, inArray);
      if (next !== SKIP && child !== null && typeof child === 'object') children.push({ value: child, depth: depth + 1, state: next });
    }
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
}

/** The candidate ids of a notification body, most telling first; empty when it holds none. */
export function findHints<Kind extends string>(json: unknown, patterns: HintPatterns<Kind>): Hint<Kind>[] {
  const found: Found<Kind>[] = [];
  const add = (kind: Kind, id: string, rank: number) => found.push({ kind, id, rank, order: found.length });
  const idKinds = Object.keys(patterns.idFields) as Kind[];
  const pathKinds = Object.keys(patterns.valuePaths) as Kind[];
  // The state is the kind the enclosing objects give an `id` (a discriminator, or a field naming a kind).
  walkBody<Kind | undefined>(
    json,
    undefined,
    (key, child, here, inArray) => {
      if (inArray) return here;
      const fieldKind = idKinds.find((kind) => patterns.idFields[kind].test(key));
      const id = idText(child, patterns.idValue);
      if (id !== undefined && fieldKind) add(fieldKind, id, 2);
      else if (id !== undefined && PLAIN_ID.test(key)) {
        // A bare `id` with nothing saying what it is identifies nothing (it could be anything's).
        if (here) add(here, id, 1);
      } else if (typeof child === 'string') {
        for (const kind of pathKinds) {
          const match = patterns.valuePaths[kind]!.exec(child);
          if (match?.[1] && patterns.idValue.test(match[1])) add(kind, match[1], 1);
        }
      } else return kindOf(key, patterns) ?? here;
      return SKIP;
    },
    (object, context) => discriminated(object, patterns) ?? context,
  );
  const seen = new Set<string>();
  return found
    .sort((a, b) => b.rank - a.rank || a.order - b.order)
    .filter((f) => !seen.has(`${f.kind}:${f.id}`) && !!seen.add(`${f.kind}:${f.id}`))
    .slice(0, HINT_MAX_IDS)
    .map(({ kind, id }) => ({ kind, id }));
}

/** Field names that may carry the moment of the notified object, most telling first. */
export interface TimestampPatterns {
  fields: readonly RegExp[];
}

/** A date in a body value: ISO 8601 text, or Unix seconds (milliseconds above 1e12). */
function dateOf(value: unknown): Date | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return new Date(value > 1e12 ? value : value * 1000);
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value)) {
    const at = Date.parse(value);
    return Number.isNaN(at) ? undefined : new Date(at);
  }
  if (typeof value === 'string' && /^\d{9,13}$/.test(value)) return dateOf(Number(value));
  return undefined;
}

/**
 * The first readable moment in the body under the given field names (in the patterns' order), within
 * `accept` of now; undefined when there is none. Bounded like findHints.
 */
export function findTimestamp(json: unknown, patterns: TimestampPatterns, accept: { pastMs: number; futureMs: number }, nowMs = Date.now()): Date | undefined {
  const candidates: { rank: number; at: Date }[] = [];
  walkBody(json, null, (key, child, _, inArray) => {
    const rank = inArray ? -1 : patterns.fields.findIndex((p) => p.test(key));
    const at = rank >= 0 ? dateOf(child) : undefined;
    if (!at || at.getTime() < nowMs - accept.pastMs || at.getTime() > nowMs + accept.futureMs) return null;
    candidates.push({ rank, at });
    return SKIP;
  });
  return candidates.sort((a, b) => a.rank - b.rank)[0]?.at;
}

/** The key paths of a body (no values: they may hold account numbers), for the log of a refused shape. */
export function shapeOf(json: unknown, limit = 20): string[] {
  const paths: string[] = [];
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: json, path: '', depth: 0 }];
  while (stack.length > 0 && paths.length < limit) {
    const { value, path, depth } = stack.pop()!;
    if (value === null || typeof value !== 'object' || depth >= HINT_MAX_DEPTH) {
      paths.push(`${path || '(root)'}:${value === null ? 'null' : typeof value}`);
      continue;
    }
    const entries = Array.isArray(value) ? value.slice(0, 1).map((v) => ['[]', v] as const) : Object.entries(value);
    if (entries.length === 0) paths.push(`${path || '(root)'}:empty`);
    for (let i = entries.length - 1; i >= 0; i--)
      stack.push({ value: entries[i]![1], path: path ? `${path}.${entries[i]![0]}` : entries[i]![0], depth: depth + 1 });
  }
  return paths;
}
