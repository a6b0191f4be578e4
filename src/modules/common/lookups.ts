/** Helpers shared by resolvers that look things up at a provider. */
import { ProviderError } from '../../providers/errors.js';

/** A root lookup of something the provider does not know answers null, not an error. */
export async function orNullIfNotFound<T>(lookup: Promise<T>): Promise<T | null> {
  try {
    return await lookup;
  } catch (error) {
    if (error instanceof ProviderError && error.reason === 'NOT_FOUND') return null;
    throw error;
  }
}

/**
 * A value shared across requests for `ttlMs` (reference data only: concepts and operation types change
 * rarely). Concurrent misses share one fetch; a failure is not kept.
 */
export class TtlCache<V> {
  private value?: { data: V; expiresAt: number };
  private pending?: Promise<V>;

  constructor(private readonly ttlMs: number) {}

  get(fetch: () => Promise<V>): Promise<V> {
    if (this.value && this.value.expiresAt > Date.now()) return Promise.resolve(this.value.data);
    this.pending ??= fetch()
      .then((data) => {
        this.value = { data, expiresAt: Date.now() + this.ttlMs };
        return data;
      })
      .finally(() => {
        this.pending = undefined;
      });
    return this.pending;
  }
}
