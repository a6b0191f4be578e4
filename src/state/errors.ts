/** Raised when shared state cannot be read or written: callers refuse instead of risking a duplicate. */
export class StateUnavailableError extends Error {
  constructor(cause: unknown) {
    super('Shared state (Redis) is unavailable', { cause });
    this.name = 'StateUnavailableError';
  }
}
