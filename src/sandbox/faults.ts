/**
 * Fault injection per endpoint: what a flaky provider does to a client. A fault matches a route key
 * (`POST /v2/payment/cashout`, `*` for every route), optionally only for its next `times` requests.
 */

export type FaultMode =
  /** Answer normally after `latencyMs`. */
  | 'latency'
  /** Answer with HTTP `status` (default 503) and the provider's error body. */
  | 'status'
  /** Answer with the provider's error body (or `body`) and `status` (default: the provider's usual). */
  | 'error-body'
  /** Accept the request and never answer (until the server closes). */
  | 'hang'
  /** Reset the TCP connection (RST) without answering. */
  | 'reset'
  /** HTTP 429 with `Retry-After: retryAfterSeconds` (default 1). */
  | 'rate-limit'
  /**
   * Answer normally, but a success answer with `word` as its status word (TelePagos' `status`; `null`
   * leaves it out), in whatever variant is served; a refusal is sent as it is (and still counts as a
   * hit). Only on sandboxes whose answers carry a status word.
   */
  | 'status-word'
  /**
   * Apply the request (the route runs: a transfer is made), then lose its answer: HTTP `status` (default
   * 504, a gateway timing out in front of the provider) with the provider's error body instead.
   */
  | 'lose-answer'
  /** Apply the request, then drop the connection (RST) instead of answering. */
  | 'lose-answer-reset';

export const FAULT_MODES: readonly FaultMode[] = [
  'latency',
  'status',
  'error-body',
  'hang',
  'reset',
  'rate-limit',
  'status-word',
  'lose-answer',
  'lose-answer-reset',
];

/** Modes that let the route run (and act) before the fault. */
export const APPLYING_FAULT_MODES: readonly FaultMode[] = ['latency', 'status-word', 'lose-answer', 'lose-answer-reset'];

export interface FaultSpec {
  route: string;
  mode: FaultMode;
  /** Delay before the fault (or the normal answer, for `latency`). */
  latencyMs?: number;
  status?: number;
  /** For `error-body`: the message inside the provider's error shape. */
  message?: string;
  /** For `error-body`: a whole body to send instead of the provider's error shape. */
  body?: unknown;
  retryAfterSeconds?: number;
  /** For `status-word`: the word to answer with, `null` for none. */
  word?: string | null;
  /** Apply to this many matching requests, then disappear. Default: until cleared. */
  times?: number;
}

export interface Fault extends FaultSpec {
  id: number;
  /** How many requests this fault has hit so far. */
  hits: number;
}

export class FaultSpecError extends Error {}

export function parseFaultSpec(input: unknown): FaultSpec {
  if (typeof input !== 'object' || input === null) throw new FaultSpecError('fault must be an object');
  const spec = input as Record<string, unknown>;
  if (typeof spec.route !== 'string' || spec.route.length === 0) throw new FaultSpecError('route is required');
  if (!FAULT_MODES.includes(spec.mode as FaultMode)) {
    throw new FaultSpecError(`mode must be one of ${FAULT_MODES.join(', ')}`);
  }
  for (const key of ['latencyMs', 'status', 'retryAfterSeconds', 'times'] as const) {
    const value = spec[key];
    if (value !== undefined && (typeof value !== 'number' || !Number.isInteger(value) || value < 0)) {
      throw new FaultSpecError(`${key} must be a non-negative integer`);
    }
  }
  if (spec.status !== undefined && ((spec.status as number) < 100 || (spec.status as number) > 599)) {
    throw new FaultSpecError('status must be an HTTP status code');
  }
  if (spec.message !== undefined && typeof spec.message !== 'string') throw new FaultSpecError('message must be a string');
  if (spec.mode === 'status-word' && typeof spec.word !== 'string' && spec.word !== null) throw new FaultSpecError('word must be a string or null');
  return spec as unknown as FaultSpec;
}

export class FaultInjector {
  private faults: Fault[] = [];
  private nextId = 1;

  add(spec: FaultSpec): Fault {
    const fault: Fault = { ...spec, id: this.nextId++, hits: 0 };
    this.faults.push(fault);
    return fault;
  }

  list(): Fault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  remove(id: number): boolean {
    const before = this.faults.length;
    this.faults = this.faults.filter((f) => f.id !== id);
    return this.faults.length !== before;
  }

  /** Removes every fault; ids start from 1 again, so a reset sandbox answers like a fresh one. */
  clear(): void {
    this.faults = [];
    this.nextId = 1;
  }

  /** The first active fault for this route key, counted as hit (and dropped once its `times` are used). */
  take(route: string): Fault | undefined {
    const fault = this.faults.find((f) => f.route === '*' || f.route === route);
    if (!fault) return undefined;
    fault.hits++;
    if (fault.times !== undefined && fault.hits >= fault.times) this.remove(fault.id);
    return { ...fault };
  }
}
