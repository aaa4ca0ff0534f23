import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Classic JSX as in the build (../vite.config.ts), so each .tsx file imports `h` from preact.
  oxc: { jsx: { runtime: 'classic', pragma: 'h' } },
  test: {
    include: ['src/**/*.test.{ts,tsx}'],
    environment: 'happy-dom',
    restoreMocks: true
  }
});
