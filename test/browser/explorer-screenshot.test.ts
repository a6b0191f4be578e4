/**
 * scripts/explorer-screenshot.ts, which retakes the README's docs/explorer.png, still works against the
 * explorer as it is now: run as documented (into a temporary file here), it exits 0 only after seeing the
 * activity result, the docs' root fields and the X-Request-Id on screen, and writes a 1440×860 PNG.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'pasarela-explorer-shot-'));

describe('scripts/explorer-screenshot.ts', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a 1440×860 PNG of the explorer after checking what it shows', async () => {
    const out = join(dir, 'explorer.png');
    const child = spawn('npx', ['tsx', 'scripts/explorer-screenshot.ts', out], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, output).toBe(0);
    expect(output).toContain(`wrote ${out} (1440×860)`);
    expect(existsSync(out)).toBe(true);
    const png = readFileSync(out);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    // The IHDR chunk: width and height, big-endian, at bytes 16 and 20.
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1440, 860]);
  }, 90_000);
});
