/**
 * One bash session per document, as a reader's terminal: blocks run in order in the same shell, so
 * variables and functions carry over. Every command that fails (ERR trap, with pipefail and errtrace)
 * is reported with its block; the session's process group (background jobs too) is killed on close.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface BlockRun {
  /** Commands that failed: `line: command (status)`. */
  failures: string[];
  output: string;
  timedOut: boolean;
}

const DONE = '__DOC_TEST_DONE__';
const FAILED = '__DOC_TEST_FAILED__';

export class BashSession {
  private readonly bash: ChildProcessWithoutNullStreams;
  private readonly dir = mkdtempSync(join(tmpdir(), 'pasarela-doc-test-'));
  private stdout = '';
  private stderr = '';
  private count = 0;
  private exited = false;

  constructor(cwd: string, env: NodeJS.ProcessEnv) {
    this.bash = spawn('bash', ['--noprofile', '--norc'], { cwd, env, detached: true });
    this.bash.stdout.on('data', (chunk: Buffer) => (this.stdout += chunk.toString()));
    this.bash.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.bash.on('exit', () => (this.exited = true));
    this.bash.stdin.write(`set -o pipefail -E\ntrap 'printf "${FAILED} %s: %s (exit %s)\\n" "$LINENO" "$BASH_COMMAND" "$?" >&2' ERR\n`);
  }

  /** Runs one block (its stdin is /dev/null unless it redirects); resolves when it is done. */
  async run(code: string, timeoutMs: number): Promise<BlockRun> {
    const n = ++this.count;
    const file = join(this.dir, `block-${n}.sh`);
    writeFileSync(file, code);
    const marker = `${DONE} ${n}`;
    this.stdout = '';
    this.stderr = '';
    this.bash.stdin.write(`source ${file} </dev/null\nprintf '\\n${marker}\\n'; printf '\\n${marker}\\n' >&2\n`);
    const deadline = Date.now() + timeoutMs;
    while (!(this.stdout.includes(marker) && this.stderr.includes(marker)) && !this.exited && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const timedOut = !this.exited && !(this.stdout.includes(marker) && this.stderr.includes(marker));
    const stderr = this.stderr.split(marker)[0]!;
    const failures = stderr
      .split('\n')
      .filter((line) => line.startsWith(FAILED))
      .map((line) => line.slice(FAILED.length + 1));
    if (this.exited) failures.push('the shell exited');
    const output = `${this.stdout.split(marker)[0]!.trim()}\n--- stderr ---\n${stderr.trim()}`;
    return { failures, output, timedOut };
  }

  close(): void {
    try {
      if (this.bash.pid) process.kill(-this.bash.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
