/**
 * The sanitiser (src/sanitize.ts): a property test generates secrets in many formats and groupings —
 * configured secret values glued to any text, credential words in English and Spanish with `:`, `=` or
 * a space, CUITs and CBUs however grouped — embeds them in random provider messages, and scans every
 * output — the safe provider message, the userError a mutation returns, the GraphQL error, and the log
 * lines of the error. Ordinary text (words, amounts, dates, request ids, our codes) comes through
 * unchanged.
 */
import 'reflect-metadata';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildCbu, buildCuit } from '../../src/domain/identifiers.js';
import { formatError } from '../../src/graphql/errors.js';
import { providerUserError } from '../../src/graphql/user-errors.js';
import { badResponse, providerRejection, safeProviderMessage } from '../../src/providers/errors.js';
import { MIN_KNOWN_SECRET_LENGTH, sanitizeText } from '../../src/sanitize.js';
import { Secret } from '../../src/secret.js';
import { leakRecorder } from '../helpers/leaks.js';

const digits = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((d) => d.join(''));

/** Splits `value` into chunks of the given sizes (the last takes the rest), joined by `separator`. */
function group(value: string, sizes: number[], separator: string): string {
  const chunks: string[] = [];
  let at = 0;
  for (const size of sizes) {
    if (at >= value.length) break;
    chunks.push(value.slice(at, at + size));
    at += size;
  }
  if (at < value.length) chunks.push(value.slice(at));
  return chunks.join(separator);
}

const separator = fc.constantFrom(' ', '-', '.', '/', ' - ', ' / ', '');
const chunking = fc.array(fc.integer({ min: 2, max: 8 }), { minLength: 1, maxLength: 8 });

/** A secret as it appears in the text, and the part of it that must never appear in an output. */
interface Planted {
  text: string;
  forbidden: string[];
}

const cbu = fc.tuple(digits(3), digits(4), digits(13), chunking, separator).map(([entity, branch, account, sizes, sep]): Planted => {
  const value = buildCbu(entity, branch, account);
  // The first 18 digits may never appear (in any grouping): nothing but the last four is shown.
  return { text: group(value, sizes, sep), forbidden: [value, value.slice(0, 12), value.slice(6, 18)] };
});

const cuit = fc
  .tuple(fc.constantFrom('20', '23', '27', '30', '33'), digits(8))
  .map(([prefix, number]) => buildCuit(prefix, number))
  .filter((value): value is string => value !== null)
  .chain((value) =>
    fc
      .constantFrom('-', '', ' ', '.', '/', ' / ', ' . ')
      .map((sep): Planted => ({ text: `${value.slice(0, 2)}${sep}${value.slice(2, 10)}${sep}${value.slice(10)}`, forbidden: [value, value.slice(0, 8)] })),
  );

/** Random bytes, encoded as secrets are: base64, base64url, hex (either case), with or without a prefix. */
const token = fc
  .tuple(
    fc.uint8Array({ minLength: 24, maxLength: 48 }),
    fc.constantFrom('base64', 'base64url', 'hex', 'HEX'),
    fc.constantFrom('', 'tp_', 'sk_live_', 'ghp_', 'pk_test_', 'tok_'),
  )
  .map(([bytes, encoding, prefix]): Planted => {
    const buffer = Buffer.from(bytes);
    const body = encoding === 'HEX' ? buffer.toString('hex').toUpperCase() : buffer.toString(encoding as BufferEncoding);
    return { text: `${prefix}${body}`, forbidden: [body.slice(0, 12), body.slice(-12)] };
  });

const base64url = (bytes: number) => fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => Buffer.from(b).toString('base64url'));

const jwt = fc.tuple(base64url(24), base64url(32), base64url(32)).map(([header, payload, signature]): Planted => {
  const value = `eyJ${header}.${payload}.${signature}`;
  return { text: value, forbidden: [value.slice(0, 16), payload.slice(0, 12), signature.slice(0, 12)] };
});

/** Short values too: after a key-like name or in a cookie, any value is a secret. */
const shortValue = fc.stringMatching(/^[A-Za-z0-9]{8,14}$/).filter((v) => /\d/.test(v) && /[a-z]/i.test(v));

const keyValue = fc
  .tuple(
    fc.constantFrom(
      'key',
      'api_key',
      'apiKey',
      'X-Api-Key',
      'access_token',
      'refresh_token',
      'sid',
      'session_id',
      'client_secret',
      'password',
      'signature',
      'token',
    ),
    fc.constantFrom('=', ': ', ':', ' = ', '":"', "='"),
    shortValue,
  )
  .map(([name, sep, value]): Planted => ({ text: `${name}${sep}${value}${sep.includes('"') ? '"' : sep.includes("'") ? "'" : ''}`, forbidden: [value] }));

const credentialWord = fc
  .tuple(fc.constantFrom('Bearer', 'bearer', 'Basic', 'password', 'token'), shortValue)
  .map(([word, value]): Planted => ({ text: `${word} ${value}`, forbidden: [value] }));

