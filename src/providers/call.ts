/**
 * The one call shape of every provider client: send the request through `authenticatedRequest`
 * (credential presented; refused once → renewed once, replayed once), unwrap the provider's envelope or
 * refusal with the provider's own `unwrap`, and read the answer with a mapper; identical reads in flight
 * are one call, read once when the reading is clean (`providerCall`). Only `unwrap`, the
 * credential's presentation and the refusal test are per provider; each lives in its provider folder.
 */
import { ProviderError } from './errors.js';
import type { CallContext } from '../domain/models.js';
import { authenticatedRequest, type CredentialRefused, type PresentCredential } from './authenticated.js';
import { CallAllowance } from '../domain/call-allowance.js';
import type { CredentialManager } from './credentials.js';
import { queryString, type UpstreamCall, type UpstreamResponse, type UpstreamTransport } from './http.js';
import type { WireObserver, WireSource } from './wire.js';

/** A request as a client writes it: the caller's signal, request id and trace are added from its CallContext. */
export type ProviderRequest = Omit<UpstreamCall, 'signal' | 'requestId' | 'headers' | 'trace'>;

/** A provider's answer after its envelope: the payload, or a thrown ProviderError for a refusal. */
export type Unwrap<Answer> = (response: UpstreamResponse, source: WireSource) => Answer;

/** Reads an unwrapped answer into domain values (a mapper). */
export type ReadAnswer<Answer, T> = (answer: Answer, source: WireSource) => T;

/**
 * One authenticated call: send, unwrap, read; and `whole`, a read made of several such calls shared
 * whole by identical reads in flight.
 */
export interface ProviderCall<Answer> {
  <T>(request: ProviderRequest, ctx: CallContext | undefined, read: ReadAnswer<Answer, T>): Promise<T>;
  whole: WholeRead;
}

/**
 * `run` (a read made of several GETs of one client, given the context its calls must use) once for
 * every caller asking with the same `key` while it is in flight: see `providerCall`. The key names the
 * read and everything its answer depends on. A whole read inside another is part of it.
 */
export type WholeRead = <T>(read: { key: string; endpoint: string }, ctx: CallContext | undefined, run: (ctx: CallContext) => Promise<T>) => Promise<T>;

export interface CallShape<Answer> {
  transport: UpstreamTransport;
  credentials: CredentialManager;
  present: PresentCredential;
  refused: CredentialRefused;
  unwrap: Unwrap<Answer>;
  /** Told about every surprise in an answer. */
  observe: WireObserver;
}

/** Tells apart the flights of two clients on one transport (each has its own credential). */
let clients = 0;

/**
 * Under the tests, a shared reading is frozen, so that code changing a value read from a provider fails
 * there instead of changing what the other requests of its flight were answered.
 */
const FREEZE_SHARED = process.env.NODE_ENV === 'test';

function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
}

/**
 * What a whole read's flight did (`WholeRead`): the answers of its GETs by flight key (the last one of
 * a GET sent twice, as a listing that moved while being paged is read again: a caller reading the
 * recording again reads the newer rows), whether every reading was clean, and the transport failure
 * that ended it, if one did.
 */
interface Recording {
  answers: Map<string, UpstreamResponse>;
  clean: boolean;
  failure?: unknown;
}

/** How a whole read's flight ended: its value, or what its run threw after the calls recorded. */
interface WholeOutcome<T> {
  recording: Recording;
  /** Calls the flight took from its allowance. */
  calls: number;
  value?: T;
  threw: boolean;
}

/**
 * The contexts a whole read made: its flight's (answers recorded, surprises noted and not told) and
 * each caller's own when it reads the recorded answers again (`replay`).
 */
const wholeReads = new WeakMap<CallContext, { recording: Recording; replay: boolean }>();

/**
 * The call helper of one client.
 *
 * Identical reads in flight (GETs with the same path and query) are one authenticated call
 * (`transport.shared`): the credential presented, renewed if refused and the request sent once for all
 * their callers, each counted against its own operation's ceiling. Their answer is read once too when
 * the reading is clean: the first caller's reading, if it told no surprise (a skipped row is one), is
 * kept with the answer for every caller that reads it with the same reader (the same function object:
 * a client that wants its reading shared passes a stable reader). A reading that told a surprise, or
 * threw, is done again by each caller with its own source, so the surprise is counted and logged under
 * every request that received it and each refusal carries its own request id. Shared readings are
 * read-only (frozen under the tests).
 *
 * `whole` shares a read made of several GETs (the newest rows of a listing: a first page, then the
 * pages it says hold them) the same way, one level up: identical whole reads in flight run once, in a
 * flight with its own context (its first caller's request id and trace, the flight's cancellation, an
 * allowance of what its first caller has left), which records each GET's answer and notes instead of
 * telling whether any reading was not clean. Then each caller, the first included:
 * - the flight was clean: takes from its own allowance the calls the flight made, and is answered the
 *   flight's value (read-only, as a shared reading is);
 * - a reading told a surprise, or the run threw (a refusal, the allowance): runs the read itself over
 *   the recorded answers (a call not recorded is sent), so it is told its surprises and refusals
 *   under its own request id, takes its own calls, and nothing is asked of the provider twice;
 * - a call failed on the way (a timeout, the network): fails with that error, as the callers of a
 *   shared GET do, and the circuit counts it once per caller.
 */
