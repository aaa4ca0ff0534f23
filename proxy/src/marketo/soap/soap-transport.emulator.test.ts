import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { createApp } from '../../app.js';
import { createDeliver } from '../../delivery/deliver.js';
import { loadConfig } from '../../config.js';
import { MarketoError } from '../../errors.js';
import { parseForms } from '../../forms/parse-forms.js';
import { silentLogger } from '../../log.js';
import type { LeadSync } from '../transport.js';
import { createSoapTransport } from './soap-transport.js';
import { configureEmulator, EMULATOR_PATH, hasEmulator, startTestEmulator, type EmulatorLead, type RunningEmulator } from '../../testing/emulator.js';

/**
 * Integration tests of the SOAP transport against the real emulator, which shares no SOAP code
 * with the proxy. They reach the emulator only through `startEmulator` and its HTTP paths.
 */

if (!hasEmulator) console.warn(`Skipping emulator integration tests: ${EMULATOR_PATH} does not exist.`);

const USER_ID = 'leadsync_demo_1A2B3C4D5E6F';
const ENCRYPTION_KEY = 'demo-encryption-key';
const COOKIE = 'id:123-ABC-456&token:_mch-example.test-1700000000000-12345';
const HOSTILE_ATTRIBUTES = {
  Company: 'Lee & Sons <Holdings> "North"',
  FirstName: 'Zoë',
  Comments: '株式会社テスト 🚀 a]]>b',
};

