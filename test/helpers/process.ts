/**
 * The gateway as a real process: `node --import tsx src/main.ts`, as `npm start` runs it, with PORT=0
 * (a free port) and the embedded sandboxes. Reads the URLs it prints; kills what is left in afterAll.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

export interface GatewayProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The gateway's /graphql URL and the embedded sandboxes' URLs, once printed. */
  ready(timeoutMs?: number): Promise<{ graphql: string; telepagos?: string; talo?: string; tupay?: string }>;
}

const running = new Set<ChildProcess>();

/**
 * Starts src/main.ts with only the given environment (plus PATH/HOME), so nothing of the test runner's
 * environment (NODE_ENV=test, a REDIS_URL…) leaks in.
 */
export function spawnGateway(env: Record<string, string> = {}): GatewayProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
  });

  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    async ready(timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      let done = false;
      void exited.then(() => (done = true));
      while (Date.now() < deadline && !done) {
        const graphql = /Pasarela gateway: (http:\/\/\S+\/graphql)/.exec(out)?.[1];
        if (graphql) {
          const sandbox = (name: string) => new RegExp(`^\\s*${name}\\s+(http://\\S+)`, 'm').exec(out)?.[1];
          return { graphql, telepagos: sandbox('TelePagos'), talo: sandbox('Talo'), tupay: sandbox('Tupay') };
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`the gateway did not print its URL (${done ? 'it exited' : 'timeout'})\nstdout:\n${out}\nstderr:\n${err}`);
    },
  };
}

/** Kills (SIGKILL, by pid) every gateway process a test file started and that is still running. */
export function killGatewaysAfterAll(): void {
  afterAll(async () => {
    const left = [...running];
    for (const child of left) child.kill('SIGKILL');
    await Promise.all(
      left.map((child) => new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(null) : child.once('exit', resolve)))),
    );
  });
}
