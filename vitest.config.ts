import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// Three suites, one runner: core (plain Node), renderer components (jsdom),
// and the lab (real dockerd/sshd hosts; Linux + root only, slow).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'core',
          environment: 'node',
          include: ['src-main/**/*.test.ts', 'scripts/**/*.test.ts', 'test/unit/**/*.test.ts'],
          // Tests against real lab hosts are `*.lab.test.ts`; they run with the lab suites.
          exclude: ['**/*.lab.test.ts', '**/node_modules/**'],
        },
      },
      {
        plugins: [svelte()],
        resolve: { conditions: ['browser'] },
        test: {
          name: 'renderer',
          environment: 'jsdom',
          include: ['src-renderer/**/*.test.ts'],
          setupFiles: ['src-renderer/test-setup.ts'],
        },
      },
      {
        test: {
          name: 'lab',
          environment: 'node',
          include: ['test/lab/**/*.test.ts', 'src-main/**/*.lab.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 900_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
