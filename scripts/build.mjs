#!/usr/bin/env node
/**
 * `npm run build [-- tsc options]`: compiles src/ with `tsc -p tsconfig.build.json` plus the options
 * given (`--outDir "$RELEASE/dist"` for a release), then copies `operations/*.graphql` beside the compiled
 * code (`<outDir>/operations`), where the explorer finds its example tabs (src/explorer/tabs.ts), so a
 * release install, which holds dist/ and not the repository, shows them too.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);

/** The output folder: `--outDir X` / `--outDir=X` as tsc reads it (from the working folder), else tsconfig.build.json's. */
function outDir() {
  for (const [i, arg] of args.entries()) {
    if (arg === '--outDir' && args[i + 1]) return resolve(args[i + 1]);
    if (arg.startsWith('--outDir=')) return resolve(arg.slice('--outDir='.length));
  }
  return resolve(ROOT, JSON.parse(readFileSync(join(ROOT, 'tsconfig.build.json'), 'utf8')).compilerOptions.outDir);
}

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const compiled = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json'), ...args], { stdio: 'inherit' });
if (compiled.status !== 0) process.exit(compiled.status ?? 1);

const from = join(ROOT, 'operations');
const to = join(outDir(), 'operations');
rmSync(to, { recursive: true, force: true });
mkdirSync(to, { recursive: true });
for (const name of readdirSync(from).filter((file) => file.endsWith('.graphql'))) copyFileSync(join(from, name), join(to, name));
