/**
 * Query texts the gateway has parsed and validated once, held by their text within a byte budget, so
 * the same text sent again runs without being parsed or validated again, whichever door it comes by
 * (Apollo hands over each text it validated; the pipeline's own parse holds what it validated). What
 * is held was valid against the one schema with every rule (the abuse limits, and in production no
 * introspection); nothing about a client is held: each request is still admitted, put to its app's
 * document policy and authorized with its variables.
 *
 * - Keyed by the text itself: looking it up costs a string hash, not a SHA-256; the SHA-256 (the
 *   executor's key) is kept with it.
 * - In bytes, least recently used dropped first, counted as what a parsed document keeps alive
 *   (`retainedBytes`); a text that would take more than 1/DOCUMENTS_PER_BUDGET of the budget is not
 *   held (it is parsed each time it comes, as before). A stream of one-off texts costs at most the budget.
 */
import type { DocumentNode } from 'graphql';
import { LRUCache } from 'lru-cache';
import { DOCUMENTS_PER_BUDGET, retainedBytes } from './apq-registrations.js';

/** Default budget: a few thousand dashboards' worth of parsed documents. */
export const DEFAULT_HELD_TEXTS_MAX_BYTES = 16 * 1024 * 1024;

/** A text parsed and validated once. */
export interface HeldText {
  document: DocumentNode;
  /** SHA-256 (hex) of the text: the executor's plan key. */
  hash: string;
}

export class HeldTexts {
  private readonly texts: LRUCache<string, HeldText>;

  constructor(maxBytes = DEFAULT_HELD_TEXTS_MAX_BYTES) {
    this.texts = new LRUCache<string, HeldText>({ maxSize: maxBytes, maxEntrySize: Math.floor(maxBytes / DOCUMENTS_PER_BUDGET) });
  }

  get(text: string): HeldText | undefined {
    return this.texts.get(text);
  }

  /** Holds a valid text (again: a no-op but for its recency); one too large for its share is not held. */
  hold(text: string, hash: string, document: DocumentNode): void {
    if (this.texts.has(text)) return;
    this.texts.set(text, { document, hash }, { size: retainedBytes(text, document) });
  }

  /** Texts held, and their accounted bytes. */
  get usage(): { bytes: number; texts: number } {
    return { bytes: this.texts.calculatedSize, texts: this.texts.size };
  }
}
