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
