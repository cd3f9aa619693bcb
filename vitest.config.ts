import { defineConfig } from 'vitest/config'

// Unit tests: domain modules, api handlers, hosts, contract. Browser tests live in vitest.e2e.config.ts.
export default defineConfig({
  test: {
    include: ['{contract,main,preload,renderer,bench}/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    env: { WORKBENCH_VALIDATE_RESULTS: '1' }
  }
})
