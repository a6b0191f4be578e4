/** Upstream query strings (src/providers/http.ts) are written byte for byte as URLSearchParams writes them. */
import { describe, expect, it } from 'vitest';
import { queryString } from '../../src/providers/http.js';

function reference(query: Record<string, string | number | boolean | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) search.set(key, String(value));
  return search.toString();
}

describe('upstream query strings', () => {
  it('writes plain and escaped values exactly as URLSearchParams', () => {
    const cases: Record<string, string | number | boolean | undefined>[] = [
      {},
      { page: 2 },
      { from: '2026-01-01', to: '2026-01-15', page: 1, skip: undefined },
      { start_date: '2026-01-15 23:59:59', tz: '-03:00' },
      { q: "a b+c&d=e/f?g#h!i'j(k)l~m*n.o_p-q" },
      { 'odd key': 'ñandú €', empty: '', flag: true, zero: 0, negative: -1.5 },
      { surrogate: 'x\uD800y' },
    ];
    for (const query of cases) expect(queryString(query), JSON.stringify(query)).toBe(reference(query));
  });

  it('agrees with URLSearchParams on random text', () => {
    let seed = 11;
    const next = () => (seed = (seed * 48_271) % 2_147_483_647);
    const alphabet = "aZ09*._-~!'() +&=/?#%ñ€\u00e9";
    for (let i = 0; i < 2_000; i++) {
      const text = Array.from({ length: next() % 8 }, () => alphabet[next() % alphabet.length]).join('');
      const query = { [`k${text.slice(0, 2)}`]: text, page: next() % 100 };
      expect(queryString(query), text).toBe(reference(query));
    }
  });
});
