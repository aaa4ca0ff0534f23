import { env } from 'cloudflare:workers';
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { inject } from 'vitest';

import worker from '../src/adapters/worker.js';

export const ORIGIN = 'https://www.example.test';
export const COOKIE = 'id:123-ABC-456&token:_mch-example.test-1700000000000-12345';

export interface EmulatorLead {
  id: number;
  email: string | null;
  anonymous: boolean;
  cookies: string[];
  attributes: Record<string, string>;
  visits: Array<{ url: string }>;
}

/** Sends a request to the Worker entry with the configured bindings plus `overrides`. */
export async function callWorker(request: Request, overrides: Record<string, unknown> = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const incoming = request as Parameters<typeof worker.fetch>[0];
  const response = await worker.fetch(incoming, { ...env, ...overrides } as typeof env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

export function submissionRequest(body: unknown, path = '/v1/forms/contact/submissions', headers: Record<string, string> = {}): Request {
  return new Request(`https://proxy.example.test${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: ORIGIN, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

export function uniqueEmail(label: string): string {
  return `${label}-${crypto.randomUUID().slice(0, 8)}@example.test`;
}

export async function emulatorLeadsByEmail(email: string): Promise<EmulatorLead[]> {
  const response = await fetch(`${inject('emulatorUrl')}/_emulator/leads`);
  const leads = (await response.json()) as EmulatorLead[];
  return leads.filter((lead) => lead.email === email);
}
