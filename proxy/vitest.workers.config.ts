import { fileURLToPath } from 'node:url';

import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

import { stageWorkerAssets } from './src/adapters/stage-worker-assets.js';

/**
 * The `proxy-workerd` suite: the Worker entry, its Durable Objects and Queues, run inside workerd
 * by @cloudflare/vitest-pool-workers against the emulator, which `global-setup.ts` starts in Node.
 */

// Wrangler runs this as its build command; the pool reads wrangler.toml without running it.
stageWorkerAssets();

export default defineConfig({
  resolve: {
    // The same module alias as `[alias]` in wrangler.toml, which the pool does not apply.
    alias: { 'leadsync-forms': fileURLToPath(new URL('./config/forms.demo.json', import.meta.url)) },
  },
  test: {
    include: ['test-workers/**/*.test.ts'],
    globalSetup: ['./test-workers/global-setup.ts'],
  },
  plugins: [
    cloudflareTest(({ inject }) => ({
      main: './src/adapters/worker.ts',
      wrangler: { configPath: './wrangler.toml' },
      miniflare: {
        bindings: {
          MARKETO_SOAP_ENDPOINT: `${inject('emulatorUrl')}/soap/mktows/2_9`,
          MARKETO_REST_ENDPOINT: inject('emulatorUrl'),
          MARKETO_ENCRYPTION_KEY: 'demo-encryption-key',
          MARKETO_CLIENT_SECRET: 'demo-client-secret',
          ALLOWED_ORIGINS: 'https://www.example.test',
        },
      },
    })),
  ],
});
