/**
 * GraphQL over HTTP compliance: graphql-http's server audit suite (the audits `auditServer` runs: every MUST, SHOULD and
 * MAY it checks) against a started gateway's /graphql. Every audit is `ok`: no accepted deviation. A
 * legacy `application/json` client gets 200 with `errors` for a document that does not parse or
 * validate and for variables that do not coerce, as the spec recommends; a GET with URL-encoded
 * variables and a form-encoded GET run (no CSRF refusal: the key is in the Authorization header).
 */
import { serverAudits } from 'graphql-http';
import { describe, expect, it } from 'vitest';
import { useTestGateway } from '../helpers/gateway.js';

/** graphql-http 1.23's suite; a new version with more audits must pass them too. */
const AUDITS = 61;

describe('GraphQL over HTTP (graphql-http server audits)', () => {
  const gw = useTestGateway();

  const audits = serverAudits({ url: () => `${gw().url}/graphql`, fetchFn: fetch });

  it(`has the whole suite: ${AUDITS} audits`, () => {
    expect(audits.length).toBeGreaterThanOrEqual(AUDITS);
  });

  // One test per audit, so a failure names it and says why.
  for (const audit of audits) {
    it(`${audit.id} ${audit.name}`, async () => {
      const result = await audit.fn();
      expect(result.status, result.status === 'ok' ? '' : `${result.status}: ${result.reason}`).toBe('ok');
    });
  }
});
