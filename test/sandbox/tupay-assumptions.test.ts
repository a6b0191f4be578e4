/** The pure helpers of src/providers/tupay/assumptions.ts that both the sandbox and the client rely on. */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  tupayAuthorizationHeader,
  tupayDateHeader,
  tupayErrorCode,
  tupayHasNextPage,
  tupayTokenFromAuthorization,
  tupayTokenFromCookieHeader,
  tupayTokenFromSetCookie,
  verifyTupaySignature,
} from '../../src/providers/tupay/assumptions.js';

describe('Tupay session token helpers', () => {
  it('read the token from Set-Cookie, Cookie and both Authorization forms', () => {
    expect(tupayTokenFromSetCookie(['other=1; Path=/', 'BEARER_TOKEN=abc123; Path=/; HttpOnly'])).toBe('abc123');
    expect(tupayTokenFromSetCookie(undefined)).toBeUndefined();
    expect(tupayTokenFromCookieHeader('a=1; BEARER_TOKEN=xyz; b=2')).toBe('xyz');
    expect(tupayTokenFromCookieHeader('NOT_BEARER_TOKEN=xyz')).toBeUndefined();
    expect(tupayTokenFromAuthorization('BEARER_TOKEN=t0k')).toBe('t0k');
    expect(tupayTokenFromAuthorization('Bearer t0k')).toBe('t0k');
    expect(tupayTokenFromAuthorization('Basic dXNlcjpwYXNz')).toBeUndefined();
  });
});

describe('Tupay paging and errors', () => {
  it('asks the next page only while rows == maxRows', () => {
    expect(tupayHasNextPage({ rows: 50, maxRows: 50 })).toBe(true);
    expect(tupayHasNextPage({ rows: 0, maxRows: 50 })).toBe(false);
    expect(tupayErrorCode(403)).toBe(83);
    expect(tupayErrorCode(401)).toBe(401);
  });
});

describe('Tupay notification signature', () => {
  const date = tupayDateHeader(new Date('2026-01-10T13:41:57.123Z'));
  const raw = '{"deposit_id":300000001}';

  it('is the hex HMAC-SHA256 of X-Date + X-Login + raw body, prefixed TUPAY', () => {
    expect(date).toBe('2026-01-10T13:41:57Z');
    const expected = createHmac('sha256', 'secret').update(`${date}login${raw}`).digest('hex');
    expect(tupayAuthorizationHeader(date, 'login', raw, 'secret')).toBe(`TUPAY ${expected}`);
  });

  it('verifies with the TUPAY or D24 prefix and refuses anything altered', () => {
    const header = tupayAuthorizationHeader(date, 'login', raw, 'secret');
    const signature = header.slice('TUPAY '.length);
    expect(verifyTupaySignature(header, date, 'login', raw, 'secret')).toBe(true);
    expect(verifyTupaySignature(`D24 ${signature}`, date, 'login', raw, 'secret')).toBe(true);
    expect(verifyTupaySignature(header, date, 'other', raw, 'secret')).toBe(false);
    expect(verifyTupaySignature(header, date, 'login', raw, 'wrong')).toBe(false);
    expect(verifyTupaySignature(`Bearer ${signature}`, date, 'login', raw, 'secret')).toBe(false);
    expect(verifyTupaySignature(undefined, date, 'login', raw, 'secret')).toBe(false);
  });
});
