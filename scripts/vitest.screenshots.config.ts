import { defineConfig } from 'vitest/config';

/** `npm run screenshots`: the README's console screenshots, with the test database's template (not in `npm test`). */
export default defineConfig({
  test: {
    include: ['scripts/screenshots.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
  },
});
