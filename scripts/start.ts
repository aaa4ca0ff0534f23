/**
 * `pnpm start`: builds the widget, starts the Marketo emulator, the proxy and the demo site,
 * prints their addresses, and stops all three on Ctrl-C. `--help` prints the usage instead.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { demoEnvironment, REPO_ROOT, startStack } from './stack.ts';

const defaults = demoEnvironment({});
const USAGE = `Usage: pnpm start [--help]

Builds the widget, then starts the Marketo emulator, the proxy and the demo site on 127.0.0.1,
prints their addresses, and stops all three on Ctrl-C.

Environment variables (a variable already set wins over the demo default):
  EMULATOR_PORT       port of the Marketo emulator and its lead inspector (default ${defaults.EMULATOR_PORT})
  PORT                port of the proxy (default ${defaults.PORT})
  DEMO_PORT           port of the demo site (default ${defaults.DEMO_PORT})
  MARKETO_API         "soap" or "rest": the Marketo API the proxy calls (default ${defaults.MARKETO_API})
  LEADSYNC_E2E_PAGES  any non-empty value also serves the end-to-end test pages under /e2e
The Marketo credentials and endpoints, ALLOWED_ORIGINS and LEADSYNC_CONFIG get demo values when
unset; every other variable passes through to the emulator and the proxy.`;

exitOnArguments(process.argv.slice(2));

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

/**
 * Checks the arguments before anything is built or started: prints the usage and exits 0 for
 * `--help` or `-h`, exits 2 naming any other argument. It skips the `--` that `pnpm start -- --help` passes on.
 */
function exitOnArguments(args: readonly string[]): void {
  const scriptArguments = args.filter((arg) => arg !== '--');
  if (scriptArguments.some((arg) => arg === '--help' || arg === '-h')) {
    console.log(USAGE);
    process.exit(0);
  }

  if (scriptArguments.length > 0) {
    console.error(`Unknown argument ${JSON.stringify(scriptArguments[0])}: pnpm start accepts only --help. Set ports and the API with the variables below.\n\n${USAGE}`);
    process.exit(2);
  }
}
