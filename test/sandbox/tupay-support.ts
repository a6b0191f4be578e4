/** Shared fixtures of the Tupay sandbox suites: a fixed history, login, and paging through listings. */
import { call } from '../helpers/http.js';
import { SANDBOX_CREDENTIALS } from '../../src/sandbox/credentials.js';
import { startTupaySandbox, type TupaySandboxOptions } from '../../src/sandbox/tupay/index.js';
import { tupayCookieHeader, tupayHasNextPage, tupayTokenFromSetCookie } from '../../src/providers/tupay/assumptions.js';

/** The history ends here, whatever day the tests run. */
export const NOW = new Date('2026-01-31T12:00:00Z');
export const NOW_SEC = NOW.getTime() / 1000;
export const DAY = 86_400;
export const SEED = 7;

export const LOGIN = {
  accessKey: SANDBOX_CREDENTIALS.tupay.accessKey,
  secretKey: SANDBOX_CREDENTIALS.tupay.secretKey,
};

export function startFixture(options: TupaySandboxOptions = {}) {
  return startTupaySandbox({ now: NOW, seed: SEED, ...options });
}

/** Logs in and returns the session token taken from `Set-Cookie`. */
export async function login(url: string): Promise<string> {
  const response = await call(url, 'POST', '/v1/auth/login', { body: LOGIN });
  const token = tupayTokenFromSetCookie(response.headers['set-cookie']);
  if (response.status !== 200 || !token) throw new Error(`login failed: ${response.status} ${response.text}`);
  return token;
}

export function withCookie(token: string): Record<string, string> {
  return { cookie: tupayCookieHeader(token) };
}

/** Follows the documented rule (ask page + 1 while rows == maxRows); returns every record and the pages seen. */
export async function fetchAll<T = any>(url: string, path: string, token: string, query: Record<string, string | number>) {
  const records: T[] = [];
  const pages: { page: number; rows: number; maxRows: number }[] = [];
  for (let page = 0; ; page++) {
    const response = await call(url, 'GET', path, { headers: withCookie(token), query: { ...query, page } });
    if (response.status !== 200) throw new Error(`${path} page ${page}: ${response.status} ${response.text}`);
    const { rows, maxRows, data } = response.body as { rows: number; maxRows: number; data: T[] };
    pages.push({ page: response.body.page, rows, maxRows });
    records.push(...data);
    if (!tupayHasNextPage({ rows, maxRows })) return { records, pages };
  }
}

/** Polls until `read` returns a value (not a timing assertion: the deadline only bounds a failure). */
export async function eventually<T>(read: () => T | undefined, deadlineMs = 5_000): Promise<T> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('condition not met before the deadline');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Decimal amount to integer cents, for exact sums in assertions. */
export const cents = (amount: number): number => Math.round(amount * 100);
