/**
 * An upstream call that needs the provider credential: present it, and if the provider answers 401,
 * let the CredentialManager renew once and replay once.
 */
import { CREDENTIAL_REJECTED, type CredentialManager } from './credentials.js';
import type { UpstreamCall, UpstreamResponse, UpstreamTransport } from './http.js';

/** How a provider wants its credential presented, as headers. */
export type PresentCredential = (credential: string) => Record<string, string>;

export function authenticatedRequest(
  transport: UpstreamTransport,
  credentials: CredentialManager,
  present: PresentCredential,
  call: UpstreamCall,
): Promise<UpstreamResponse> {
  return credentials.run(async (credential) => {
    const response = await transport.request({ ...call, headers: { ...call.headers, ...present(credential) } });
    return response.status === 401 ? CREDENTIAL_REJECTED : response;
  }, call.endpoint, call.requestId);
}
