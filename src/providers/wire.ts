/**
 * Reading a provider's answer defensively: a missing or malformed field becomes a BAD_RESPONSE
 * ProviderError naming the field (never its value), never a TypeError deep in a mapper. One set of
 * readers for every provider's mappers.
 */
import { badResponse, type ProviderError } from './errors.js';
import type { ProviderId } from './provider.js';

/** A wire object whose fields are named by its DTO but not yet trusted. */
export type Untrusted<Dto> = { readonly [K in keyof Dto]?: unknown };

/** Where an answer came from, for the error that names what was wrong with it. */
export interface WireSource {
  endpoint: string;
  requestId?: string;
}

export interface WireReaders {
  bad(source: WireSource, detail: string): ProviderError;
  objectAt<Dto>(value: unknown, path: string, source: WireSource): Untrusted<Dto>;
  /** A non-blank string. */
  textAt(value: unknown, path: string, source: WireSource): string;
  /** A list; with `absentIsEmpty`, undefined and null read as an empty list. */
  listAt(value: unknown, path: string, source: WireSource, options?: { absentIsEmpty?: boolean }): unknown[];
}

export function wireReaders(provider: ProviderId): WireReaders {
  const bad = (source: WireSource, detail: string) => badResponse(provider, source.endpoint, detail, source.requestId);
  return {
    bad,
    objectAt<Dto>(value: unknown, path: string, source: WireSource): Untrusted<Dto> {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad(source, `${path} is missing or not an object`);
      return value as Untrusted<Dto>;
    },
    textAt(value, path, source) {
      if (typeof value !== 'string' || value.trim() === '') throw bad(source, `${path} is missing or not a string`);
      return value;
    },
    listAt(value, path, source, options = {}) {
      if (options.absentIsEmpty && (value === undefined || value === null)) return [];
      if (!Array.isArray(value)) throw bad(source, `${path} is ${options.absentIsEmpty ? 'not' : 'missing or not'} a list`);
      return value;
    },
  };
}
