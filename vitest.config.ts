import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // Exactly one graphql: Vite would give our sources graphql's ESM build while type-graphql, loaded by
    // Node, gets the CommonJS one, and GraphQL's instanceof checks fail across the two. Use Node's.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // Every test talks real HTTP on loopback; give slow CI machines some room without hiding hangs.
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Two cores: files run in parallel forks, each starting its own sandboxes on port 0.
    pool: 'forks',
  },
});