const cookie = fc
  .tuple(
    fc.constantFrom('Set-Cookie: ', 'Cookie: ', 'cookie='),
    fc.constantFrom('sid', 'session', 'PHPSESSID', 'connect.sid'),
    shortValue,
    fc.constantFrom('', '; Path=/', '; HttpOnly; Secure'),
  )
  .map(([header, name, value, attributes]): Planted => ({ text: `${header}${name}=${value}${attributes}`, forbidden: [value] }));

/** A credential word, English or Spanish, also ending a compound name, then `:`, `=` or a space and its value. */
const keyword = fc
  .tuple(
    fc.constantFrom(
      'clave',
      'Clave',
      'contraseña',
      'CONTRASEÑA',
      'contrasena',
      'secreto',
      'secret',
      'client_secret',
      'clientSecret',
      'token',
      'access_token',
      'password',
      'api_key',
      'apikey',
      'secret_key',
    ),
    fc.constantFrom(': ', ':', '=', ' = ', ' ', '  '),
    shortValue,
  )
  .map(([word, sep, value]): Planted => ({ text: `${word}${sep}${value}`, forbidden: [value] }));

/**
 * A configured secret (a `Secret`, as config holds every provider password, client secret, secret key
 * and webhook secret): a value people choose, which no shape rule would catch, glued to any text.
 */
