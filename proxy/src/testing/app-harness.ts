/** Builds the real app for `app.request()` tests, with a fake upstream that counts calls. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { createApp, type AppDeps } from '../app.js';
import { loadConfig, type Env } from '../config.js';
import { createRetryPolicy } from '../delivery/retry-policy.js';
import type { FormCatalog } from '../forms/form-definition.js';
import { parseForms } from '../forms/parse-forms.js';
import type { Logger } from '../log.js';
import { createStructuredLogger } from '../observability/logger.js';
import { fakeUpstream, type FakeReply, type FakeUpstream, type RecordedRequest } from './fake-upstream.js';
import { successReply } from './soap-replies.js';

export const ORIGIN = 'https://www.example.test';
export const ENCRYPTION_KEY = 'demo-encryption-key';
export const USER_ID = 'leadsync_demo_1A2B3C4D5E6F';
export const COOKIE = 'id:123-ABC-456&token:_mch-example.test-1700000000000-12345';
export const CLIENT_ADDRESS = '203.0.113.9';

export const BASE_ENV: Env = {
  MARKETO_API: 'soap',
  MARKETO_SOAP_ENDPOINT: 'http://127.0.0.1:1/soap/mktows/2_9',
  MARKETO_USER_ID: USER_ID,
  MARKETO_ENCRYPTION_KEY: ENCRYPTION_KEY,
  MARKETO_MUNCHKIN_ID: '123-ABC-456',
  ALLOWED_ORIGINS: ORIGIN,
};

export const DEMO_FORMS: FormCatalog = parseForms(
  JSON.parse(readFileSync(fileURLToPath(new URL('../../config/forms.demo.json', import.meta.url)), 'utf8')) as unknown,
  { api: 'soap' },
);

export interface Harness {
  app: ReturnType<typeof createApp>;
  upstream: FakeUpstream;
  /** Every log line, parsed. */
  logs: Array<Record<string, unknown>>;
  /** Every log line as written. */
  rawLogs: string[];
}

export type ReplySpec = FakeReply | ((request: RecordedRequest) => FakeReply);

export interface HarnessOptions extends Partial<AppDeps> {
  env?: Env;
  /** Replies of the fake Marketo, in order; the last repeats. Default: one CREATED lead 4242. */
  replies?: ReplySpec[];
}

/**
 * Creates the app with the demo forms, a logger that records lines, a retry policy without
 * jitter and the fake upstream. The runtime address is `CLIENT_ADDRESS` unless overridden.
 */
export function createHarness(options: HarnessOptions = {}): Harness {
  const { env = {}, replies = [{ status: 200, body: successReply(4242, 'CREATED') }], ...deps } = options;
  const upstream = fakeUpstream(...replies);
  const rawLogs: string[] = [];
  const logs: Array<Record<string, unknown>> = [];
  const log: Logger = createStructuredLogger({
    write: (line) => {
      rawLogs.push(line);
      logs.push(JSON.parse(line) as Record<string, unknown>);
    },
  });
  let seconds = 0;

  const app = createApp({
    config: loadConfig({ ...BASE_ENV, ...env }),
    forms: DEMO_FORMS,
    fetch: upstream.fetch,
    now: () => new Date(Date.UTC(2026, 0, 15, 18, 0, seconds++)),
    log,
    retryPolicy: createRetryPolicy({ random: () => 0 }),
    runtimeAddress: () => CLIENT_ADDRESS,
    ...deps,
  });
  return { app, upstream, logs, rawLogs };
}

/** Returns a valid submission of the demo contact form, as the widget posts it. */
export function submission(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    submissionId: crypto.randomUUID(),
    fields: { email: 'ana@example.test', firstName: 'Zoë', company: 'Lee & Sons <Holdings>' },
    mktoTrk: COOKIE,
    context: { pageUrl: 'https://www.example.test/pricing', locale: 'de' },
    signals: { honeypot: '', elapsedMs: 6000 },
    ...overrides,
  };
}

export function postSubmission(app: Harness['app'], body: unknown, headers: Record<string, string> = {}, formId = 'contact'): Promise<Response> {
  return Promise.resolve(
    app.request(`/v1/forms/${formId}/submissions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: ORIGIN, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }),
  );
}

export interface ErrorBody {
  code: string;
  message: string;
  retryable: boolean;
  fields?: Array<{ name: string; code: string; message: string }>;
}

export async function errorOf(response: Response): Promise<ErrorBody> {
  return ((await response.json()) as { error: ErrorBody }).error;
}
