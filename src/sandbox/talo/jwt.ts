/**
 * Talo's access tokens are JWTs carrying `exp` (clients read it to renew early). The sandbox signs them
 * HS256 with a key that never leaves the process: the TokenRegistry, not the signature, decides whether
 * a token is valid, so a forged or foreign token is simply unknown (401).
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';

export interface TaloJwtPayload {
  sub: string;
  user_id: string;
  iat: number;
  exp: number;
  /** Makes two tokens minted in the same second different (the registry keys tokens by their text). */
  jti: string;
}

const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A minting function for TokenRegistryOptions.mint, bound to a fresh per-sandbox signing key. */
export function createJwtMinter(now: () => number = Date.now): (subject: string, expiresAtMs: number) => string {
  const key = randomBytes(32);
  return (subject, expiresAtMs) => {
    const payload: TaloJwtPayload = {
      sub: subject,
      user_id: subject,
      iat: Math.floor(now() / 1000),
      exp: Math.floor(expiresAtMs / 1000),
      jti: randomUUID(),
    };
    const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(payload)}`;
    return `${unsigned}.${createHmac('sha256', key).update(unsigned).digest('base64url')}`;
  };
}