describe.skipIf(!hasEmulator)('SOAP transport against the emulator', () => {
  let emulator: RunningEmulator;
  let endpoint: string;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    endpoint = `${emulator.url}/soap/mktows/2_9`;
  });

  afterAll(async () => {
    await emulator?.close();
  });

  beforeEach(async () => {
    const response = await fetch(`${emulator.url}/_emulator/reset`, { method: 'POST' });
    expect(response.status).toBe(200);
  });

  async function leads(): Promise<EmulatorLead[]> {
    return (await (await fetch(`${emulator.url}/_emulator/leads`)).json()) as EmulatorLead[];
  }

  function configure(patch: unknown): Promise<void> {
    return configureEmulator(emulator.url, patch);
  }

  function transport(encryptionKey = ENCRYPTION_KEY) {
    return createSoapTransport({ endpoint, userId: USER_ID, encryptionKey, timeoutMs: 5000 });
  }

  function hostileLead(): LeadSync {
    return {
      email: 'ana@example.test',
      attributes: Object.entries(HOSTILE_ATTRIBUTES).map(([name, value]) => ({ name, value })),
      cookie: COOKIE,
    };
  }

  it('stores hostile strings exactly', async () => {
    const outcome = await transport().syncLead(hostileLead());

    expect(outcome.status).toBe('created');
    const stored = (await leads()).find((lead) => lead.id === outcome.leadId);
    expect(stored?.email).toBe('ana@example.test');
    expect(stored?.attributes).toMatchObject(HOSTILE_ATTRIBUTES);
    expect(stored?.cookies).toEqual([COOKIE]);
  });

  it('updates the same lead on a second sync', async () => {
    const first = await transport().syncLead(hostileLead());
    const second = await transport().syncLead({ email: 'ana@example.test', attributes: [{ name: 'LastName', value: "O'Brien" }] });

    expect(second).toEqual({ leadId: first.leadId, status: 'updated' });
    const stored = (await leads()).find((lead) => lead.id === first.leadId);
    expect(stored?.attributes.LastName).toBe("O'Brien");
    expect(stored?.attributes.FirstName).toBe('Zoë');
  });

  it('makes the cookie\'s anonymous lead known', async () => {
    const seeded = await fetch(`${emulator.url}/_emulator/leads`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ anonymous: true, cookies: [COOKIE] }),
    });
    expect(seeded.status).toBe(201);

    const outcome = await transport().syncLead(hostileLead());

    const known = (await leads()).filter((lead) => lead.cookies.includes(COOKIE));
    expect(known).toHaveLength(1);
    expect(known[0]?.id).toBe(outcome.leadId);
    expect(known[0]?.anonymous).toBe(false);
    expect(known[0]?.email).toBe('ana@example.test');
  });

  it('reports a wrong encryption key as auth fault 20014', async () => {
    const error = await transport('wrong-key')
      .syncLead(hostileLead())
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(MarketoError);
    expect((error as MarketoError).faultCode).toBe(20014);
    expect((error as MarketoError).kind).toBe('auth');
    expect(await leads()).toEqual([]);
  });

  it('re-signs and succeeds after one injected 20016', async () => {
    await configure({ faults: { queue: [{ kind: 'fault', code: 20016, count: 1, transport: 'soap' }] } });
    const deliver = createDeliver({ transport: transport() });

    const result = await deliver(hostileLead(), { log: silentLogger });

    expect(result).toMatchObject({ ok: true, attempts: 2, outcome: { status: 'created' } });
    expect(await leads()).toHaveLength(1);
  });

  it('reports an injected HTML 500 as upstream_unavailable', async () => {
    await configure({ faults: { queue: [{ kind: 'html500', count: 1 }] } });

    const error = await transport()
      .syncLead(hostileLead())
      .catch((caught: unknown) => caught);

    expect((error as MarketoError).code).toBe('upstream_unavailable');
    expect((error as MarketoError).retryable).toBe(true);
  });

  it('reports an unknown Marketo field as rejected', async () => {
    const error = await transport()
      .syncLead({ email: 'ana@example.test', attributes: [{ name: 'Pants', value: 'blue' }] })
      .catch((caught: unknown) => caught);

    expect((error as MarketoError).faultCode).toBe(20105);
    expect((error as MarketoError).code).toBe('upstream_rejected');
  });

  it('delivers an app submission end to end', async () => {
    const config = loadConfig({
      MARKETO_API: 'soap',
      MARKETO_SOAP_ENDPOINT: endpoint,
      MARKETO_USER_ID: USER_ID,
      MARKETO_ENCRYPTION_KEY: ENCRYPTION_KEY,
      MARKETO_MUNCHKIN_ID: '123-ABC-456',
      ALLOWED_ORIGINS: 'http://127.0.0.1:5173',
    });
    const forms = parseForms(
      {
        forms: [
          {
            id: 'contact',
            fields: [
              { name: 'email', type: 'email', required: true, label: { en: 'Email' }, marketo: { soap: 'Email' } },
              { name: 'firstName', type: 'text', label: { en: 'First name' }, marketo: { soap: 'FirstName' } },
              { name: 'company', type: 'text', label: { en: 'Company' }, marketo: { soap: 'Company' } },
              { name: 'comments', type: 'textarea', label: { en: 'Comments' }, marketo: { soap: 'Comments' } },
            ],
          },
        ],
      },
      { api: 'soap' },
    );
    const app = createApp({ config, forms, log: silentLogger });

    const response = await app.request('/v1/forms/contact/submissions', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: 'http://127.0.0.1:5173' },
      body: JSON.stringify({
        submissionId: 'c0a8012e-7f3b-4d2a-9b1c-5e6f7a8b9c0d',
        fields: {
          email: 'ana@example.test',
          firstName: HOSTILE_ATTRIBUTES.FirstName,
          company: HOSTILE_ATTRIBUTES.Company,
          comments: HOSTILE_ATTRIBUTES.Comments,
        },
        mktoTrk: COOKIE,
      }),
    });
    const body = (await response.json()) as { leadId: number; status: string; cookie: string };

    expect(response.status).toBe(200);
    expect(body).toMatchObject({ status: 'created', cookie: 'associated' });
    const stored = (await leads()).find((lead) => lead.id === body.leadId);
    expect(stored?.attributes).toMatchObject(HOSTILE_ATTRIBUTES);
    expect(stored?.cookies).toEqual([COOKIE]);
  });
});
