import { defineConfig } from 'vitest/config';
import { cloudflareTest } from '@cloudflare/vitest-plugin';

export default defineConfig({
  test: {
    projects: [
      {
        test: { name: 'node', include: ['test/**/*.test.ts'], exclude: ['test/worker/**'], testTimeout: 300_000, hookTimeout: 300_000 },
      },
      {
        // The inner loop (`npm run test:unit`): the core in process, no CLIs, bundles or workerd.
        test: { name: 'unit', include: ['test/{model,tasks,data,train}/**/*.test.ts'], testTimeout: 300_000, hookTimeout: 300_000 },
      },
      {
        // Runs inside workerd (the Workers runtime) with the worker's wrangler.toml bindings.
        plugins: [cloudflareTest({ wrangler: { configPath: './wrangler.toml' } })],
        test: { name: 'workerd', include: ['test/worker/**/*.test.ts'], testTimeout: 300_000, hookTimeout: 300_000 },
      },
    ],
  },
});
