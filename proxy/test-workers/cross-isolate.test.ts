import { describe, expect, inject, it } from 'vitest';

import { callWorker, emulatorLeadsByEmail, submissionRequest, uniqueEmail } from './helpers.js';

/**
 * The Worker's guarantees across isolates. Each distinct `env` object gets its own app with its
 * own in-memory state, as a separate isolate would; only the Durable Objects are shared.
 */

interface EmulatorCall {
  operation: string | null;
  leadId?: number;
}

/** Bindings for a fresh app instance; the extra var only makes the object distinct. */
function isolate(name: string, overrides: Record<string, string> = {}): Record<string, string> {
  return { LEADSYNC_TEST_ISOLATE: name, ...overrides };
}

describe('Worker across isolates', () => {
  it('sends a submissionId to Marketo once from two isolates', async () => {
    const email = uniqueEmail('idempotent');
    const body = { submissionId: crypto.randomUUID(), fields: { email } };

    const responses = await Promise.all([
      callWorker(submissionRequest(body), isolate(`a-${email}`)),
      callWorker(submissionRequest(body), isolate(`b-${email}`)),
    ]);
    const bodies = (await Promise.all(responses.map((response) => response.json()))) as Array<{ leadId: number }>;
    const calls = (await (await fetch(`${inject('emulatorUrl')}/_emulator/calls`)).json()) as EmulatorCall[];

    expect(responses.map((response) => response.status)).toEqual([200, 200]);
    expect(bodies[0]?.leadId).toBe(bodies[1]?.leadId);
    expect(calls.filter((call) => call.operation === 'syncLead' && call.leadId === bodies[0]?.leadId)).toHaveLength(1);
    expect(await emulatorLeadsByEmail(email)).toHaveLength(1);
  });

  it('counts the per-e-mail rate limit across isolates', async () => {
    const email = uniqueEmail('rate');
    const limits = { RATE_LIMIT_PER_EMAIL: '2' };

    const statuses: number[] = [];
    for (const name of ['a', 'b', 'c']) {
      const response = await callWorker(submissionRequest({ submissionId: crypto.randomUUID(), fields: { email } }), isolate(`${name}-${email}`, limits));
      statuses.push(response.status);
    }

    expect(statuses).toEqual([200, 200, 429]);
  });
});
