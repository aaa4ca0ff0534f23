import preact from '@preact/preset-vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Prefresh (hot reload) would wrap components in the test server; tests need plain Preact.
  plugins: [preact({ prefreshEnabled: false })],
  test: {
    include: ['src/**/*.test.{ts,tsx}'],
    environment: 'happy-dom',
    restoreMocks: true
  }
});
