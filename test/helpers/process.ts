/**
 * The gateway as a real process: `node --import tsx src/main.ts`, as `npm start` runs it, or an npm
 * script itself (`npm start`, `npm run start:prod`), with PORT=0 (a free port) and the embedded
 * sandboxes. Reads the URLs it prints; kills what is left in afterAll. The process tree under a pid comes
 * from /proc (Linux), for what an npm script starts below npm.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { waitFor } from './wait.js';

const ROOT = join(import.meta.dirname, '..', '..');

export interface GatewayProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /**
   * Resolves once the process has exited and its stdout and stderr have ended, so everything it wrote
   * is in stdout()/stderr() ('close', not 'exit': on 'exit' the last output may still be in the pipes).
   * A stream the test stopped reading never ends: use `child`'s 'exit' then.
   */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /**
   * The gateway's /graphql URL and the embedded sandboxes' URLs, once the whole announcement is printed
   * on stderr (the URL line and the sandboxes or providers lines are separate writes).
   */
  ready(timeoutMs?: number): Promise<{ graphql: string; telepagos?: string; talo?: string; tupay?: string }>;
}

const running = new Set<ChildProcess>();

/**
 * Starts src/main.ts with only the given environment (plus PATH/HOME), so nothing of the test runner's
 * environment (NODE_ENV=test, a REDIS_URL…) leaks in.
 */
export function spawnGateway(env: Record<string, string> = {}): GatewayProcess {
  return start(process.execPath, ['--import', 'tsx', 'src/main.ts'], ROOT, env);
}

/** `npm run <script>` in `cwd` (the checkout unless given), with only the given environment as above. */
export function spawnNpmScript(script: string, env: Record<string, string> = {}, cwd = ROOT): GatewayProcess {
  return start('npm', ['run', script], cwd, { npm_config_update_notifier: 'false', ...env });
}

function start(command: string, args: string[], cwd: string, env: Record<string, string>): GatewayProcess {
  const child = spawn(command, args, {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  child.once('exit', () => running.delete(child));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('close', (code, signal) => resolve({ code, signal }));
  });

  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    async ready(timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      let done = false;
      child.once('exit', () => (done = true));
      done ||= child.exitCode !== null || child.signalCode !== null;
      while (Date.now() < deadline && !done) {
        // The banner is on stderr (stdout carries only log lines).
        const graphql = /Pasarela gateway: (http:\/\/\S+\/graphql)/.exec(err)?.[1];
        // The sandboxes' lines (or the providers' line) come after the URL, each ended by a newline.
        const sandbox = (name: string) => new RegExp(`^\\s*${name}\\s+(http://\\S+)\\n`, 'm').exec(err)?.[1];
        if (graphql && (sandbox('Tupay') || /^Providers: .*\n/m.test(err))) {
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

/** A process as /proc shows it: its parent and its command line. */
export interface ProcessInfo {
  pid: number;
  ppid: number;
  args: string[];
}

function processInfo(pid: number): (ProcessInfo & { state: string }) | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ')'.
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, -1);
    return { pid, ppid: Number(ppid), args, state: state! };
  } catch {
    return undefined; // gone meanwhile
  }
}

/** Every process below `pid` (children, their children…), as running now. */
export function descendants(pid: number): ProcessInfo[] {
  const all = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => processInfo(Number(name)))
    .filter((info) => info !== undefined);
  const found: ProcessInfo[] = [];
  const parents = new Set([pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const info of all) {
      if (parents.has(info.ppid) && !parents.has(info.pid)) {
        parents.add(info.pid);
        found.push({ pid: info.pid, ppid: info.ppid, args: info.args });
        grew = true;
      }
    }
  }
  return found;
}

/** Whether `pid` still runs (an exited process its parent has not reaped yet, a zombie, does not). */
export function isRunning(pid: number): boolean {
  const info = processInfo(pid);
  return info !== undefined && info.state !== 'Z';
}

/**
 * Sends SIGTERM to npm alone and waits until every process it had started (`started`) has ended: what
 * a container runtime or process manager does with `npm run …`. Whatever is left is killed afterwards,
 * so a failing test leaves nothing running. Answers npm's own exit.
 */
export async function terminateThroughNpm(
  npm: GatewayProcess,
  started: readonly ProcessInfo[],
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  try {
    if (!npm.child.kill('SIGTERM')) throw new Error('npm could not be sent SIGTERM');
    await waitFor(`the processes under npm to end (${started.map((p) => p.args.join(' ')).join('; ')})`, () => started.every((p) => !isRunning(p.pid)), 15_000);
    return await npm.exited;
  } finally {
    for (const { pid } of started) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
  }
}
