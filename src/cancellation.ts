/**
 * Cancellation on the hot path. Provider calls stop when the request they serve is over (its client
 * left, its deadline passed); they need to know whether it was cancelled and to be told when it is.
 * A real AbortSignal per request is an EventTarget: costly to make, and in bench:profile its objects
 * were the largest part of what every request left for the old generation (hence major GC pauses).
 * `CancelSignal` is the part of AbortSignal our code uses — AbortSignals satisfy it, so callers may
 * pass one (tests, webhook deadlines) — and `Cancellation` is the light implementation for requests.
 */
export interface CancelSignal {
  readonly aborted: boolean;
  /** Calls `listener` once when cancelled (never if already cancelled: check `aborted` first). */
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

export class Cancellation implements CancelSignal {
  private cancelled = false;
  private listeners: (() => void)[] | undefined = undefined;

  get aborted(): boolean {
    return this.cancelled;
  }

  addEventListener(_type: 'abort', listener: () => void): void {
    if (!this.cancelled) (this.listeners ??= []).push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const index = this.listeners?.indexOf(listener) ?? -1;
    if (index >= 0) this.listeners!.splice(index, 1);
  }

  /** Cancels once: every listener is called once, in order; one that throws does not stop the others. */
  abort(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    const listeners = this.listeners ?? [];
    this.listeners = undefined;
    for (const listener of listeners) {
      try {
        listener();
      } catch {
        // a listener must not stop the others from hearing it
      }
    }
  }
}

/** A signal that is never cancelled (long-lived work such as subscriptions). */
export const NEVER_CANCELLED: CancelSignal = new Cancellation();
