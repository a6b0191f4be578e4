#!/usr/bin/env node
/**
 * `npm run gql`: send one GraphQL operation to the gateway from a shell, multi-line and quoted as it is.
 * Plain Node (no dev dependencies), so it works in any install of the project.
 *
 *   npm run gql < operations/payment.graphql               the operation from stdin (a file, a here-doc)
 *   npm run gql -- -f operations/payment.graphql --var id=VAR-…
 *   npm run gql -- -q '{ salePoints { name } }'
 *
 * Options: -f/--file FILE (or FILE as the only argument), -q/--query TEXT, --var name=string,
 * --var name:=json (a number, true, an object…), --variables '{json}', --operation NAME,
 * --count N and --timeout SECONDS (subscriptions). Environment: GQL_URL (default
 * http://localhost:4000/graphql), GQL_KEY (sent as Authorization: Bearer). Queries and mutations are
 * POSTed as JSON and the answer pretty-printed; a subscription prints each event as it arrives, over
 * graphql-ws on the same URL, until --count events, --timeout or Ctrl-C. Exit status: 0 without
 * errors, 1 when the answer has `errors` (or HTTP is not 2xx, or the server is unreachable), 2 for a
 * usage error. -h/--help prints the options on stdout and exits 0.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const USAGE = `usage: npm run gql -- [-f FILE | -q QUERY | FILE] [--var name=value] [--var name:=json]
                      [--variables JSON] [--operation NAME] [--count N] [--timeout SECONDS]
       (the operation is read from stdin when no file or query is given)`;

const HELP = `${USAGE}

Sends one GraphQL operation to the gateway and pretty-prints the answer. A subscription prints each
event as it arrives, over graphql-ws on the same URL, until --count events, --timeout or Ctrl-C.

  -f, --file FILE      the operation from FILE (also FILE alone); relative to where you are
  -q, --query TEXT     the operation as an argument
  --var name=value     a string variable (repeat for more)
  --var name:=json     a JSON variable: a number, true, an object… (repeat for more)
  --variables JSON     the variables as one JSON object
  --operation NAME     which operation of the document to run
  --count N            subscriptions: exit 0 after N events
  --timeout SECONDS    subscriptions: stop after SECONDS (exit 1 if --count events had not come)
  -h, --help           this help

Environment: GQL_URL (default http://localhost:4000/graphql), GQL_KEY (sent as Authorization: Bearer).
Exit status: 0 without errors; 1 when the answer has errors, HTTP is not 2xx or the gateway is
unreachable; 2 for a usage error. npm run -s gql leaves out npm's own header lines.`;

class UsageError extends Error {}
/** -h/--help: not an error; the help goes to stdout and the exit status is 0. */
class HelpRequested extends Error {}

function parseArgs(argv) {
  const options = { variables: {}, file: undefined, query: undefined, operationName: undefined, count: undefined, timeoutSeconds: undefined };
  const next = (i, flag) => {
    if (i + 1 >= argv.length) throw new UsageError(`${flag} needs a value`);
    return argv[i + 1];
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help') throw new HelpRequested();
    else if (arg === '-f' || arg === '--file') options.file = next(i++, arg);
    else if (arg === '-q' || arg === '--query') options.query = next(i++, arg);
    else if (arg === '--operation') options.operationName = next(i++, arg);
    else if (arg === '--var') Object.assign(options.variables, parseVar(next(i++, arg)));
    else if (arg === '--variables') Object.assign(options.variables, parseJsonObject(next(i++, arg), '--variables'));
    else if (arg === '--count') options.count = positive(next(i++, arg), arg);
    else if (arg === '--timeout') options.timeoutSeconds = positive(next(i++, arg), arg);
    else if (!arg.startsWith('-') && options.file === undefined) options.file = arg;
    else throw new UsageError(`unknown argument ${arg}`);
  }
  if (options.file !== undefined && options.query !== undefined) throw new UsageError('give a file or a query, not both');
  return options;
}

/** `name=text` is a string; `name:=json` is any JSON value (numbers, booleans, objects). */
function parseVar(spec) {
  const match = /^([_A-Za-z][_0-9A-Za-z]*)(:?=)(.*)$/s.exec(spec);
  if (!match) throw new UsageError(`--var takes name=value or name:=json, not ${JSON.stringify(spec)}`);
  const [, name, op, raw] = match;
  if (op === '=') return { [name]: raw };
  try {
    return { [name]: JSON.parse(raw) };
  } catch {
    throw new UsageError(`--var ${name}:= needs JSON after :=`);
  }
}

