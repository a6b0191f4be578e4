/**
 * When the circuit opens: a failure ratio over a sliding window of time (not of calls), so a provider
 * that hangs opens the circuit as soon as its timeouts come back, however few distinct calls there were.
 *
 * cockatiel's SamplingBreaker has the same rule, but it moves its window one bucket per recorded call:
 * after a quiet spell (a hung provider records nothing until its calls time out) it still counts the
 * successes from before, and a wave of timeouts is diluted by them. Here every bucket older than the
 * window is cleared before counting, however long nothing was recorded.
 */
import { CircuitState, type IBreaker } from 'cockatiel';

/** Buckets in the window: the window slides by a tenth of its length. */
const BUCKETS = 10;

export interface WindowBreakerOptions {
  /** Failure ratio (0–1, exclusive) over the window above which the circuit opens. */
  threshold: number;
  /** Length of the sliding window, in milliseconds. */
  windowMs: number;
  /** Calls the window must hold before it may open the circuit. */
  minimumCalls: number;
  /** The clock (tests). */
  now?: () => number;
}

interface WindowState {
  bucket: number;
  failures: number[];
  successes: number[];
}

export class WindowBreaker implements IBreaker {
  private readonly threshold: number;
  private readonly bucketMs: number;
  private readonly minimumCalls: number;
  private readonly now: () => number;
  private readonly failures = new Array<number>(BUCKETS).fill(0);
  private readonly successes = new Array<number>(BUCKETS).fill(0);
  private failureCount = 0;
  private successCount = 0;
  /** Number of the current bucket since the epoch (time / bucketMs). */
  private bucket = 0;

  constructor(options: WindowBreakerOptions) {
    if (!(options.threshold > 0 && options.threshold < 1)) throw new RangeError('threshold must be between 0 and 1 (exclusive)');
    if (!(options.windowMs >= BUCKETS)) throw new RangeError(`windowMs must be at least ${BUCKETS}`);
    if (!(options.minimumCalls >= 1)) throw new RangeError('minimumCalls must be at least 1');
    this.threshold = options.threshold;
    this.bucketMs = options.windowMs / BUCKETS;
    this.minimumCalls = options.minimumCalls;
    this.now = options.now ?? Date.now;
  }

  get state(): unknown {
    return { bucket: this.bucket, failures: [...this.failures], successes: [...this.successes] } satisfies WindowState;
  }

  set state(value: unknown) {
    const saved = value as WindowState;
    this.bucket = saved.bucket;
    saved.failures.forEach((n, i) => (this.failures[i] = n));
    saved.successes.forEach((n, i) => (this.successes[i] = n));
    this.failureCount = this.failures.reduce((a, b) => a + b, 0);
    this.successCount = this.successes.reduce((a, b) => a + b, 0);
  }

  success(state: CircuitState): void {
    // A successful probe closes the circuit: the failures that opened it are history.
    if (state === CircuitState.HalfOpen) this.clear();
    this.record(true, 1);
  }

  failure(state: CircuitState): boolean {
    this.record(false, 1);
    return state !== CircuitState.Closed || this.tripped();
  }

  /** Counts `count` outcomes at once (a shared call's other callers); never opens the circuit itself. */
  record(success: boolean, count: number): void {
    if (count <= 0) return;
    const slot = this.advance();
    if (success) {
      this.successes[slot]! += count;
      this.successCount += count;
    } else {
      this.failures[slot]! += count;
      this.failureCount += count;
    }
  }

  /** Whether the window, as it stands, says the circuit should open. */
  tripped(): boolean {
    this.advance();
    const total = this.failureCount + this.successCount;
    return total >= this.minimumCalls && this.failureCount > this.threshold * total;
  }

  /** Moves the window to now, clearing every bucket that fell out of it; returns the current slot. */
  private advance(): number {
    const bucket = Math.floor(this.now() / this.bucketMs);
    const elapsed = bucket - this.bucket;
    if (elapsed >= BUCKETS) this.clear();
    else {
      for (let step = 1; step <= elapsed; step++) this.clearSlot((this.bucket + step) % BUCKETS);
    }
    if (elapsed > 0) this.bucket = bucket;
    return this.bucket % BUCKETS;
  }

  private clearSlot(slot: number): void {
    this.failureCount -= this.failures[slot]!;
    this.successCount -= this.successes[slot]!;
    this.failures[slot] = 0;
    this.successes[slot] = 0;
  }

  private clear(): void {
    this.failures.fill(0);
    this.successes.fill(0);
    this.failureCount = 0;
    this.successCount = 0;
  }
}
