/**
 * An upstream call that needs the provider credential: present it, and if the provider refused it —
 * HTTP 401, or any other answer whose error message says the token or session is invalid or expired
 * (the words are each provider's guess, a pattern in its assumptions.ts) — let the CredentialManager
 * renew once and replay once.
 */
import { CREDENTIAL_REJECTED, type CredentialManager } from './credentials.js';
import type { UpstreamCall, UpstreamResponse, UpstreamTransport } from './http.js';

/** How a provider wants its credential presented, as headers. */
export type PresentCredential = (credential: string) => Record<string, string>;

/** Whether an answer says the credential was refused. */
export type CredentialRefused = (response: UpstreamResponse) => boolean;

/** Only HTTP 401. */
export const refusedOn401: CredentialRefused = (response) => response.status === 401;

/**
 * HTTP 401, or, whatever the status (403, 200 with an error body…), an error message matching
 * `pattern`. `errorMessage` reads the provider's error body: undefined when the body is no error.
 */
export function refusedWhen(pattern: RegExp, errorMessage: (body: unknown) => unknown): CredentialRefused {
  return (response) => {
    if (response.status === 401) return true;
    const message = errorMessage(response.body);
    return typeof message === 'string' && pattern.test(message);
  };
}

export function authenticatedRequest(
  transport: UpstreamTransport,
  credentials: CredentialManager,
  present: PresentCredential,
  call: UpstreamCall,
  refused: CredentialRefused = refusedOn401,
): Promise<UpstreamResponse> {
  return credentials.run(
    async (credential) => {
      const response = await transport.request({ ...call, headers: { ...call.headers, ...present(credential) } });
      return refused(response) ? CREDENTIAL_REJECTED : response;
    },
    call.endpoint,
    call.requestId,
    call.trace,
  );
}
