/**
 * Child processes of the benchmark (sandboxes, gateway, baselines, load generator) and what Linux says
 * about them: CPU time from /proc/<pid>/stat, peak RSS from /proc/<pid>/status (VmHWM), reset between
 * cases through /proc/<pid>/clear_refs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Clock ticks per second of utime/stime in /proc/<pid>/stat (USER_HZ; 100 on every Linux we run on). */
const USER_HZ = 100;

export interface Proc {
  name: string;
  pid: number;
  child: ChildProcess;
  /** Resolves with the first stdout or stderr line matching `ready`. */
  ready: Promise<RegExpMatchArray>;
  /** Everything the process wrote on stderr (for crash reports). */
  stderr(): string;
  stop(): Promise<void>;
}

const running = new Set<Proc>();

/**
 * Runs a TypeScript file with `node --import tsx` (one process, so the pid is the server itself, not a
 * tsx wrapper), or a `.js` file (the production build) with plain `node`. `ready` matches a stdout or
 * stderr line that says the process is listening.
 */
export function startTs(name: string, file: string, env: Record<string, string>, ready: RegExp, nodeArgs: string[] = []): Proc {
  const child = spawn(process.execPath, [...(file.endsWith('.js') ? [] : ['--import', 'tsx']), ...nodeArgs, file], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  let out = '';
  let matched = false;
  const proc: Proc = {
    name,
    pid: child.pid!,
    child,
    ready: new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} did not start within 60 s\n${err}`)), 60_000);
      // Until ready, each stream is searched on its own (the gateway prints its banner on stderr).
      const watch = (chunk: string, stream: string): string => {
        const text = stream + chunk;
        if (!matched) {
          const match = text.match(ready);
          if (match) {
            matched = true;
            clearTimeout(timer);
            resolve(match);
          }
        }
        return text.length > 100_000 ? text.slice(-10_000) : text;
      };
      child.stdout!.on('data', (chunk: Buffer) => (out = watch(chunk.toString(), out)));
      child.stderr!.on('data', (chunk: Buffer) => {
        err = watch(chunk.toString(), err);
        if (err.length > 20_000) err = err.slice(-20_000);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited (${code}) before it was ready\n${err}`));
      });
    }),
    stderr: () => err,
    stop: () =>
      new Promise<void>((resolve) => {
        running.delete(proc);
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
  proc.ready.catch(() => undefined);
  running.add(proc);
  child.once('exit', (code, signal) => {
    if (running.has(proc) && code !== 0) {
      console.error(`\n${name} (pid ${proc.pid}) died: exit ${code} ${signal ?? ''}\n${err.slice(-4000)}`);
    }
  });
  return proc;
}

/** Stops every process still running (on exit or on a crash). */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop()));
}

/** utime + stime of a process, in microseconds. */
export function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1_000_000) / USER_HZ;
}

function statusKb(pid: number, key: string): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = status.match(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm'));
  return match ? Number(match[1]) : NaN;
}

/** Peak resident set size since start or the last `resetPeakRss`, in MiB. */
export function peakRssMb(pid: number): number {
  return statusKb(pid, 'VmHWM') / 1024;
}

export function rssMb(pid: number): number {
  return statusKb(pid, 'VmRSS') / 1024;
}

/** Starts the peak RSS over from the current RSS (Linux ≥ 4.0: `echo 5 > /proc/<pid>/clear_refs`). */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