export function providerCall<Answer>(shape: CallShape<Answer>): ProviderCall<Answer> {
  const { transport, credentials, present, refused, unwrap, observe } = shape;
  const client = `${++clients}\u0000`;
  /** Clean readings of shared answers, by answer and reader; they live as long as the answer. */
  const readings = new WeakMap<UpstreamResponse, Map<ReadAnswer<Answer, unknown>, unknown>>();
  const send = (call: UpstreamCall) => authenticatedRequest(transport, credentials, present, call, refused);

  /**
   * `read` of the answer, shared with the callers of its flight when clean. In a whole read's flight
   * (`recording`) a surprise is noted there and not told: each caller tells its own when it reads again.
   */
  function readShared<T>(
    response: UpstreamResponse,
    read: ReadAnswer<Answer, T>,
    endpoint: string,
    requestId: string | undefined,
    recording: Recording | undefined,
  ): T {
    const known = readings.get(response);
    if (known?.has(read)) return known.get(read) as T;
    let surprised = false;
    const source: WireSource = {
      endpoint,
      requestId,
      observe: (surprise) => {
        surprised = true;
        if (recording) recording.clean = false;
        else observe(surprise);
      },
    };
    const value = read(unwrap(response, source), source);
    if (!surprised) {
      if (FREEZE_SHARED) deepFreeze(value);
      if (known) known.set(read, value);
      else readings.set(response, new Map([[read, value]]));
    }
    return value;
  }

  /** The answer to a GET: recorded by a whole read's flight, or read from its recording by a caller. */
  async function answerOf(key: string, call: UpstreamCall, whole: { recording: Recording; replay: boolean } | undefined): Promise<UpstreamResponse> {
    const recorded = whole?.replay ? whole.recording.answers.get(key) : undefined;
    if (recorded) return recorded;
    try {
      const response = await transport.shared(key, call, (signal) => send({ ...call, signal, share: false }));
      if (whole && !whole.replay) whole.recording.answers.set(key, response);
      return response;
    } catch (error) {
      if (whole && !whole.replay) whole.recording.failure = error;
      throw error;
    }
  }

  const oneCall = async <T>(request: ProviderRequest, ctx: CallContext | undefined, read: ReadAnswer<Answer, T>): Promise<T> => {
    const requestId = ctx?.requestId;
    // The operation's ceiling on provider calls: the call past it is not sent (ProviderCallLimitError).
    ctx?.calls?.take(transport.provider);
    const call: UpstreamCall = { ...request, signal: ctx?.signal, requestId, trace: ctx?.trace };
    const shared = request.method === 'GET';
    const whole = ctx && wholeReads.get(ctx);
    const response = await (shared ? answerOf(`${client}${request.path}?${request.query ? queryString(request.query) : ''}`, call, whole) : send(call));
    try {
      if (shared) return readShared(response, read, request.endpoint, requestId, whole && !whole.replay ? whole.recording : undefined);
      const source: WireSource = { endpoint: request.endpoint, requestId, observe };
      return read(unwrap(response, source), source);
    } catch (error) {
      // A refusal answering a replay after a lost answer proves nothing about the first attempt.
      if (response.afterLostAnswer && error instanceof ProviderError) error.afterLostAnswer = true;
      throw error;
    }
  };

  async function whole<T>(read: { key: string; endpoint: string }, ctx: CallContext | undefined, run: (ctx: CallContext) => Promise<T>): Promise<T> {
    // Inside another whole read (a shortcut falling back to the whole listing): part of that read, its
    // calls recorded by its flight or read from its recording.
    if (ctx && wholeReads.has(ctx)) return run(ctx);
    const fly = async (signal: CallContext['signal']): Promise<WholeOutcome<T>> => {
      const recording: Recording = { answers: new Map(), clean: true };
      // Counted whoever leads: each caller is charged what the flight spent.
      const allowance = new CallAllowance(ctx?.calls ? ctx.calls.left : Number.POSITIVE_INFINITY);
      const flight: CallContext = {
        signal,
        requestId: ctx?.requestId,
        trace: ctx?.trace,
        calls: allowance,
        onSkippedRow: () => {
          recording.clean = false;
        },
      };
      wholeReads.set(flight, { recording, replay: false });
      try {
        const value = await run(flight);
        if (FREEZE_SHARED && recording.clean) deepFreeze(value);
        return { recording, calls: allowance.used, value, threw: false };
      } catch (error) {
        // A call that failed on the way fails every caller (and counts once for each in the circuit).
        if (recording.failure !== undefined && error === recording.failure) throw error;
        return { recording, calls: allowance.used, threw: true };
      }
    };
    const outcome = await transport.shared(`${client}\u0001${read.key}`, { endpoint: read.endpoint, requestId: ctx?.requestId, signal: ctx?.signal }, fly);
    if (!outcome.threw && outcome.recording.clean) {
      ctx?.calls?.takeAll(transport.provider, outcome.calls);
      return outcome.value as T;
    }
    const own: CallContext = { ...ctx };
    wholeReads.set(own, { recording: outcome.recording, replay: true });
    return run(own);
  }

  return Object.assign(oneCall, { whole });
}
