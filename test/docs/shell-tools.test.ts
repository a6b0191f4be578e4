/**
 * The shell tools the docs hand a new user behave as written: `npm run gql -- --help` prints the usage
 * and exits 0 (a usage error still exits 2), and docs/graphql-clients.md's "Try it" works in a plain
 * shell where GQL_URL is unset (it defaults to npm start's gateway) and fails loudly, naming the cause,
 * when the gateway cannot be reached.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { blocksOf } from './blocks.js';
import { BashSession } from './session.js';

const ROOT = process.cwd();

/** The environment of a plain shell: no GQL_URL or key from whoever runs the tests. */
function plainEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { GQL_URL: _url, GQL_KEY: _key, ...env } = process.env;
  return { ...env, NO_COLOR: '1', ...extra };
}

function run(command: string, args: string[], env = plainEnv()): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('npm run gql -- --help', () => {
  it('prints the usage, every option and the environment on stdout, and exits 0', async () => {
    const { code, stdout, stderr } = await run('npm', ['run', 'gql', '--', '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('usage: npm run gql --');
    for (const option of [
      '--file',
      '--query',
      '--var name=value',
      '--var name:=json',
      '--variables',
      '--operation',
      '--count',
      '--timeout',
      'GQL_URL',
      'GQL_KEY',
    ]) {
      expect(stdout).toContain(option);
    }
    expect(stderr).not.toContain('gql:');
  });

  it('-h is the same help, exit 0', async () => {
    const long = await run('node', ['scripts/gql.mjs', '--help']);
    const short = await run('node', ['scripts/gql.mjs', '-h']);
    expect(short.code).toBe(0);
    expect(short.stdout).toBe(long.stdout);
  });

  it('a usage error still exits 2, with the reason and the usage on stderr and nothing on stdout', async () => {
    const { code, stdout, stderr } = await run('node', ['scripts/gql.mjs', '--no-such-option']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('gql: unknown argument --no-such-option');
    expect(stderr).toContain('usage: npm run gql --');
  });
});

describe('docs/graphql-clients.md "Try it" in a plain shell', () => {
  const block = blocksOf(ROOT, 'docs/graphql-clients.md').find((b) => b.kind === 'shell' && b.code.includes('documentId'));
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  }, 30_000);
  afterAll(async () => {
    await gw?.close();
  });

  it('with GQL_URL unset, defaults to the gateway of npm start and runs by id (localhost:4000 is this gateway here)', async () => {
    expect(block, 'the "Try it" block').toBeDefined();
    expect(block!.code).toMatch(/GQL_URL=\$\{GQL_URL:-http:\/\/localhost:4000\/graphql\}/);
    const shell = new BashSession(ROOT, plainEnv());
    try {
      const code = block!.code.replace(/\blocalhost:4000\b/g, `127.0.0.1:${new URL(gw.url).port}`);
      const result = await shell.run(code, 30_000);
      expect(result.failures, result.output).toEqual([]);
      expect(result.output).toContain('PERSISTED_QUERY_NOT_FOUND');
      expect(result.output.match(/"amount"/g)?.length).toBeGreaterThanOrEqual(2);
    } finally {
      shell.close();
    }
  });

  it('with no gateway at GQL_URL, the first command fails and says why', async () => {
    const shell = new BashSession(ROOT, plainEnv({ GQL_URL: `http://127.0.0.1:${await closedPort()}/graphql` }));
    try {
      const result = await shell.run(block!.code, 30_000);
      expect(result.failures.length).toBeGreaterThan(0);
      // curl's own reason, once per request: nothing passes silently.
      expect(result.output.match(/curl: \(7\)[^\n]*127\.0\.0\.1/g)).toHaveLength(3);
    } finally {
      shell.close();
    }
  });
});
