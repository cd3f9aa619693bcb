import { defineConfig } from 'vitest/config'

// End-to-end tests: real Chromium (Debian's) against the web host built by `npm run build`,
// and Playwright's Electron driver where the Electron binary exists.
export default defineConfig({
  test: {
    include: ['e2e/**/*.test.ts'],
    globalSetup: ['e2e/support/global-setup.ts'],
    environment: 'node',
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 180_000,
    env: { WORKBENCH_VALIDATE_RESULTS: '1' }
  }
})
