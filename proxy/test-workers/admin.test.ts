import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';

import { DurableDeadLetterStore } from '../src/outbox/durable-dead-letters.js';
import type { DeadLetter } from '../src/outbox/outbox.js';
import { callWorker, emulatorLeadsByEmail, uniqueEmail } from './helpers.js';

/** The outbox admin routes of the Worker, backed by the dead letters' Durable Object. */

const TOKEN = 'workers-admin-test-token-0123456789abcdef';
const BASE = 'https://proxy.example.test';

function adminRequest(path: string, method = 'GET', token = TOKEN): Request {
  return new Request(`${BASE}${path}`, { method, headers: { Authorization: `Bearer ${token}` } });
}

async function storeDeadLetter(email: string): Promise<DeadLetter> {
  const letter: DeadLetter = {
    submissionId: crypto.randomUUID(),
    formId: 'contact',
    lead: { email, attributes: [] },
    enqueuedAt: Date.now() - 60_000,
    attempts: 10,
    lastError: 'upstream_unavailable: down',
    deadAt: Date.now(),
  };
  await new DurableDeadLetterStore(env.DEAD_LETTERS, env.OUTBOX_QUEUE).putDeadLetter(letter);
  return letter;
}

describe('Worker admin routes', () => {
  it('lists dead letters with the token', async () => {
    const letter = await storeDeadLetter(uniqueEmail('admin-list'));

    const response = await callWorker(adminRequest('/admin/outbox/dead-letters?limit=1000'), { LEADSYNC_ADMIN_TOKEN: TOKEN });
    const body = (await response.json()) as { deadLetters: Array<{ submissionId: string; email: string }> };

    expect(response.status).toBe(200);
    expect(body.deadLetters.find((item) => item.submissionId === letter.submissionId)?.email).toMatch(/^a\*\*\*@example\.test$/);
  });

  it('rejects a wrong token', async () => {
    const response = await callWorker(adminRequest('/admin/outbox', 'GET', 'x'.repeat(40)), { LEADSYNC_ADMIN_TOKEN: TOKEN });

    expect(response.status).toBe(401);
  });

  it('replay delivers the dead letter through the queue', async () => {
    const email = uniqueEmail('admin-replay');
    const letter = await storeDeadLetter(email);

    const response = await callWorker(adminRequest(`/admin/outbox/dead-letters/${letter.submissionId}/replay`, 'POST'), { LEADSYNC_ADMIN_TOKEN: TOKEN });

    expect(response.status).toBe(202);
    await expect.poll(async () => (await emulatorLeadsByEmail(email)).length, { timeout: 10_000, interval: 200 }).toBe(1);
  });

  it('does not exist without LEADSYNC_ADMIN_TOKEN', async () => {
    const response = await callWorker(adminRequest('/admin/outbox'));

    expect(response.status).toBe(404);
  });
});
