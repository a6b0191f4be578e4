/**
 * Opaque bearer tokens with a lifetime, as the providers issue them. Lifetimes are settable at run time
 * (tests make tokens expire); `sliding` renews the expiry on every use (Tupay's 15-minute session).
 */
import { randomBytes } from 'node:crypto';

export type TokenCheck = { ok: true; subject: string } | { ok: false; reason: 'missing' | 'unknown' | 'expired' };

interface TokenRecord {
  subject: string;
  expiresAtMs: number;
}

export interface TokenRegistryOptions {
  lifetimeSeconds: number;
  sliding?: boolean;
  /** Prefix of issued tokens, for readability in logs of the sandbox itself. */
  prefix?: string;
  /** Builds the token string instead of random bytes (Talo issues JWTs carrying `exp`). */
  mint?: (subject: string, expiresAtMs: number) => string;
  now?: () => number;
}

export class TokenRegistry {
  private readonly tokens = new Map<string, TokenRecord>();
  lifetimeSeconds: number;
  /** Tokens issued since the last reset: what "one token request" assertions count. */
  issued = 0;

  constructor(private readonly options: TokenRegistryOptions) {
    this.lifetimeSeconds = options.lifetimeSeconds;
  }

  private now(): number {
    return this.options.now ? this.options.now() : Date.now();
  }

  issue(subject: string): { token: string; expiresAtMs: number } {
    const expiresAtMs = this.now() + this.lifetimeSeconds * 1000;
    const token = this.options.mint ? this.options.mint(subject, expiresAtMs) : `${this.options.prefix ?? ''}${randomBytes(24).toString('base64url')}`;
    this.tokens.set(token, { subject, expiresAtMs });
    this.issued++;
    return { token, expiresAtMs };
  }

  check(token: string | undefined): TokenCheck {
    if (!token) return { ok: false, reason: 'missing' };
    const record = this.tokens.get(token);
    if (!record) return { ok: false, reason: 'unknown' };
    const now = this.now();
    if (record.expiresAtMs <= now) return { ok: false, reason: 'expired' };
    if (this.options.sliding) record.expiresAtMs = now + this.lifetimeSeconds * 1000;
    return { ok: true, subject: record.subject };
  }

  revoke(token: string): boolean {
    return this.tokens.delete(token);
  }

  /** Makes every token issued so far expired (they stay known, so they answer "expired", not "unknown"). */
  expireAll(): number {
    const past = this.now() - 1;
    for (const record of this.tokens.values()) record.expiresAtMs = past;
    return this.tokens.size;
  }

  /** Every token issued since the last reset: tests scan logs and errors for them. */
  all(): string[] {
    return [...this.tokens.keys()];
  }

  reset(): void {
    this.tokens.clear();
    this.issued = 0;
    this.lifetimeSeconds = this.options.lifetimeSeconds;
  }
}
