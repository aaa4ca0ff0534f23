import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { createApp } from '../../app.js';
import { loadConfig } from '../../config.js';
import { createDeliver } from '../../delivery/deliver.js';
import { createRetryPolicy } from '../../delivery/retry-policy.js';
import { MarketoError } from '../../errors.js';
import { parseForms } from '../../forms/parse-forms.js';
import { silentLogger, type Logger } from '../../log.js';
import type { LeadSync } from '../transport.js';
import { associationErrorOf } from './associate-lead.js';
import { createRestTransport, type RestTransportOptions } from './rest-transport.js';
import { configureEmulator, EMULATOR_PATH, hasEmulator, startTestEmulator, type EmulatorLead, type RunningEmulator } from '../../testing/emulator.js';

/**
 * Integration tests of the REST transport against the real emulator, which shares no REST code
 * with the proxy. The emulator runs in this process with a clock the tests move, so token
 * expiry is exact. A recording fetch sits between the two to show what went over the wire.
 */

if (!hasEmulator) console.warn(`Skipping emulator integration tests: ${EMULATOR_PATH} does not exist.`);

interface CallRecord {
  operation: string | null;
  outcome: string;
  code?: number;
}

interface SentRequest {
  url: string;
  method: string;
  authorization: string | null;
  body: string;
}

const CLIENT_ID = 'demo-client-id';
const CLIENT_SECRET = 'demo-client-secret';
const COOKIE = 'id:123-ABC-456&token:_mch-example.test-1700000000000-12345';
const ENCODED_COOKIE = 'id%3A123-ABC-456%26token%3A_mch-example.test-1700000000000-12345';

