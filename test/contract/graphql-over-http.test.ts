/**
 * GraphQL over HTTP compliance: graphql-http's server audit suite against the running gateway's
 * /graphql. Every audit passes except the deviations listed below, each with its reason; each listed
 * deviation is checked to still happen for that reason (so the list cannot go stale silently).
 */
import { serverAudits, type AuditResult } from 'graphql-http';
import { describe, expect, it } from 'vitest';
import { useTestGateway } from '../helpers/gateway.js';

type Fail = Extract<AuditResult, { status: 'notice' | 'warn' | 'error' }>;

interface Deviation {
  /** The audit's result: a recommendation ('warn', SHOULD) or an optional feature ('notice', MAY); never 'error'. */
  status: 'warn' | 'notice';
  reason: string;
  /** Proves the deviation has the stated cause. */
  because(response: Response, body: string): void;
}

const CSRF: Deviation = {
  status: 'notice',
  reason: "Apollo Server's CSRF prevention refuses a GET without content-type: application/json or an apollo-require-preflight header",
  because(response, body) {
    expect(response.status).toBe(400);
    expect(body).toContain('Cross-Site Request Forgery');
  },
};

const STATUS_400: Deviation = {
  status: 'warn',
  reason: 'Apollo Server answers a request error (parse, validation, variable coercion) with 400 even when the client accepts only application/json',
  because(response, body) {
    expect(response.status).toBe(400);
    expect(JSON.parse(body)).toMatchObject({ errors: [expect.objectContaining({ extensions: expect.objectContaining({ code: expect.any(String) }) })] });
    expect(body).not.toContain('"data"');
  },
};

/** Accepted deviations, by audit id (ids are stable; names in comments). */
const ACCEPTED: Record<string, Deviation> = {
  // MAY accept application/x-www-form-urlencoded formatted GET requests
  '5A70': CSRF,
  // MAY allow URL-encoded JSON string {variables} parameter in GETs when accepting application/graphql-response+json
  D6D5: CSRF,
  // MAY allow URL-encoded JSON string {variables} parameter in GETs when accepting application/json
  '6A70': CSRF,
  // SHOULD use 200 status code on document parsing failure when accepting application/json
  '572B': STATUS_400,
  // SHOULD use 200 status code on document validation failure when accepting application/json
  FDE2: STATUS_400,
  // SHOULD use a status code of 200 on variable coercion failure when accepting application/json
  '7B9B': STATUS_400,
};

describe('GraphQL over HTTP (graphql-http server audits)', () => {
  const gw = useTestGateway();
  const audits = serverAudits({ url: () => `${gw().url}/graphql`, fetchFn: fetch });

  it('knows every accepted deviation as an audit of the suite', () => {
    const ids = new Set(audits.map((audit) => audit.id));
    expect(audits.length).toBeGreaterThan(40);
    expect(Object.keys(ACCEPTED).filter((id) => !ids.has(id))).toEqual([]);
  });

  for (const audit of audits) {
    const deviation = ACCEPTED[audit.id];
    it(`${audit.id} ${audit.name}${deviation ? ` (accepted ${deviation.status}: ${deviation.reason})` : ''}`, async () => {
      const result = await audit.fn();
      if (!deviation) {
        const reason = result.status === 'ok' ? '' : `${result.status}: ${result.reason}`;
        expect(result.status, reason).toBe('ok');
        return;
      }
      expect(
        result.status,
        `accepted deviation ${audit.id} ${result.status === 'ok' ? 'now passes: remove it from ACCEPTED and docs/graphql-clients.md' : 'fails differently'}`,
      ).toBe(deviation.status);
      const failed = result as Fail;
      deviation.because(failed.response, await failed.response.clone().text());
    });
  }
});
