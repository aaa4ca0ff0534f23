import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { silentLogger } from '../log.js';
import { createSoapTransport } from '../marketo/soap/soap-transport.js';
import { drainOutbox } from './drain-outbox.js';
import type { OutboxEntry } from './outbox.js';
import { SqliteOutbox } from './sqlite-outbox.js';
import { hasEmulator, startTestEmulator, type EmulatorLead, type RunningEmulator } from '../testing/emulator.js';

/** The SQLite outbox across a proxy restart, drained into the real emulator. */

const COOKIE = 'id:123-ABC-456&token:_mch-example.test-1700000000000-24680';

describe.skipIf(!hasEmulator)('SqliteOutbox drained into the emulator', () => {
  let emulator: RunningEmulator;
  let directory: string;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    directory = mkdtempSync(join(tmpdir(), 'leadsync-outbox-emulator-'));
  });

  afterAll(async () => {
    await emulator?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('delivers entries stored before a restart exactly once', async () => {
    const path = join(directory, 'outbox.sqlite');
    const emails = ['first@example.test', 'second@example.test'];
    const before = new SqliteOutbox({ path });
    for (const [index, email] of emails.entries()) {
      await before.enqueue({
        submissionId: crypto.randomUUID(),
        formId: 'contact',
        lead: { email, attributes: [{ name: 'FirstName', value: 'Zoë' }], cookie: `${COOKIE}${index}` },
        enqueuedAt: Date.now(),
      });
    }
    before.close();

    const after = new SqliteOutbox({ path });
    const transport = createSoapTransport({
      endpoint: `${emulator.url}/soap/mktows/2_9`,
      userId: 'leadsync_demo_1A2B3C4D5E6F',
      encryptionKey: 'demo-encryption-key',
    });
    const deliver = async (entry: OutboxEntry) => {
      if (entry.kind === 'associate') throw new Error('This test stores no association jobs.');
      await transport.syncLead(entry.lead);
      return undefined;
    };
    const report = await drainOutbox({ outbox: after, deliver, log: silentLogger });
    const second = await drainOutbox({ outbox: after, deliver, log: silentLogger });
    const stats = await after.stats();
    after.close();
    const leads = (await (await fetch(`${emulator.url}/_emulator/leads`)).json()) as EmulatorLead[];

    expect(report).toEqual({ delivered: 2, retried: 0, dead: 0 });
    expect(second).toEqual({ delivered: 0, retried: 0, dead: 0 });
    expect(stats).toEqual({ pending: 0, dead: 0 });
    for (const [index, email] of emails.entries()) {
      const stored = leads.filter((lead) => lead.email === email);
      expect(stored).toHaveLength(1);
      expect(stored[0]?.cookies).toEqual([`${COOKIE}${index}`]);
    }
  });
});
