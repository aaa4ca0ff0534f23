/**
 * The emulator of the soak test, which restarts once in the middle of the run. The emulator keeps
 * its leads in memory only, so a restart snapshots the stopped emulator's leads and seeds them
 * into the new one through `POST /_emulator/leads` before any proxy call reaches it.
 */

const EMULATOR_ENTRY = new URL('../../emulator/src/index.ts', import.meta.url);

/** A lead as `GET /_emulator/leads` lists it. */
export interface EmulatorLead {
  id: number;
  email: string | null;
  foreignSysPersonId: string | null;
  foreignSysType: string | null;
  anonymous: boolean;
  partition: string;
  cookies: string[];
  attributes: Record<string, string>;
  visits: Array<{ url: string; referrer: string | null; at: string; cookie: string | null }>;
}

/** An API call as `GET /_emulator/calls` lists it. */
export interface EmulatorCall {
  operation: string | null;
  outcome: 'ok' | 'fault' | 'injected';
  code?: number;
}

interface RunningEmulator {
  url: string;
  store: { list(): EmulatorLead[] };
  context: { calls: { list(): EmulatorCall[] } };
  close(): Promise<void>;
}

type StartEmulator = (options: { port: number; logger: { log(): void } }) => Promise<RunningEmulator>;

export interface SoakEmulator {
  /** Base URL of the running emulator; undefined while it restarts. */
  readonly url: string | undefined;
  /** Stops the emulator, keeps its leads, and serves them again from a new one after `downtimeMs`. */
  restart(downtimeMs: number): Promise<{ leadsCarried: number }>;
  leads(): Promise<EmulatorLead[]>;
  /** API calls of every emulator run so far (each keeps its last 1000). */
  calls(): EmulatorCall[];
  close(): Promise<void>;
}

export async function startSoakEmulator(): Promise<SoakEmulator> {
  const { startEmulator } = (await import(EMULATOR_ENTRY.href)) as { startEmulator: StartEmulator };
  const start = () => startEmulator({ port: 0, logger: { log() {} } });

  let current: RunningEmulator | undefined = await start();
  const finishedCalls: EmulatorCall[] = [];

  return {
    get url() {
      return current?.url;
    },

    async restart(downtimeMs) {
      const stopped = current!;
      const stoppedAt = Date.now();
      current = undefined;
      await stopped.close();
      finishedCalls.push(...stopped.context.calls.list());

      const snapshot = stopped.store.list();
      const next = await start();
      for (const lead of snapshot) await seedLead(next.url, lead);

      await new Promise((resolve) => setTimeout(resolve, Math.max(0, stoppedAt + downtimeMs - Date.now())));
      current = next;
      return { leadsCarried: snapshot.length };
    },

    async leads() {
      const response = await fetch(`${current!.url}/_emulator/leads`);
      return (await response.json()) as EmulatorLead[];
    },

    calls() {
      return [...finishedCalls, ...(current?.context.calls.list() ?? [])];
    },

    async close() {
      await current?.close();
    },
  };
}

/** Seeds one lead with every field the seed endpoint accepts, its id included. */
async function seedLead(emulatorUrl: string, lead: EmulatorLead): Promise<void> {
  const seed = {
    id: lead.id,
    email: lead.email,
    foreignSysPersonId: lead.foreignSysPersonId,
    ...(lead.foreignSysType !== null && { foreignSysType: lead.foreignSysType }),
    anonymous: lead.anonymous,
    partition: lead.partition,
    cookies: lead.cookies,
    attributes: lead.attributes,
    visits: lead.visits.map(({ cookie, ...visit }) => (cookie === null ? visit : { ...visit, cookie })),
  };

  const response = await fetch(`${emulatorUrl}/_emulator/leads`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(seed),
  });
  if (response.status !== 201) throw new Error(`Seeding lead ${lead.id} into the restarted emulator failed with HTTP ${response.status}: ${await response.text()}`);
}
