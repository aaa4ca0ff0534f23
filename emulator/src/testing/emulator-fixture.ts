/** Test-only: one emulator on a free loopback port per test file, reset before each test. */
import { afterAll, beforeAll, beforeEach } from "vitest";

import type { Lead } from "../store/lead.ts";
import { silentLogger } from "../log/logger.ts";
import { startEmulator, type RunningEmulator } from "../start-emulator.ts";

export interface EmulatorFixture {
  readonly emulator: RunningEmulator;
  readonly url: string;
  leads(): Promise<Lead[]>;
  seed(lead: Record<string, unknown>): Promise<Lead>;
  configure(patch: Record<string, unknown>): Promise<Response>;
}

export function useEmulator(): EmulatorFixture {
  let running: RunningEmulator | undefined;

  beforeAll(async () => {
    running = await startEmulator({ port: 0, logger: silentLogger });
  });

  afterAll(async () => {
    await running?.close();
  });

  beforeEach(async () => {
    await fetch(`${fixture.url}/_emulator/reset`, { method: "POST" });
  });

  const fixture: EmulatorFixture = {
    get emulator() {
      if (running === undefined) {
        throw new Error("the emulator is not running yet");
      }
      return running;
    },
    get url() {
      return fixture.emulator.url;
    },
    async leads() {
      return (await (await fetch(`${fixture.url}/_emulator/leads`)).json()) as Lead[];
    },
    async seed(lead) {
      const response = await fetch(`${fixture.url}/_emulator/leads`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(lead),
      });
      if (response.status !== 201) {
        throw new Error(`seeding failed with ${response.status}: ${await response.text()}`);
      }
      return (await response.json()) as Lead;
    },
    async configure(patch) {
      return fetch(`${fixture.url}/_emulator/config`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(patch),
      });
    },
  };
  return fixture;
}
