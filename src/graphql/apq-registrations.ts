/**
 * APQ registrations: the documents client apps registered (hash and text), bounded in bytes.
 *
 * - Per app: each app has its own cache, so one app's flood of registrations cannot evict another's,
 *   and an app is served only what it registered itself (the APQ link registers on its first miss).
 * - In bytes: each cache holds at most APQ_MAX_BYTES (least recently used dropped first), counted as
 *   what a registration keeps alive (`retainedBytes`), not its text's length: a 16 KiB text can hold
 *   more than 0.5 MB of parsed document.
 * - Per document: a registration that would hold more than 1/DOCUMENTS_PER_BUDGET of the budget is
 *   refused, so a budget always has room for that many documents.
 */
import { visit, type DocumentNode } from 'graphql';
import { LRUCache } from 'lru-cache';
import type { TrustedDocument } from '../auth/clients.js';

/** A registration may take at most this fraction (1/n) of its app's budget. */
export const DOCUMENTS_PER_BUDGET = 16;

/**
 * What a parsed document keeps alive, in bytes: an upper estimate, measured on Node 20 (x64). Every
 * AST node carries a Location, and every Location keeps the whole token list alive through its tokens'
 * links, comments included (the parser's token limit does not count comments): about 90–115 bytes a
 * token and 200 a node; the text is counted at two bytes a character (V8's widest strings).
 */
const TOKEN_BYTES = 128;
const NODE_BYTES = 256;

export function retainedBytes(text: string, document: DocumentNode): number {
  let tokens = 0;
  for (let token = document.loc?.startToken; token; token = token.next ?? undefined) tokens++;
  let nodes = 0;
  visit(document, {
    enter() {
      nodes++;
    },
  });
  return text.length * 2 + tokens * TOKEN_BYTES + nodes * NODE_BYTES;
}

/** What one app's registrations hold: how many, and their bytes as accounted. */
export interface RegistrationsUsage {
  documents: number;
  bytes: number;
}

export class ApqRegistrations {
  private readonly byApp = new Map<string, LRUCache<string, TrustedDocument>>();

  /** `maxBytes`: APQ_MAX_BYTES, each app's budget. */
  constructor(readonly maxBytes: number) {}

  /** The most one registration may hold. */
  get maxDocumentBytes(): number {
    return Math.floor(this.maxBytes / DOCUMENTS_PER_BUDGET);
  }

  get(app: string, hash: string): TrustedDocument | undefined {
    return this.byApp.get(app)?.get(hash);
  }

  /**
   * Keeps an app's registration, dropping its least recently used ones to make room (`bytes`: from
   * `retainedBytes`). Undefined, and nothing kept, when the document alone is over `maxDocumentBytes`.
   */
  set(app: string, document: TrustedDocument, bytes: number): RegistrationsUsage | undefined {
    let cache = this.byApp.get(app);
    if (!cache) {
      cache = new LRUCache({ maxSize: this.maxBytes, maxEntrySize: this.maxDocumentBytes });
      this.byApp.set(app, cache);
    }
    const status: LRUCache.Status<string, TrustedDocument> = {};
    cache.set(document.hash, document, { size: bytes, status });
    return status.maxEntrySizeExceeded ? undefined : { documents: cache.size, bytes: cache.calculatedSize };
  }

  /** Drops the registrations of every app not in `apps` (gone, or no longer allowed to register); returns the dropped apps. */
  keepOnly(apps: ReadonlySet<string>): string[] {
    const dropped = [...this.byApp.keys()].filter((app) => !apps.has(app));
    for (const app of dropped) this.byApp.delete(app);
    return dropped;
  }
}
