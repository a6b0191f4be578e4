import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Every test talks real HTTP on loopback; give slow CI machines some room without hiding hangs.
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Two cores: files run in parallel forks, each starting its own sandboxes on port 0.
    pool: 'forks',
  },
});
