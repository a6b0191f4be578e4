/**
 * The doc-test: every code block of README.md and docs/** runs as written against a freshly started
 * gateway over freshly started sandboxes (one fresh set per document, in this process, wired as
 * `npm start` wires its embedded sandboxes, with the sandbox clock pinned at SANDBOX_NOW as the
 * walk-throughs start it), and no document's flows make the gateway count a wire surprise (the built-in
 * sandboxes answer what the clients expect). See ./blocks.ts for what each kind of block must do and how
 * to skip one.
 *
 * Ports: the examples name the usual ones (gateway localhost:4000, sandboxes 127.0.0.1:4101–4103, a
 * demo receiver on 4199). Here everything listens on free ports, so before a block runs its text has
 * those host:port pairs replaced with the real ones, and GQL_URL points `npm run gql` at this gateway.
 */
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { pointSandboxNotificationsAt } from '../../src/embedded.js';
import { blocksOf, documents, type DocBlock } from './blocks.js';
import { BashSession } from './session.js';
import type { MemoryEventBus } from '../../src/events/bus.js';

const ROOT = process.cwd();
const SHELL_BLOCK_TIMEOUT_MS = 90_000;

interface Environment {
  gw: TestGateway;
  ports: Record<string, number>;
  shell: BashSession;
  subscriptions: { block: DocBlock; events: unknown[]; errors: unknown[]; client: Client }[];
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** `localhost:4000` → the gateway's real address, and likewise for the sandboxes and the receiver. */
function withRealPorts(text: string, ports: Record<string, number>): string {
  return text
    .replace(/\b(?:localhost|127\.0\.0\.1):(4000|4101|4102|4103|4199)\b/g, (_match, port: string) => `127.0.0.1:${ports[port]}`)
    .replace(/(['"])127\.0\.0\.1\1,\s*(4199)\b/g, (_match, quote: string, port: string) => `${quote}127.0.0.1${quote}, ${ports[port]}`); // a receiver's (host, port)
}

async function startEnvironment(): Promise<Environment> {
  const gw = await startTestGateway({ publicUrlIsGateway: true });
  await pointSandboxNotificationsAt(gw.config, gw.sandboxes);
  const port = (url: string) => Number(new URL(url).port);
  const ports = {
    '4000': port(gw.url),
    '4101': port(gw.sandboxes.telepagos.url),
    '4102': port(gw.sandboxes.talo.url),
    '4103': port(gw.sandboxes.tupay.url),
    '4199': await freePort(),
  };
  const { GQL_KEY: _key, PASARELA_KEY: _pkey, ...env } = process.env;
  const shell = new BashSession(ROOT, { ...env, GQL_URL: `${gw.url}/graphql`, NO_COLOR: '1' });
  return { gw, ports, shell, subscriptions: [] };
}

const where = (block: DocBlock) => `${block.file}:${block.line}`;

function gitStatus(): string | undefined {
  try {
    return execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: ROOT, encoding: 'utf8' });
  } catch {
    return undefined; // not a git checkout: nothing to compare
  }
}

async function runGraphQL(env: Environment, block: DocBlock): Promise<void> {
  const variables = block.variables ? (JSON.parse(block.variables.code) as Record<string, unknown>) : undefined;
  if (/^\s*(#[^\n]*\n\s*)*subscription\b/.test(block.code)) return openSubscription(env, block, variables);
  const { status, body } = await env.gw.query(block.code, variables);
  if (block.directive?.kind === 'expect-errors') {
    expect(body.errors?.length, `${where(block)} is marked as showing an error`).toBeGreaterThan(0);
    return;
  }
  expect(body.errors, `${where(block)} answered errors`).toBeUndefined();
  expect(status).toBe(200);
}

/** Opened over graphql-ws and kept open while the rest of the document runs: it must see an event. */
async function openSubscription(env: Environment, block: DocBlock, variables?: Record<string, unknown>): Promise<void> {
  const client = createClient({ url: env.gw.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false });
  const entry = { block, events: [] as unknown[], errors: [] as unknown[], client };
  env.subscriptions.push(entry);
  const before = subscribers(env);
  client.subscribe(
    { query: block.code, variables },
    {
      next: (result) => (result.errors ? entry.errors.push(...result.errors) : entry.events.push(result.data)),
      error: (error) => entry.errors.push(error),
      complete: () => undefined,
    },
  );
  const deadline = Date.now() + 10_000;
  while (subscribers(env) <= before && entry.errors.length === 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  expect(entry.errors, `${where(block)}: the subscription failed`).toEqual([]);
  expect(subscribers(env), `${where(block)}: the subscription did not start`).toBeGreaterThan(before);
}

/** Subscriptions open at the gateway (its state is in memory here). */
const subscribers = (env: Environment): number => (env.gw.gateway.events as MemoryEventBus).subscriberCount;

async function runShell(env: Environment, block: DocBlock): Promise<void> {
  const run = await env.shell.run(withRealPorts(block.code, env.ports), SHELL_BLOCK_TIMEOUT_MS);
  expect(run.timedOut, `${where(block)} did not finish in ${SHELL_BLOCK_TIMEOUT_MS / 1000} s\n${run.output}`).toBe(false);
  expect(run.failures, `${where(block)}: commands failed\n${run.output}`).toEqual([]);
}

const allDocuments = documents(ROOT);

describe('the Markdown code blocks', () => {
  it('each is runnable (graphql, bash, sh), a sample (text, json) or skipped with a reason', () => {
    const problems: string[] = [];
    for (const file of allDocuments) {
      for (const block of blocksOf(ROOT, file)) {
        const directive = block.directive;
        if (directive?.kind === 'invalid') problems.push(`${where(block)}: unknown doc-test directive "${directive.text}" (skip needs a reason: "skip (why)")`);
        if (block.kind === 'unknown' && directive?.kind !== 'skip') {
          problems.push(`${where(block)}: a \`${block.lang || 'no info string'}\` block must be bash, sh, graphql, text or json, or be skipped with a reason`);
        }
        if (directive?.kind === 'skip' && directive.reason.length < 10) problems.push(`${where(block)}: say why it is skipped`);
        if (directive?.kind === 'expect-errors' && block.kind !== 'graphql') problems.push(`${where(block)}: expect-errors is for graphql blocks`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('README.md and docs/ have runnable examples (the extraction finds them)', () => {
    const runnable = allDocuments
      .flatMap((file) => blocksOf(ROOT, file))
      .filter((b) => (b.kind === 'graphql' || b.kind === 'shell') && b.directive?.kind !== 'skip');
    // The README keeps the first query (a shell and a graphql block); the tour of every capability is docs/tour.md.
    expect(runnable.filter((b) => b.file === 'README.md' && b.kind === 'graphql').length).toBeGreaterThanOrEqual(1);
    expect(runnable.filter((b) => b.file === 'README.md' && b.kind === 'shell').length).toBeGreaterThanOrEqual(1);
    expect(runnable.filter((b) => b.file === 'docs/tour.md' && b.kind === 'graphql').length).toBeGreaterThanOrEqual(8);
    expect(runnable.filter((b) => b.kind === 'graphql').length).toBeGreaterThanOrEqual(20);
    expect(runnable.filter((b) => b.kind === 'shell').length).toBeGreaterThanOrEqual(30);
  });
});

for (const file of allDocuments) {
  const blocks = blocksOf(ROOT, file).filter((b) => b.kind === 'graphql' || b.kind === 'shell' || b.directive?.kind === 'skip');
  if (blocks.length === 0) continue;

  describe(file, () => {
    let env: Environment | undefined;
    let statusBefore: string | undefined;
    beforeAll(async () => {
      statusBefore = gitStatus();
      env = await startEnvironment();
    }, 30_000);
    afterAll(async () => {
      if (!env) return;
      env.shell.close();
      await Promise.all(env.subscriptions.map((s) => s.client.dispose()));
      await env.gw.close();
    }, 30_000);

    for (const block of blocks) {
      if (block.directive?.kind === 'skip') {
        it.skip(`${where(block)} (${block.lang}) — skipped: ${block.directive.reason}`, () => undefined);
        continue;
      }
      it(
        `${where(block)} (${block.lang}) runs`,
        async () => {
          if (!env) throw new Error('the environment did not start');
          if (block.kind === 'graphql') await runGraphQL(env, block);
          else await runShell(env, block);
        },
        SHELL_BLOCK_TIMEOUT_MS + 10_000,
      );
    }

    it(`${file}: every subscription received an event, no provider answer surprised the gateway, and no files were left in the repository`, async () => {
      if (!env) throw new Error('the environment did not start');
      for (const subscription of env.subscriptions) {
        const deadline = Date.now() + 10_000;
        while (subscription.events.length === 0 && subscription.errors.length === 0 && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        expect(subscription.errors, `${where(subscription.block)}: the subscription ended with errors`).toEqual([]);
        expect(subscription.events.length, `${where(subscription.block)}: no event arrived while the document ran`).toBeGreaterThan(0);
      }
      // The built-in sandboxes answer what the clients expect: a document's flows log no "provider answer differs".
      const surprises = (await env.gw.gateway.metrics.wireSurprises.get()).values.filter((sample) => sample.value > 0).map((sample) => sample.labels);
      expect(surprises, `${file}: wire surprises`).toEqual([]);
      expect(gitStatus()).toBe(statusBefore);
    }, 20_000);
  });
}
