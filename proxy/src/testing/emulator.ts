/**
 * The real Marketo emulator for the proxy's integration tests. It is imported by path at run
 * time rather than as a dependency, so the proxy shares no code with its test oracle, and the
 * tests that use it skip where the emulator folder is absent.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { silentLogger } from '../log.js';

const EMULATOR_ENTRY = new URL('../../../emulator/src/index.ts', import.meta.url);

/** Path of the emulator's entry module, for skip messages. */
export const EMULATOR_PATH = fileURLToPath(EMULATOR_ENTRY);
export const hasEmulator = existsSync(EMULATOR_PATH);

export interface RunningEmulator {
  url: string;
  close(): Promise<void>;
}

/** A lead as `GET /_emulator/leads` lists it. */
export interface EmulatorLead {
  id: number;
  email: string | null;
  anonymous: boolean;
  partition: string;
  cookies: string[];
  attributes: Record<string, string>;
  visits: Array<{ url: string }>;
}

export interface TestEmulatorOptions {
  /** The emulator's clock, for token-expiry tests. */
  clock?: () => Date;
}

/** Starts the emulator on an ephemeral port of 127.0.0.1, without log output. */
export async function startTestEmulator(options: TestEmulatorOptions = {}): Promise<RunningEmulator> {
  const module = (await import(EMULATOR_ENTRY.href)) as {
    startEmulator(options: { port: number; logger: unknown } & TestEmulatorOptions): Promise<RunningEmulator>;
  };
  return module.startEmulator({ port: 0, logger: silentLogger, ...options });
}

/** Applies `patch` through `POST /_emulator/config` (faults, limits, custom fields), and fails unless the emulator accepts it. */
export async function configureEmulator(emulatorUrl: string, patch: unknown): Promise<void> {
  const response = await fetch(`${emulatorUrl}/_emulator/config`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(patch),
  });
  if (response.status !== 200) throw new Error(`POST /_emulator/config failed with HTTP ${response.status}: ${await response.text()}`);
}
