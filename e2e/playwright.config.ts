import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from './support/browser.ts';
import { ports, urls } from './support/ports.ts';

const marketoApi = process.env.MARKETO_API ?? 'soap';
// Each run gets its own outbox file, so a submission queued in one run is never delivered into
// the next run's emulator. Set through the environment so Playwright's workers agree.
const outboxPath = (process.env.LEADSYNC_E2E_OUTBOX_PATH ??= join(tmpdir(), `leadsync-e2e-outbox-${process.pid}-${Date.now()}.sqlite`));
const executablePath = findChromium();
if (!executablePath) {
  throw new Error(
    'No Chromium found for the end-to-end tests. Install one: `pnpm --filter @leadsync/e2e exec playwright install chromium`, ' +
      'or on Debian/Ubuntu `apt-get install chromium`, or set CHROMIUM_PATH to a Chromium or Chrome binary.',
  );
}

export default defineConfig({
  testDir: './tests',
  workers: 1,
  retries: 0,
  timeout: 30_000,
  reporter: [['list']],
  use: {
    baseURL: urls.demo,
    headless: true,
    launchOptions: { executablePath, args: CHROMIUM_ARGS },
    trace: 'retain-on-failure',
  },
  webServer: {
    command: 'node --import tsx ../scripts/start.ts',
    url: `${urls.demo}/`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: process.env.LEADSYNC_E2E_LOGS ? 'pipe' : 'ignore',
    stderr: 'pipe',
    env: {
      EMULATOR_PORT: String(ports.emulator),
      PORT: String(ports.proxy),
      DEMO_PORT: String(ports.demo),
      MARKETO_API: marketoApi,
      LEADSYNC_E2E_PAGES: '1',
      LEADSYNC_MIN_FILL_MS: '0',
      LEADSYNC_OUTBOX_PATH: outboxPath,
      // Every spec submits from 127.0.0.1; the default of 60 per address and window would cap the
      // suite's size, not test anything (the proxy's own tests cover the limit).
      RATE_LIMIT_PER_ADDRESS: '600',
    },
  },
});