function parseJsonObject(text, flag) {
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UsageError(`${flag} is not valid JSON`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new UsageError(`${flag} must be a JSON object`);
  return value;
}

function positive(text, flag) {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} must be a positive number`);
  return n;
}

/** Relative paths are the caller's: npm runs scripts from the package root, INIT_CWD is where you were. */
function readQuery(options) {
  if (options.query !== undefined) return options.query;
  if (options.file !== undefined) return readFileSync(resolve(process.env.INIT_CWD ?? process.cwd(), options.file), 'utf8');
  if (process.stdin.isTTY) throw new UsageError('no operation: pipe one in, or give -f FILE or -q QUERY');
  return readFileSync(0, 'utf8');
}

/** Whether the operation to run is a subscription (the named one, or the only one). */
function isSubscription(query, operationName) {
  const operations = [...query.replace(/#[^\n]*/g, '').matchAll(/(?:^|[\s}])(query|mutation|subscription)\b\s*([_A-Za-z][_0-9A-Za-z]*)?/g)];
  const chosen = operationName ? operations.find((m) => m[2] === operationName) : operations[0];
  return chosen?.[1] === 'subscription';
}

function headers() {
  const result = { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' };
  if (process.env.GQL_KEY) result.authorization = `Bearer ${process.env.GQL_KEY}`;
  return result;
}

async function send(url, payload) {
  const response = await fetch(url, { method: 'POST', headers: headers(), body: JSON.stringify(payload) });
  const text = await response.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    console.error(`HTTP ${response.status}: the answer is not JSON`);
    console.error(text.slice(0, 500));
    return 1;
  }
  console.log(JSON.stringify(body, null, 2));
  if (!response.ok) console.error(`HTTP ${response.status}`);
  return response.ok && !body.errors?.length ? 0 : 1;
}

async function subscribe(url, payload, options) {
  const { createClient } = await import('graphql-ws');
  const { default: WebSocket } = await import('ws');
  const client = createClient({
    url: url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: process.env.GQL_KEY ? { authorization: `Bearer ${process.env.GQL_KEY}` } : {},
    retryAttempts: 0,
  });
  let received = 0;
  const code = await new Promise((done) => {
    const timer =
      options.timeoutSeconds &&
      setTimeout(() => {
        console.error(`no more events within ${options.timeoutSeconds} s (${received} received)`);
        done(options.count ? 1 : 0);
      }, options.timeoutSeconds * 1000);
    const finish = (status) => {
      if (timer) clearTimeout(timer);
      done(status);
    };
    process.once('SIGINT', () => finish(0));
    client.subscribe(payload, {
      next: (result) => {
        console.log(JSON.stringify(result, null, 2));
        if (result.errors?.length) return finish(1);
        if (options.count && ++received >= options.count) finish(0);
      },
      error: (error) => {
        console.error('subscription failed:', error instanceof Error ? error.message : (error?.reason ?? error?.code ?? JSON.stringify(error)));
        finish(1);
      },
      complete: () => finish(0),
    });
  });
  await client.dispose();
  return code;
}

async function main() {
  let options;
  let query;
  try {
    options = parseArgs(process.argv.slice(2));
    query = readQuery(options);
    if (!query.trim()) throw new UsageError('the operation is empty');
  } catch (error) {
    if (error instanceof HelpRequested) {
      console.log(HELP);
      return 0;
    }
    if (!(error instanceof UsageError)) throw error;
    if (error.message) console.error(`gql: ${error.message}`);
    console.error(USAGE);
    return 2;
  }
  const url = process.env.GQL_URL || 'http://localhost:4000/graphql';
  const payload = { query, variables: options.variables, ...(options.operationName ? { operationName: options.operationName } : {}) };
  try {
    return isSubscription(query, options.operationName) ? await subscribe(url, payload, options) : await send(url, payload);
  } catch (error) {
    console.error(`gql: cannot reach ${url}: ${error.cause?.code ?? error.message} (is the gateway running? npm start)`);
    return 1;
  }
}

process.exitCode = await main();