describe.skipIf(!hasEmulator)('REST transport against the emulator', () => {
  let emulator: RunningEmulator;
  let clockOffsetMs = 0;
  let sent: SentRequest[] = [];

  beforeAll(async () => {
    emulator = await startTestEmulator({ clock: () => new Date(Date.now() + clockOffsetMs) });
  });

  afterAll(async () => {
    await emulator?.close();
  });

  beforeEach(async () => {
    clockOffsetMs = 0;
    sent = [];
    const response = await fetch(`${emulator.url}/_emulator/reset`, { method: 'POST' });
    expect(response.status).toBe(200);
  });

  /** Fetch that records each request, then sends it to the emulator unchanged. */
  const recordingFetch: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const body = await request.clone().text();
    sent.push({ url: request.url, method: request.method, authorization: request.headers.get('authorization'), body });
    return fetch(request);
  };

  function transport(options: Partial<RestTransportOptions> = {}) {
    return createRestTransport({
      endpoint: emulator.url,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      timeoutMs: 5000,
      fetch: recordingFetch,
      now: () => new Date(Date.now() + clockOffsetMs),
      associationRetry: { baseDelayMs: 5, maxDelayMs: 20 },
      ...options,
    });
  }

  function lead(overrides: Partial<LeadSync> = {}): LeadSync {
    return { email: 'ana@example.test', attributes: [{ name: 'firstName', value: 'Ana' }], ...overrides };
  }

  async function leads(): Promise<EmulatorLead[]> {
    return (await (await fetch(`${emulator.url}/_emulator/leads`)).json()) as EmulatorLead[];
  }

  async function calls(operation: string): Promise<CallRecord[]> {
    const all = (await (await fetch(`${emulator.url}/_emulator/calls`)).json()) as CallRecord[];
    return all.filter((call) => call.operation === operation);
  }

  function configure(patch: unknown): Promise<void> {
    return configureEmulator(emulator.url, patch);
  }

  async function visit(url: string, cookie = COOKIE): Promise<void> {
    await fetch(`${emulator.url}/webevents/visitWebPage?${new URLSearchParams({ _mchCk: cookie, _mchUrl: url })}`);
  }

  /** Injects faults for the next REST API calls (identity takes none). */
  async function inject(...queue: Array<Record<string, unknown>>): Promise<void> {
    await configure({ faults: { queue: queue.map((entry) => ({ transport: 'rest', ...entry })) } });
  }

  async function failure(promise: Promise<unknown>): Promise<MarketoError> {
    const error = await promise.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(MarketoError);
    return error as MarketoError;
  }

  describe('Sync Leads', () => {
    it('creates, then updates the lead', async () => {
      const first = await transport().syncLead(lead());
      const second = await transport().syncLead(lead({ attributes: [{ name: 'lastName', value: "O'Brien" }] }));

      expect(first).toEqual({ leadId: 1001, status: 'created' });
      expect(second).toEqual({ leadId: 1001, status: 'updated' });
      expect((await leads())[0]?.attributes).toEqual({ FirstName: 'Ana', LastName: "O'Brien" });
    });

    it('sends createOrUpdate by email without cookies', async () => {
      await transport().syncLead(lead({ cookie: COOKIE }));

      const sync = sent.find((request) => request.url.endsWith('/rest/v1/leads.json'));
      expect(JSON.parse(sync?.body ?? '{}')).toEqual({
        action: 'createOrUpdate',
        lookupField: 'email',
        input: [{ email: 'ana@example.test', firstName: 'Ana' }],
      });
      expect(sync?.body).not.toContain('_mch-');
    });

    it('sends checkbox values as JSON booleans', async () => {
      await transport().syncLead(lead({ attributes: [{ name: 'unsubscribed', type: 'boolean', value: 'true' }] }));

      expect(sent.at(-1)?.body).toContain('"unsubscribed":true');
      expect((await leads())[0]?.attributes).toEqual({ Unsubscribed: 'true' });
    });

    it('matches by a custom lookupField', async () => {
      await configure({ customFields: [{ name: 'CrmId', type: 'string' }] });
      const first = await transport().syncLead(lead({ rest: { mode: 'syncLeads', lookupField: 'crmId' }, attributes: [{ name: 'crmId', value: 'crm-7' }] }));

      const second = await transport().syncLead(
        lead({ email: 'ana.new@example.test', rest: { mode: 'syncLeads', lookupField: 'crmId' }, attributes: [{ name: 'crmId', value: 'crm-7' }] }),
      );

      expect(second).toEqual({ leadId: first.leadId, status: 'updated' });
      expect((await leads()).map((stored) => stored.email)).toEqual(['ana.new@example.test']);
    });

    it('creates the lead in MARKETO_PARTITION', async () => {
      await configure({
        workspacesEnabled: true,
        partitions: ['Default', 'EMEA'],
        workspaces: [
          { name: 'Default', primaryPartition: 'Default' },
          { name: 'Europe', primaryPartition: 'EMEA' },
        ],
      });

      await transport({ partition: 'EMEA' }).syncLead(lead());

      expect(JSON.parse(sent.at(-1)?.body ?? '{}')).toMatchObject({ partitionName: 'EMEA' });
      expect((await leads())[0]?.partition).toBe('EMEA');
    });

    it('reports a skipped record as a failure', async () => {
      const error = await failure(transport().syncLead(lead({ attributes: [{ name: 'shoeSize', value: '42' }] })));

      expect(error.faultCode).toBe(1006);
      expect(error.message).toBe("Marketo Sync Leads skipped the lead: 1006 Field 'shoeSize' not found.");
      expect(error.code).toBe('upstream_rejected');
      expect(error.retryable).toBe(false);
      expect(await leads()).toEqual([]);
    });

    it('reports an unknown partition as 1008 auth failure', async () => {
      const error = await failure(transport({ partition: 'APAC' }).syncLead(lead()));

      expect(error.faultCode).toBe(1008);
      expect(error.kind).toBe('auth');
      expect(error.retryable).toBe(false);
    });

    it('joins base URL and paths without a double slash', async () => {
      await transport({ endpoint: `${emulator.url}/` }).syncLead(lead({ cookie: COOKIE }));

      expect(sent).toHaveLength(3);
      for (const request of sent) expect(new URL(request.url).pathname).not.toContain('//');
    });
  });

  describe('access token', () => {
    it('travels only in the Authorization header', async () => {
      await transport().syncLead(lead({ cookie: COOKIE }));
      const token = sent[0] === undefined ? '' : ((await (await fetch(sent[0].url, { method: 'POST' })).json()) as { access_token: string }).access_token;

      const apiCalls = sent.filter((request) => request.url.includes('/rest/'));
      expect(apiCalls).toHaveLength(2);
      for (const request of apiCalls) {
        expect(request.authorization).toBe(`Bearer ${token}`);
        expect(request.url).not.toContain(token);
        expect(request.url).not.toContain('access_token');
      }
    });

    it('requests credentials in the identity query string', async () => {
      await transport().syncLead(lead());

      const identity = new URL(sent[0]?.url ?? '');
      expect(identity.pathname).toBe('/identity/oauth/token');
      expect(Object.fromEntries(identity.searchParams)).toEqual({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
      expect(sent[0]?.authorization).toBeNull();
    });

    it('is reused until shortly before expiry', async () => {
      const shared = transport();

      for (let index = 0; index < 5; index += 1) await shared.syncLead(lead({ email: `l${index}@example.test` }));

      expect(await calls('identity')).toHaveLength(1);
    });

    it('is requested once for a concurrent burst', async () => {
      const shared = transport();

      await Promise.all(Array.from({ length: 8 }, (_, index) => shared.syncLead(lead({ email: `l${index}@example.test` }))));

      expect(await calls('identity')).toHaveLength(1);
      expect(await leads()).toHaveLength(8);
    });

    it('is renewed once when it expires in the middle of a burst', async () => {
      await configure({ accessTokenLifetimeSeconds: 60 });
      const shared = transport({ refreshMarginMs: 0 });
      await shared.syncLead(lead({ email: 'first@example.test' }));
      clockOffsetMs += 60_000;

      const outcomes = await Promise.all(Array.from({ length: 6 }, (_, index) => shared.syncLead(lead({ email: `l${index}@example.test` }))));

      expect(outcomes.every((outcome) => outcome.status === 'created')).toBe(true);
      expect(await calls('identity')).toHaveLength(2);
      expect((await calls('syncLeads')).map((call) => call.outcome)).toEqual(Array(7).fill('ok'));
    });

    it('is renewed once when Marketo returns 602 to a burst', async () => {
      await configure({ accessTokenLifetimeSeconds: 60 });
      // The proxy's clock stays behind the emulator's, so only the emulator treats the token as expired.
      const shared = transport({ now: () => new Date() });
      await shared.syncLead(lead({ email: 'first@example.test' }));
      clockOffsetMs += 61_000;

      const outcomes = await Promise.all(Array.from({ length: 5 }, (_, index) => shared.syncLead(lead({ email: `l${index}@example.test` }))));

      expect(outcomes).toHaveLength(5);
      expect(await calls('identity')).toHaveLength(2);
      const syncOutcomes = (await calls('syncLeads')).map((call) => call.code ?? call.outcome);
      expect(syncOutcomes.filter((outcome) => outcome === 602)).toHaveLength(5);
      expect(syncOutcomes.filter((outcome) => outcome === 'ok')).toHaveLength(6);
    });

    it('is renewed after an injected 601 and the call resent once', async () => {
      await inject({ kind: 'fault', code: 601 });

      const outcome = await transport().syncLead(lead());

      expect(outcome.status).toBe('created');
      expect(await calls('identity')).toHaveLength(2);
      expect((await calls('syncLeads')).map((call) => call.outcome)).toEqual(['injected', 'ok']);
    });

    it('fails as expired when the renewed token is rejected too', async () => {
      await inject({ kind: 'fault', code: 602, count: 2 });

      const error = await failure(transport().syncLead(lead()));

      expect(error.faultCode).toBe(602);
      expect(error.kind).toBe('expired');
      expect(await calls('syncLeads')).toHaveLength(2);
    });

    it('fails as auth, not retryable, on HTTP 401 from identity', async () => {
      const error = await failure(transport({ clientSecret: 'wrong-secret' }).syncLead(lead()));

      expect(error.kind).toBe('auth');
      expect(error.code).toBe('upstream_auth');
      expect(error.retryable).toBe(false);
      expect(error.message).toContain('HTTP 401');
      expect(error.message).not.toContain('wrong-secret');
      expect(await calls('syncLeads')).toEqual([]);
    });
  });

  describe('limits through the delivery retry policy', () => {
    function deliverWith(shared = transport()) {
      return createDeliver({ transport: shared, policy: createRetryPolicy({ baseDelayMs: 5, maxDelayMs: 20 }) });
    }

    it.each([606, 615])('backs off after %i and succeeds', async (code) => {
      await inject({ kind: 'fault', code, count: 2 });

      const result = await deliverWith()(lead(), { log: silentLogger });

      expect(result).toMatchObject({ ok: true, attempts: 3, outcome: { status: 'created' } });
      expect((await calls('syncLeads')).map((call) => call.outcome)).toEqual(['injected', 'injected', 'ok']);
    });

    it.each([604, 608, 611])('backs off after %i and succeeds', async (code) => {
      await inject({ kind: 'fault', code });

      const result = await deliverWith()(lead(), { log: silentLogger });

      expect(result).toMatchObject({ ok: true, attempts: 2 });
    });

    it('does not retry 607 daily quota', async () => {
      await inject({ kind: 'fault', code: 607, count: 3 });

      const result = await deliverWith()(lead(), { log: silentLogger });

      expect(result).toMatchObject({ ok: false, attempts: 1, retryable: true });
      expect((result as { error: MarketoError }).error.kind).toBe('quota');
      expect(await calls('syncLeads')).toHaveLength(1);
    });

    it('gives up on 606 after the policy attempts', async () => {
      await inject({ kind: 'fault', code: 606, count: 10 });

      const result = await deliverWith()(lead(), { log: silentLogger });

      expect(result).toMatchObject({ ok: false, attempts: 4, retryable: true });
      expect((result as { error: MarketoError }).error.kind).toBe('rate');
    });

    it('sends token requests through the given fetch', async () => {
      let requests = 0;
      const counting: typeof fetch = async (input, init) => {
        requests += 1;
        return recordingFetch(input, init);
      };

      await transport({ fetch: counting }).syncLead(lead({ cookie: COOKIE }));

      expect(requests).toBe(3);
      expect(await calls('identity')).toHaveLength(1);
    });
  });

  describe('cookie association', () => {
    it('moves the anonymous visits to the known lead', async () => {
      await visit('https://example.test/');
      await visit('https://example.test/pricing');

      const outcome = await transport().syncLead(lead({ cookie: COOKIE }));

      expect(outcome).toEqual({ leadId: expect.any(Number), status: 'created', cookieAssociation: 'associated' });
      const stored = await leads();
      expect(stored).toHaveLength(1);
      expect(stored[0]).toMatchObject({ id: outcome.leadId, anonymous: false, cookies: [COOKIE] });
      expect(stored[0]?.visits.map((entry) => entry.url)).toEqual(['https://example.test/', 'https://example.test/pricing']);
    });

    it('sends the cookie with & encoded once', async () => {
      await transport().syncLead(lead({ cookie: COOKIE }));

      const associate = sent.find((request) => request.url.includes('/associate.json'));
      expect(associate?.url).toBe(`${emulator.url}/rest/v1/leads/1001/associate.json?cookie=${ENCODED_COOKIE}`);
      expect(associate?.body).toBe('');
      expect((await leads())[0]?.cookies).toEqual([COOKIE]);
    });

    it('reports association_failed when Marketo rejects the cookie', async () => {
      const foreign = COOKIE.replace('123-ABC-456', '999-XYZ-999');
      const lines: Array<Record<string, unknown>> = [];
      const log: Logger = { log: (level, message, fields) => lines.push({ level, message, ...fields }) };

      const outcome = await transport({ log }).syncLead(lead({ cookie: foreign }));
      const error = associationErrorOf(outcome);

      expect(outcome).toMatchObject({ leadId: 1001, status: 'created', cookieAssociation: 'failed' });
      expect(error).toMatchObject({ faultCode: 1012, retryable: false });
      expect((await leads())[0]).toMatchObject({ email: 'ana@example.test', cookies: [] });
      expect(await calls('associateLead')).toHaveLength(1);
      // The caller logs the failure once, with the submission's ids.
      expect(lines).toEqual([]);
    });

    it('retries Associate Lead with backoff and then succeeds', async () => {
      await visit('https://example.test/');
      const wrapped = transport({ fetch: injectBeforeAssociate([{ kind: 'drop' }, { kind: 'fault', code: 608 }]) });

      const outcome = await wrapped.syncLead(lead({ cookie: COOKIE }));

      expect(outcome.cookieAssociation).toBe('associated');
      expect((await calls('associateLead')).map((call) => call.outcome)).toEqual(['injected', 'injected', 'ok']);
      expect((await leads())[0]?.visits).toHaveLength(1);
    });

    it('reports association_failed after the retries run out', async () => {
      const wrapped = transport({
        associationRetry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 },
        fetch: injectBeforeAssociate([{ kind: 'fault', code: 611, count: 3 }]),
      });

      const outcome = await wrapped.syncLead(lead({ cookie: COOKIE }));

      expect(outcome).toMatchObject({ status: 'created', cookieAssociation: 'failed' });
      expect(associationErrorOf(outcome)).toMatchObject({ faultCode: 611, retryable: true });
      expect(await calls('associateLead')).toHaveLength(3);
      expect((await leads())[0]?.email).toBe('ana@example.test');
    });

    it('associateCookie joins a delivered lead in one call', async () => {
      await visit('https://example.test/');
      const { leadId } = await transport().syncLead(lead());

      await transport().associateCookie(leadId, COOKIE);

      expect((await calls('associateLead')).map((call) => call.outcome)).toEqual(['ok']);
      expect((await leads())[0]).toMatchObject({ id: leadId, anonymous: false, cookies: [COOKIE] });
      expect((await leads())[0]?.visits).toHaveLength(1);
    });

    it('associateCookie throws a failure without retrying it', async () => {
      const { leadId } = await transport().syncLead(lead());
      await inject({ kind: 'fault', code: 606, count: 2 });

      const error = await failure(transport().associateCookie(leadId, COOKIE));

      expect(error).toMatchObject({ kind: 'rate', faultCode: 606, retryable: true });
      expect(await calls('associateLead')).toHaveLength(1);
    });
  });

  describe('Submit Form mode', () => {
    const submitForm = { mode: 'submitForm', formId: 1001 } as const;

    it('sends fields, visitor data and cookie in one call', async () => {
      await visit('https://example.test/');

      const outcome = await transport().syncLead(
        lead({
          cookie: COOKIE,
          rest: submitForm,
          visitor: { pageUrl: 'https://example.test/contact?utm_source=mail', queryString: 'utm_source=mail', userAgent: 'Test/1.0', clientIp: '203.0.113.7' },
        }),
      );

      expect(outcome).toEqual({ leadId: expect.any(Number), status: 'created', cookieAssociation: 'associated' });
      const apiCalls = sent.filter((request) => request.url.includes('/rest/'));
      expect(apiCalls.map((request) => new URL(request.url).pathname)).toEqual(['/rest/v1/leads/submitForm.json']);
      expect(JSON.parse(apiCalls[0]?.body ?? '{}')).toEqual({
        formId: 1001,
        input: [
          {
            leadFormFields: { email: 'ana@example.test', firstName: 'Ana' },
            visitorData: {
              pageURL: 'https://example.test/contact?utm_source=mail',
              queryString: 'utm_source=mail',
              leadClientIpAddress: '203.0.113.7',
              userAgentString: 'Test/1.0',
            },
            cookie: COOKIE,
          },
        ],
      });
      expect((await leads())[0]).toMatchObject({ anonymous: false, cookies: [COOKIE], visits: [expect.objectContaining({ url: 'https://example.test/' })] });
    });

    it('resends without a cookie Marketo rejects', async () => {
      const foreign = COOKIE.replace('123-ABC-456', '999-XYZ-999');

      const outcome = await transport().syncLead(lead({ cookie: foreign, rest: submitForm }));

      expect(outcome).toMatchObject({ status: 'created', cookieAssociation: 'failed' });
      expect(await calls('submitForm')).toHaveLength(2);
      expect(JSON.parse(sent.at(-1)?.body ?? '{}').input[0].cookie).toBeUndefined();
    });

    it('reports a field the form lacks as skipped', async () => {
      const error = await failure(transport().syncLead(lead({ rest: submitForm, attributes: [{ name: 'shoeSize', value: '42' }] })));

      expect(error.faultCode).toBe(1006);
      expect(error.message).toContain('Submit Form skipped the lead');
    });
  });

  describe('through the app', () => {
    function restApp(munchkinId = '123-ABC-456') {
      const config = loadConfig({
        MARKETO_API: 'rest',
        MARKETO_REST_ENDPOINT: emulator.url,
        MARKETO_CLIENT_ID: CLIENT_ID,
        MARKETO_CLIENT_SECRET: CLIENT_SECRET,
        MARKETO_MUNCHKIN_ID: munchkinId,
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
                { name: 'company', type: 'text', label: { en: 'Company' }, marketo: { rest: 'company' } },
              ],
            },
          ],
        },
        { api: 'rest' },
      );
      return createApp({ config, forms, log: silentLogger });
    }

    function submit(app: ReturnType<typeof restApp>, mktoTrk: string) {
      return app.request('/v1/forms/contact/submissions', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: 'http://127.0.0.1:5173' },
        body: JSON.stringify({
          submissionId: crypto.randomUUID(),
          fields: { email: 'ana@example.test', firstName: 'Ana', company: 'Lee & Sons <Holdings>' },
          mktoTrk,
          context: { pageUrl: 'https://example.test/contact' },
        }),
      });
    }

    it('delivers a submission and joins the visits', async () => {
      await visit('https://example.test/');

      const response = await submit(restApp(), COOKIE);

      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ status: 'created', leadId: expect.any(Number), cookie: 'associated' });
      const [stored, ...others] = await leads();
      expect(others).toEqual([]);
      expect(stored).toMatchObject({ email: 'ana@example.test', anonymous: false, cookies: [COOKIE] });
      expect(stored?.attributes).toEqual({ FirstName: 'Ana', Company: 'Lee & Sons <Holdings>' });
      expect(stored?.visits).toHaveLength(1);
    });

    it('returns association_failed and keeps the lead', async () => {
      // The emulator now belongs to another instance, so it rejects the proxy's cookie with 1012.
      await configure({ credentials: { munchkinId: '999-XYZ-999' } });

      const response = await submit(restApp(), COOKIE);

      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ status: 'created', cookie: 'association_failed' });
      expect((await leads())[0]?.email).toBe('ana@example.test');
    });
  });

  /** Fetch that injects `queue` right before the first Associate Lead call is sent. */
  function injectBeforeAssociate(queue: Array<Record<string, unknown>>): typeof fetch {
    let injected = false;
    return async (input, init) => {
      const request = new Request(input, init);
      if (!injected && request.url.includes('/associate.json')) {
        injected = true;
        await inject(...queue);
      }
      return recordingFetch(request);
    };
  }
});
