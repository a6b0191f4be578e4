/** The doc-test's own checks can fail: a failing command in a block is caught, state carries over. */
import { afterAll, describe, expect, it } from 'vitest';
import { BashSession } from './session.js';
import { extractBlocks } from './blocks.js';

describe('the doc-test bash session', () => {
  const shell = new BashSession(process.cwd(), process.env);
  afterAll(() => shell.close());

  it('reports a failing command, a failing pipeline stage and a failure inside a function', async () => {
    expect((await shell.run('true\necho ok\n', 10_000)).failures).toEqual([]);
    expect((await shell.run('false\necho after\n', 10_000)).failures).toHaveLength(1);
    expect((await shell.run('curl -s http://127.0.0.1:1/ | cat\n', 10_000)).failures.length).toBeGreaterThan(0);
    expect((await shell.run('f() { grep -q needle <<< haystack; }\nf\n', 10_000)).failures.length).toBeGreaterThan(0);
  });

  it('keeps variables between blocks, and times out a block that never ends', async () => {
    await shell.run('DOC_TEST_X=42\n', 10_000);
    expect((await shell.run('echo "x=$DOC_TEST_X"\n', 10_000)).output).toContain('x=42');
    const hung = new BashSession(process.cwd(), process.env);
    try {
      expect((await hung.run('sleep 30\n', 500)).timedOut).toBe(true);
    } finally {
      hung.close();
    }
  });
});

describe('block extraction', () => {
  it('reads languages, skip reasons, variables after a graphql block and invalid directives', () => {
    const blocks = extractBlocks(
      'x.md',
      [
        '<!-- doc-test: skip (starts a server) -->',
        '```bash',
        'npm start',
        '```',
        '',
        '```graphql',
        'query($id: ID!) { payment(id: $id) { id } }',
        '```',
        '',
        '```json',
        '{ "id": "1" }',
        '```',
        '',
        '<!-- doc-test: skip () -->',
        '```ts',
        'x',
        '```',
      ].join('\n'),
    );
    expect(blocks.map((b) => [b.lang, b.kind, b.directive?.kind])).toEqual([
      ['bash', 'shell', 'skip'],
      ['graphql', 'graphql', undefined],
      ['json', 'variables', undefined],
      ['ts', 'unknown', 'invalid'],
    ]);
    expect(blocks[0]!.directive).toEqual({ kind: 'skip', reason: 'starts a server' });
    expect(blocks[1]!.variables?.code).toContain('"id": "1"');
  });
});
