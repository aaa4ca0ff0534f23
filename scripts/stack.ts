/**
 * Starts the local stack (Marketo emulator, proxy, demo site) as `pnpm start` and the
 * end-to-end tests run it. Every proxy and emulator variable gets a demo default; a variable
 * already set in the environment wins.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { startStaticServer, type RunningServer } from './static-server.ts';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface StackOptions {
  env: NodeJS.ProcessEnv;
  /** Extra static mounts for the demo server, for example the e2e test pages. */
  extraMounts?: Record<string, string>;
  /** Receives every output line of the child services, prefixed with the service name. */
  log?: (line: string) => void;
}

export interface RunningStack {
  emulatorUrl: string;
  proxyUrl: string;
  demoUrl: string;
  env: Record<string, string>;
  stop(): Promise<void>;
}

const DEFAULT_PORTS = { EMULATOR_PORT: '8790', PORT: '8787', DEMO_PORT: '5173' };

/** Fills in the demo ports and credentials; values already set in `env` win. */
export function demoEnvironment(env: NodeJS.ProcessEnv): Record<string, string> {
  const emulatorPort = env.EMULATOR_PORT ?? DEFAULT_PORTS.EMULATOR_PORT;
  const demoPort = env.DEMO_PORT ?? DEFAULT_PORTS.DEMO_PORT;
  const emulatorUrl = `http://127.0.0.1:${emulatorPort}`;
  const defaults: Record<string, string> = {
    EMULATOR_PORT: emulatorPort,
    PORT: DEFAULT_PORTS.PORT,
    DEMO_PORT: demoPort,
    MARKETO_API: 'soap',
    MARKETO_SOAP_ENDPOINT: `${emulatorUrl}/soap/mktows/2_9`,
    MARKETO_USER_ID: 'leadsync_demo_1A2B3C4D5E6F',
    MARKETO_ENCRYPTION_KEY: 'demo-encryption-key',
    MARKETO_REST_ENDPOINT: emulatorUrl,
    MARKETO_CLIENT_ID: 'demo-client-id',
    MARKETO_CLIENT_SECRET: 'demo-client-secret',
    MARKETO_MUNCHKIN_ID: '123-ABC-456',
    ALLOWED_ORIGINS: `http://127.0.0.1:${demoPort},http://localhost:${demoPort}`,
    LEADSYNC_CONFIG: join(REPO_ROOT, 'proxy/config/forms.demo.json'),
  };
  const merged: Record<string, string> = {};
  for (const [name, value] of Object.entries({ ...defaults, ...env })) {
    if (value !== undefined) merged[name] = value;
  }
  return merged;
}

const PORT_VARIABLES = ['EMULATOR_PORT', 'PORT', 'DEMO_PORT'] as const;

/** Fails, naming the variable, when a port is not a number from 1 to 65535 or two services share one. */
function assertDistinctPorts(env: Record<string, string>): void {
  const owners = new Map<string, string>();
  for (const variable of PORT_VARIABLES) {
    const port = env[variable]!;
    if (!/^[0-9]+$/.test(port) || Number(port) < 1 || Number(port) > 65_535) {
      throw new Error(`${variable}="${port}" is invalid: expected a port number from 1 to 65535, e.g. ${variable}=${DEFAULT_PORTS[variable]}.`);
    }
    const owner = owners.get(String(Number(port)));
    if (owner !== undefined) {
      throw new Error(`${owner} and ${variable} are both ${port}: the emulator, the proxy and the demo need three different ports, e.g. ${variable}=${Number(port) + 1000}.`);
    }
    owners.set(String(Number(port)), variable);
  }
}

/**
 * Fails, naming the variable, when something already listens on the port. Without this check the
 * health checks below would reach that other server and the demo would run wired to it.
 */
async function assertPortFree(variable: string, port: string): Promise<void> {
  const probe = createServer();
  await new Promise<void>((resolveProbe, rejectProbe) => {
    probe.once('error', (error: NodeJS.ErrnoException) => {
      const fix = `Stop the process that uses it, or choose another port, e.g. ${variable}=${Number(port) + 1000} pnpm start`;
      rejectProbe(new Error(error.code === 'EADDRINUSE' ? `${variable}=${port}: 127.0.0.1:${port} is already in use. ${fix}.` : `${variable}=${port}: cannot listen on 127.0.0.1:${port} (${error.message}).`));
    });
    probe.listen(Number(port), '127.0.0.1', () => probe.close(() => resolveProbe()));
  });
}

function startService(name: string, entry: string, env: Record<string, string>, log: (line: string) => void): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, entry)], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    let pending = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) log(`[${name}] ${line}`);
    });
  }
  return child;
}

async function waitForUrl(name: string, url: string, child: ChildProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode} before it responded at ${url}; see its log lines above`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolveDelay) => setTimeout(resolveDelay, 150));
  }
  throw new Error(`${name} did not respond at ${url} within ${timeoutMs} ms`);
}

// The proxy's default delivery budget (LEADSYNC_DELIVERY_TIMEOUT_MS). A stopping proxy waits that
// long plus 2 s for submissions in flight.
const DEFAULT_DELIVERY_TIMEOUT_MS = 30_000;

/** Sends SIGTERM, and SIGKILL if the child is still running after `graceMs`. */
function stopChild(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveStop) => {
    const killTimer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(killTimer);
      resolveStop();
    });
    child.kill('SIGTERM');
  });
}

export async function startStack(options: StackOptions): Promise<RunningStack> {
  const env = demoEnvironment(options.env);
  const log = options.log ?? ((line: string) => console.log(line));
  const children: ChildProcess[] = [];
  let demo: RunningServer | undefined;
  const proxyGraceMs = (Number(env.LEADSYNC_DELIVERY_TIMEOUT_MS) || DEFAULT_DELIVERY_TIMEOUT_MS) + 5_000;

  // The proxy stops first, while the emulator still runs, and gets the time it needs to deliver
  // or store the submissions in flight. A SIGKILL before that would lose them.
  const stop = async () => {
    await demo?.close();
    const [emulator, proxy] = children;
    if (proxy !== undefined) await stopChild(proxy, proxyGraceMs);
    if (emulator !== undefined) await stopChild(emulator);
  };

  try {
    assertDistinctPorts(env);
    for (const variable of PORT_VARIABLES) await assertPortFree(variable, env[variable]!);

    const emulatorUrl = `http://127.0.0.1:${env.EMULATOR_PORT}`;
    const emulator = startService('emulator', 'emulator/src/main.ts', env, log);
    children.push(emulator);
    await waitForUrl('emulator', `${emulatorUrl}/_emulator/leads`, emulator);

    const proxyUrl = `http://127.0.0.1:${env.PORT}`;
    const proxy = startService('proxy', 'proxy/src/adapters/node.ts', env, log);
    children.push(proxy);
    await waitForUrl('proxy', `${proxyUrl}/healthz`, proxy);

    demo = await startStaticServer({
      port: Number(env.DEMO_PORT),
      mounts: { '/': join(REPO_ROOT, 'demo/site'), ...options.extraMounts },
      variables: {
        PROXY_URL: proxyUrl,
        EMULATOR_URL: emulatorUrl,
        MUNCHKIN_ID: env.MARKETO_MUNCHKIN_ID ?? '',
      },
    });
    return { emulatorUrl, proxyUrl, demoUrl: demo.url, env, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
