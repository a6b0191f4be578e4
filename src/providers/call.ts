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
import type { CredentialManager } from './credentials.js';
import { queryString, type UpstreamCall, type UpstreamResponse, type UpstreamTransport } from './http.js';
import type { WireObserver, WireSource } from './wire.js';

/** A request as a client writes it: the caller's signal, request id and trace are added from its CallContext. */
export type ProviderRequest = Omit<UpstreamCall, 'signal' | 'requestId' | 'headers' | 'trace'>;

/** A provider's answer after its envelope: the payload, or a thrown ProviderError for a refusal. */
export type Unwrap<Answer> = (response: UpstreamResponse, source: WireSource) => Answer;

/** Reads an unwrapped answer into domain values (a mapper). */
export type ReadAnswer<Answer, T> = (answer: Answer, source: WireSource) => T;

/** One authenticated call: send, unwrap, read. */
export type ProviderCall<Answer> = <T>(request: ProviderRequest, ctx: CallContext | undefined, read: ReadAnswer<Answer, T>) => Promise<T>;

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
 */
export function providerCall<Answer>(shape: CallShape<Answer>): ProviderCall<Answer> {
  const { transport, credentials, present, refused, unwrap, observe } = shape;
  const client = `${++clients}\u0000`;
  /** Clean readings of shared answers, by answer and reader; they live as long as the answer. */
  const readings = new WeakMap<UpstreamResponse, Map<ReadAnswer<Answer, unknown>, unknown>>();
  const send = (call: UpstreamCall) => authenticatedRequest(transport, credentials, present, call, refused);

  /** `read` of the answer, shared with the callers of its flight when clean. */
  function readShared<T>(response: UpstreamResponse, read: ReadAnswer<Answer, T>, endpoint: string, requestId: string | undefined): T {
    const known = readings.get(response);
    if (known?.has(read)) return known.get(read) as T;
    let surprised = false;
    const source: WireSource = {
      endpoint,
      requestId,
      observe: (surprise) => {
        surprised = true;
        observe(surprise);
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

  return async (request, ctx, read) => {
    const requestId = ctx?.requestId;
    // The operation's ceiling on provider calls: the call past it is not sent (ProviderCallLimitError).
    ctx?.calls?.take(transport.provider);
    const call: UpstreamCall = { ...request, signal: ctx?.signal, requestId, trace: ctx?.trace };
    const shared = request.method === 'GET';
    const response = await (shared
      ? transport.shared(`${client}${request.path}?${request.query ? queryString(request.query) : ''}`, call, (signal) =>
          send({ ...call, signal, share: false }),
        )
      : send(call));
    try {
      if (shared) return readShared(response, read, request.endpoint, requestId);
      const source: WireSource = { endpoint: request.endpoint, requestId, observe };
      return read(unwrap(response, source), source);
    } catch (error) {
      // A refusal answering a replay after a lost answer proves nothing about the first attempt.
      if (response.afterLostAnswer && error instanceof ProviderError) error.afterLostAnswer = true;
      throw error;
    }
  };
}
