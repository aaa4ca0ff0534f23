/**
 * `pnpm start`: builds the widget, starts the Marketo emulator, the proxy and the demo site,
 * prints their addresses, and stops all three on Ctrl-C.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT, startStack } from './stack.ts';

const build = spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], {
  cwd: REPO_ROOT,
  stdio: 'inherit',
});
if (build.status !== 0) {
  console.error('The widget build failed (see above); fix it and run `pnpm start` again.');
  process.exit(1);
}

const extraMounts = process.env.LEADSYNC_E2E_PAGES ? { '/e2e': join(REPO_ROOT, 'e2e/pages') } : undefined;
const stack = await startStack({ env: process.env, extraMounts }).catch((error: unknown) => {
  console.error(`Could not start the demo: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

console.log(`
Leadsync demo is running (Marketo API: ${stack.env.MARKETO_API})
  Demo site          ${stack.demoUrl}/
  Lead inspector     ${stack.emulatorUrl}/
  Proxy              ${stack.proxyUrl}/healthz
  Marketo endpoint   ${stack.env.MARKETO_API === 'rest' ? `${stack.env.MARKETO_REST_ENDPOINT}/rest/v1/leads.json` : stack.env.MARKETO_SOAP_ENDPOINT}
Press Ctrl-C to stop.
`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log('Stopping the demo…');
    stack.stop().then(() => process.exit(0));
  });
}