const configuredSecret = fc
  .tuple(
    fc.constantFrom('Gaucho', 'Mate', 'Tango', 'Pampa', 'Quilmes', 'Ushuaia'),
    fc.stringMatching(/^[A-Za-z0-9!#%*+.~-]{2,10}$/),
    fc.constantFrom(['', ''], ['(', ')'], ['"', '"'], ['user:', '@host'], ['x', 'y'], ['«', '»'], ['=', ';']),
    fc.boolean(),
  )
  .map(([word, rest, [before, after], encoded]): Planted => {
    const value = `${word}${rest}`;
    new Secret(value);
    return { text: `${before}${encoded ? encodeURIComponent(value) : value}${after}`, forbidden: [value, encodeURIComponent(value)] };
  });

const secret = fc.oneof(cbu, cuit, token, jwt, keyValue, credentialWord, keyword, cookie, configuredSecret);

/** Ordinary words of provider messages, and numbers that are not account numbers. */
const filler = fc.constantFrom(
  'session',
  'expired',
  'for',
  'account',
  'CBU',
  'CVU',
  'CUIT',
  'Error:',
  'the',
  'payment',
  'was',
  'refused;',
  'amount',
  '12345.67',
  'on',
  '2026-01-15',
  'at',
  '12:00:00',
  'fondos',
  'insuficientes',
  '(code 83)',
  'ARS',
);

const message = fc
  .tuple(
    fc.array(filler, { maxLength: 4 }),
    fc.array(fc.tuple(secret, fc.array(filler, { minLength: 1, maxLength: 3 })), { minLength: 1, maxLength: 3 }),
    fc.constantFrom(' ', '\n', ', '),
  )
  .map(([lead, parts, joiner]) => {
    const planted = parts.map(([s]) => s);
    const text = [...lead, ...parts.flatMap(([s, words]) => [s.text, ...words])].join(joiner);
    return { text, forbidden: planted.flatMap((p) => p.forbidden) };
  });

function expectNoneOf(output: string, forbidden: string[], input: string): void {
  for (const part of forbidden) expect(output.includes(part), `"${part}" leaked from: ${input}\noutput: ${output}`).toBe(false);
}

const format = formatError({ production: true });

describe('sanitiser by shape', () => {
  it('masks every planted secret in the provider message, the userError, the GraphQL error and the log line', () => {
    fc.assert(
      fc.property(message, ({ text, forbidden }) => {
        expectNoneOf(safeProviderMessage(text) ?? '', forbidden, text);
        const error = providerRejection('TELEPAGOS', 'POST v2/payment/cashout', 422, text, '5f0c6a3e-8f7b-4a7e-9d51-2c4b8e6a1f00');
        expectNoneOf(providerUserError(error).message, forbidden, text);
        expectNoneOf(JSON.stringify(format({ message: error.message }, error)), forbidden, text);
        // A foreign error (a JSON parse error quoting a body, an undici error) logged as it is.
        const recorder = leakRecorder();
        recorder.logger.warn({ err: error }, 'call failed');
        recorder.logger.warn({ err: new Error(`Unexpected token in "${text}"`) }, 'unexpected');
        recorder.logger.warn({ error: error.toJSON() }, 'call failed');
        expectNoneOf(recorder.lines.join('\n'), forbidden, text);
        expect(recorder.lines.join('\n')).toContain('5f0c6a3e-8f7b-4a7e-9d51-2c4b8e6a1f00');
      }),
      { numRuns: 300 },
    );
  });

  it('keeps ordinary text, amounts, dates, request ids, endpoints and our codes as they are', () => {
    const ordinary = fc.array(
      fc.oneof(
        filler,
        fc.uuid(),
        fc.constantFrom(
          'PROVIDER_UNAVAILABLE',
          'GET v2/payment/cashout/{id}',
          'POST v2/whitelabel/statics/:period',
          'v1/balance/report',
          'getPaymentByExternalId',
          'InternalServerError',
          'VAR-00000000-0000-4000-8000-000000000000',
          '203.0.113.5',
          'application/x-www-form-urlencoded',
        ),
        fc.integer({ min: 0, max: 99_999_999 }).map(String),
        fc.tuple(fc.integer({ min: 0, max: 9_999_999 }), fc.integer({ min: 0, max: 99 })).map(([a, b]) => `${a}.${String(b).padStart(2, '0')}`),
        fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }).map((d) => d.toISOString()),
      ),
      { minLength: 1, maxLength: 8 },
    );
    fc.assert(
      fc.property(ordinary, (words) => {
        const text = words.join(' and ');
        expect(sanitizeText(text)).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it('masks the finding of issue 20: a bare tp_ token and a space-grouped CBU', () => {
    const found = 'session tp_6BxkQ3vN0aZ8wLrT2yHc5pD1mF7sJ4eGqW9u expired; CBU 2850 5909 4009 0418 1352 01';
    expect(safeProviderMessage(found)).toBe('session [redacted] expired; CBU ******************5201');
    expect(safeProviderMessage('CBU 28505909-40090418135201 unknown')).toBe('CBU ******************5201 unknown');
    expect(safeProviderMessage('CUIT 20-12345678-6 does not match')).toBe('CUIT *******6786 does not match');
    const error = providerRejection('TELEPAGOS', 'POST v2/payment/cashout', 422, found);
    expect(providerUserError(error).message).toBe(
      'TELEPAGOS refused the operation: session [redacted] expired; CBU ******************5201; nothing was done, and the same request is refused again',
    );
  });

  it('masks the finding of issue 26: configured secrets, Spanish credential words, a space after client_secret, a CUIT with slashes', () => {
    const tupaySecretKey = 'Xk9-Tupay-Prod-2026';
    const telepagosPassword = 'Mate#Amargo7';
    new Secret(tupaySecretKey);
    new Secret(telepagosPassword);
    expect(safeProviderMessage(`La clave ${tupaySecretKey} es incorrecta`)).toBe('La clave [redacted] es incorrecta');
    expect(safeProviderMessage(`contraseña ${telepagosPassword} vencida`)).toBe('contraseña [redacted] vencida');
    expect(safeProviderMessage('client_secret TaloCs-7hQ2 rechazado')).toBe('client_secret [redacted] rechazado');
    expect(safeProviderMessage('cuit 20/12345678/6 inválida')).toBe('cuit *******6786 inválida');
    // A configured value is redacted with no credential word before it, whatever it is glued to.
    expect(safeProviderMessage(`acceso denegado para pasarela:${telepagosPassword}@login (${tupaySecretKey})`)).toBe(
      'acceso denegado para pasarela:[redacted]@login ([redacted])',
    );
    expect(sanitizeText(`form: user=pasarela&pw=${encodeURIComponent(telepagosPassword)}`)).not.toContain(encodeURIComponent(telepagosPassword));
  });

  it(`does not match a configured value shorter than ${MIN_KNOWN_SECRET_LENGTH} characters literally (the word rules still catch it)`, () => {
    const short = 'Ab1'.padEnd(MIN_KNOWN_SECRET_LENGTH - 1, 'z');
    new Secret(short);
    expect(sanitizeText(`code ${short} seen`)).toBe(`code ${short} seen`);
    expect(sanitizeText(`password ${short} expired`)).toBe('password [redacted] expired');
  });

  it('leaves our own error messages and codes readable in logs', () => {
    const recorder = leakRecorder();
    const error = badResponse('TUPAY', 'GET v1/balance/report', 'data.items is missing or not a list', 'req-42');
    recorder.logger.warn({ err: error }, 'failed');
    const logged = JSON.parse(recorder.lines[0]!).err;
    expect(logged).toMatchObject({
      message: 'TUPAY sent an unexpected answer to GET v1/balance/report: data.items is missing or not a list',
      code: 'PROVIDER_UNAVAILABLE',
      reason: 'BAD_RESPONSE',
      requestId: 'req-42',
    });
  });
});

describe('the sandboxes’ public credentials', () => {
  it('are kept as Secrets by the embedded default but never redacted from text (a path under src/sandbox stays readable)', async () => {
    const { loadConfig, withSandboxes } = await import('../../src/config.js');
    const url = 'http://127.0.0.1:9';
    const config = withSandboxes(loadConfig({}), { telepagos: url, talo: url, tupay: url });
    expect(String(config.providers.telepagos?.password)).toBe('[redacted]');
    expect(sanitizeText('at src/sandbox/telepagos/server.ts:12 (sandbox mode)')).toBe('at src/sandbox/telepagos/server.ts:12 (sandbox mode)');
    // A real configured secret of the same length is redacted.
    new Secret('s3cr3tx');
    expect(sanitizeText('la clave s3cr3tx no vale')).not.toContain('s3cr3tx');
  });
});
