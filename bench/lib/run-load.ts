/** Runs the load generator (`bench/load.ts`) in its own process, for the benchmark and the profiler. */
import { spawn } from 'node:child_process';
import type { LoadResult, LoadSpec } from '../load.js';
import { cpuMicros, ROOT, type Proc } from './proc.js';

/**
 * Loads a server with `spec` and measures its CPU time over the measured part (after the warm-up).
 * Any failed request is fatal: a benchmark of failing operations measures nothing.
 */
export async function runLoad(spec: LoadSpec, server: Proc | undefined): Promise<LoadResult & { cpuUs?: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/load.ts', JSON.stringify(spec)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let cpuStart: number | undefined;
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (cpuStart === undefined && server && out.includes('MEASURE')) cpuStart = cpuMicros(server.pid);
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const cpuEnd = server ? cpuMicros(server.pid) : undefined;
  const match = out.match(/RESULT (\{.*\})/);
  if (code !== 0 || !match) throw new Error(`load generator failed (${code}): ${err.slice(-2000)}`);
  const result = JSON.parse(match[1]!) as LoadResult;
  if (result.failed > 0) throw new Error(`${result.failed} requests failed against ${spec.url}: ${result.sample}`);
  return { ...result, cpuUs: cpuStart !== undefined && cpuEnd !== undefined ? cpuEnd - cpuStart : undefined };
}
