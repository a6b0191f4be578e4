/**
 * A tiny raw HTTP client for tests: what a provider client would send, without any of our client code.
 * Its reads of a sandbox are the tests' oracle, so they ask for the documented wire form
 * (`x-sandbox-variant: documented`) whatever variant the clients under test are served.
 */
import { request } from 'undici';
import { VARIANT_HEADER } from '../../src/sandbox/variant.js';

export interface CallOptions {
  query?: Record<string, string | number | boolean | undefined>;
  /** Sent as JSON unless `form` is set. */
  body?: unknown;
  form?: Record<string, string>;
  /** Sent as is (e.g. malformed JSON), with `content-type` from headers or application/json. */
  raw?: string;
  headers?: Record<string, string>;
  /** Gives up after this long (for requests a fault makes hang). */
  timeoutMs?: number;
}

export interface CallResult<T = any> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
  text: string;
}

export async function call<T = any>(baseUrl: string, method: string, path: string, options: CallOptions = {}): Promise<CallResult<T>> {
  const url = new URL(path.replace(/^\//, ''), baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  for (const [key, value] of Object.entries(options.query ?? {})) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  const headers: Record<string, string> = { [VARIANT_HEADER]: 'documented', ...options.headers };
  let body: string | undefined;
  if (options.raw !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = options.raw;
  } else if (options.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(options.form).toString();
  } else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  const signal = options.timeoutMs === undefined ? undefined : AbortSignal.timeout(options.timeoutMs);
  const response = await request(url, { method: method as 'GET', headers, body, signal });
  const text = await response.body.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.statusCode, headers: response.headers, body: parsed as T, text };
}
