/**
 * The lifecycle of one provider credential (a bearer token or a session cookie): obtain it once, reuse
 * it until shortly before it expires, renew it with at most one request in flight however many calls
 * wait for it, and — when the provider says 401 anyway — renew once and replay the call once.
 */
import { createHash } from 'node:crypto';
import type { CredentialStore, StoredCredential } from '../state/credential-store.js';
import { StateUnavailableError } from '../state/errors.js';
import { ProviderError } from './errors.js';
import { knowSecret } from '../sanitize.js';
import { endFailed, startTraced, type TraceContext } from '../observability/tracing.js';
import type { ProviderId } from './provider.js';

export interface CredentialManagerOptions {
  provider: ProviderId;
  /** Identifies the credential set; hashed, so secrets in it never reach the store's keys. */
  identity: readonly string[];
  store: CredentialStore;
  /**
   * Asks the provider for a new credential; `requestId` is the request that needed it (for its log
   * line), `trace` the renewal's span (the parent of the token request's).
   */
  obtain: (requestId?: string, trace?: TraceContext) => Promise<StoredCredential>;
  /** Renew this long before expiry (clock skew, slow calls). Default 60 s, at most a tenth of the lifetime. */
  renewMarginMs?: number;
  /** Called after each successful renewal (metrics). */
  onRenewed?: () => void;
}

/** How many refused credential values a manager remembers. */
const REFUSED_REMEMBERED = 8;

/** What an authenticated call reports when the provider refused the credential. */
export const CREDENTIAL_REJECTED = Symbol('credential rejected');

export class CredentialManager {
  private readonly key: string;
  /** The last credential seen, so a call needs no store round trip while it is fresh. */
  private local?: StoredCredential;
  /**
   * Values the provider refused lately. A store read that raced with their deletion (or a replica that
   * has not heard yet) may still hand one back: it is never used again.
   */
  private readonly refused: string[] = [];

  constructor(private readonly options: CredentialManagerOptions) {
    const digest = createHash('sha256').update(options.identity.join('\u0000')).digest('hex').slice(0, 32);
    this.key = `credential:${options.provider.toLowerCase()}:${digest}`;
  }

  private fresh(credential: StoredCredential | undefined): credential is StoredCredential {
    return credential !== undefined && !this.refused.includes(credential.value) && (credential.renewAtMs ?? credential.expiresAtMs) > Date.now();
  }

  /** Renewal point: the margin before expiry, but never more than a tenth of the lifetime. */
  private withRenewal(credential: StoredCredential): StoredCredential {
    const lifetime = Math.max(0, credential.expiresAtMs - Date.now());
    const margin = Math.min(this.options.renewMarginMs ?? 60_000, lifetime / 10);
    return { ...credential, renewAtMs: credential.expiresAtMs - margin };
  }

  /** Uses `credential` from now on; its value is a known secret to the sanitiser while it is recent. */
  private adopt(credential: StoredCredential): void {
    this.local = credential;
    knowSecret(credential.value, 'issued');
  }

  /**
   * A credential that will still be valid for at least the margin. When the store cannot be reached
   * (shared state down or not answering), the last credential seen is used while it has not expired:
   * it is only due for renewal, and a renewal needs the store. Without one, the call fails as this
   * provider's PROVIDER_UNAVAILABLE (reason STATE_UNAVAILABLE), nothing sent.
   */
  async current(requestId?: string, trace?: TraceContext): Promise<string> {
    if (this.fresh(this.local)) return this.local.value;
    try {
      const stored = await this.options.store.get(this.key);
      if (this.fresh(stored)) {
        this.adopt(stored);
        return stored.value;
      }
      return await this.renew(requestId, trace);
    } catch (error) {
      const local = this.local as StoredCredential | undefined; // adopt() may have set it since the check above
      if (!(error instanceof StateUnavailableError)) throw error;
      if (local && !this.refused.includes(local.value) && local.expiresAtMs > Date.now()) return local.value;
      const { provider } = this.options;
      throw new ProviderError(
        `${provider} cannot be called: its credential cannot be renewed while shared state (Redis) is unavailable; nothing was sent, retry once Redis is back`,
        {
          provider,
          reason: 'STATE_UNAVAILABLE',
          requestId,
          cause: error,
        },
      );
    }
  }

  private renew(requestId: string | undefined, trace: TraceContext | undefined): Promise<string> {
    return this.options.store.singleFlight(this.key, async () => {
      // Another caller (or replica) may have renewed while we waited for the flight.
      const stored = await this.options.store.get(this.key);
      if (this.fresh(stored)) {
        this.adopt(stored);
        return stored.value;
      }
      // The renewal's span (in the trace of the call that needed it) is the token request's parent.
      const renewal = startTraced('pasarela.credential.renew', trace, { 'pasarela.provider': this.options.provider });
      let credential: StoredCredential;
      try {
        credential = this.withRenewal(await this.options.obtain(requestId, renewal?.context));
        await this.options.store.set(this.key, credential);
      } catch (error) {
        if (renewal?.span) endFailed(renewal.span, error, error instanceof ProviderError ? error.reason : undefined);
        throw error;
      }
      renewal?.span?.end();
      this.adopt(credential);
      this.options.onRenewed?.();
      return credential.value;
    });
  }

  /**
   * Forgets `value` (only if it is still the current one: a newer credential stays). Without shared
   * state it is forgotten here only (never used again by this replica; the others learn by their own refusal).
   */
  async invalidate(value: string): Promise<void> {
    if (!this.refused.includes(value)) this.refused.push(value);
    if (this.refused.length > REFUSED_REMEMBERED) this.refused.shift();
    if (this.local?.value === value) this.local = undefined;
    try {
      await this.options.store.deleteIf(this.key, value);
    } catch (error) {
      if (!(error instanceof StateUnavailableError)) throw error;
    }
  }

  /**
   * Runs `call` with the current credential. If it returns CREDENTIAL_REJECTED, the credential is
   * dropped, renewed once, and the call replayed once; a second rejection is an UNAUTHENTICATED error.
   */
  async run<T>(call: (credential: string) => Promise<T | typeof CREDENTIAL_REJECTED>, endpoint: string, requestId?: string, trace?: TraceContext): Promise<T> {
    const first = await this.current(requestId, trace);
    const result = await call(first);
    if (result !== CREDENTIAL_REJECTED) return result;
    await this.invalidate(first);
    const second = await this.current(requestId, trace);
    const replay = await call(second);
    if (replay !== CREDENTIAL_REJECTED) return replay;
    await this.invalidate(second);
    throw new ProviderError(`${this.options.provider} refused Pasarela's credentials`, {
      provider: this.options.provider,
      reason: 'UNAUTHENTICATED',
      endpoint,
      httpStatus: 401,
      requestId,
    });
  }

  /** Forgets the credential locally and in the store (after logging out). */
  async forget(): Promise<string | undefined> {
    const value = this.local?.value ?? (await this.options.store.get(this.key))?.value;
    this.local = undefined;
    if (value) await this.options.store.deleteIf(this.key, value);
    return value;
  }
}
