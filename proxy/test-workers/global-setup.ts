/**
 * Starts the Marketo emulator in Node on an ephemeral port for the workerd suite. Tests inside
 * workerd reach it over loopback through `inject('emulatorUrl')`.
 */
import type { TestProject } from 'vitest/node';

import { stageWorkerAssets } from '../src/adapters/stage-worker-assets.js';

interface RunningEmulator {
  url: string;
  close(): Promise<void>;
}

const EMULATOR_ENTRY = new URL('../../emulator/src/index.ts', import.meta.url);

export default async function startEmulatorForWorkers(project: TestProject): Promise<() => Promise<void>> {
  const module = (await import(EMULATOR_ENTRY.href)) as {
    startEmulator(options: { port: number; logger: { log(): void } }): Promise<RunningEmulator>;
  };
  const emulator = await module.startEmulator({ port: 0, logger: { log() {} } });

  project.provide('emulatorUrl', emulator.url);
  project.provide('widgetStaged', stageWorkerAssets());

  return () => emulator.close();
}
