/**
 * The one call shape of every provider client: send the request through `authenticatedRequest`
 * (credential presented; refused once → renewed once, replayed once), unwrap the provider's envelope or
 * refusal with the provider's own `unwrap`, and read the answer with a mapper. Only `unwrap`, the
 * credential's presentation and the refusal test are per provider; each lives in its provider folder.
 */
import { ProviderError } from './errors.js';
import type { CallContext } from '../domain/models.js';
import { authenticatedRequest, type CredentialRefused, type PresentCredential } from './authenticated.js';
import type { CredentialManager } from './credentials.js';
import type { UpstreamCall, UpstreamResponse, UpstreamTransport } from './http.js';
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

/** The call helper of one client. Per call it allocates the answer's source and the request it sends. */
export function providerCall<Answer>(shape: CallShape<Answer>): ProviderCall<Answer> {
  const { transport, credentials, present, refused, unwrap, observe } = shape;
  return async (request, ctx, read) => {
    const requestId = ctx?.requestId;
    // The operation's ceiling on provider calls: the call past it is not sent (ProviderCallLimitError).
    ctx?.calls?.take(transport.provider);
    const source: WireSource = { endpoint: request.endpoint, requestId, observe };
    const response = await authenticatedRequest(transport, credentials, present, { ...request, signal: ctx?.signal, requestId, trace: ctx?.trace }, refused);
    try {
      return read(unwrap(response, source), source);
    } catch (error) {
      // A refusal answering a replay after a lost answer proves nothing about the first attempt.
      if (response.afterLostAnswer && error instanceof ProviderError) error.afterLostAnswer = true;
      throw error;
    }
  };
}
