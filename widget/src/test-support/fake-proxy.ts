import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FormDefinition, SubmissionBody } from '../types';

/** A reply the fake proxy gives to one submission. */
export interface ScriptedReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Milliseconds to wait before replying. */
  delayMs?: number;
}

/**
 * A stand-in for the Leadsync proxy on 127.0.0.1 and an ephemeral port. It serves form
 * definitions, records every submission it receives and replies to them from a script (default:
 * 200 "created"). It allows every origin, as a proxy configured for the test page would.
 */
export interface FakeProxy {
  endpoint: string;
  submissions: SubmissionBody[];
  definitionRequests: number;
  forms: Record<string, FormDefinition>;
  /** Replies for the next submissions, used in order. */
  replies: ScriptedReply[];
  close(): Promise<void>;
}

export async function startFakeProxy(forms: Record<string, FormDefinition> = {}): Promise<FakeProxy> {
  const proxy: FakeProxy = {
    endpoint: '',
    submissions: [],
    definitionRequests: 0,
    forms,
    replies: [],
    close: () => new Promise((resolve) => server.close(() => resolve()))
  };

  const server: Server = createServer(async (request, response) => {
    const headers = {
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Allow-Headers': 'Content-Type',
      'Access-Control-Allow-Methods': 'GET, POST',
      'Access-Control-Expose-Headers': 'Retry-After'
    };
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const reply = (status: number, body: unknown, extra: Record<string, string> = {}) => {
      response.writeHead(status, { ...headers, 'Content-Type': 'application/json', ...extra });
      response.end(JSON.stringify(body));
    };

    if (request.method === 'OPTIONS') {
      response.writeHead(204, headers);
      response.end();
      return;
    }

    const formMatch = /^\/v1\/forms\/([^/]+)$/.exec(url.pathname);
    if (request.method === 'GET' && formMatch) {
      proxy.definitionRequests++;
      const form = proxy.forms[decodeURIComponent(formMatch[1]!)];
      reply(form ? 200 : 404, form ?? { error: { code: 'unknown_form', message: 'unknown form', retryable: false } });
      return;
    }

    if (request.method === 'POST' && /^\/v1\/forms\/[^/]+\/submissions$/.test(url.pathname)) {
      const body = JSON.parse(await readBody(request)) as SubmissionBody;
      proxy.submissions.push(body);
      const scripted = proxy.replies.shift() ?? {
        status: 200,
        body: { submissionId: body.submissionId, status: 'created', leadId: 1 }
      };
      if (scripted.delayMs) await new Promise((resolve) => setTimeout(resolve, scripted.delayMs));
      reply(scripted.status, scripted.body ?? {}, scripted.headers);
      return;
    }

    reply(404, { error: { code: 'not_found', message: 'not found', retryable: false } });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (text += chunk));
    request.on('end', () => resolve(text));
    request.on('error', reject);
  });
}

/** The demo's contact form, as the proxy serves it, plus help text and a checkbox. */
export const CONTACT_FORM: FormDefinition = {
  id: 'contact',
  munchkinId: '123-ABC-456',
  title: { en: 'Talk to our team', de: 'Sprechen Sie mit unserem Team' },
  submitLabel: { en: 'Send', de: 'Senden' },
  successMessage: { en: 'Thank you! We will be in touch shortly.', de: 'Vielen Dank! Wir melden uns in Kürze.' },
  fields: [
    {
      name: 'email',
      type: 'email',
      required: true,
      maxLength: 254,
      autocomplete: 'email',
      label: { en: 'Business email', de: 'Geschäftliche E-Mail' },
      help: { en: 'We never share it.', de: 'Wir geben sie nie weiter.' }
    },
    { name: 'firstName', type: 'text', maxLength: 20, label: { en: 'First name', de: 'Vorname' } },
    { name: 'company', type: 'text', minLength: 2, label: { en: 'Company', de: 'Firma' } },
    { name: 'newsletter', type: 'checkbox', label: { en: 'Send me news', de: 'Schicken Sie mir Neuigkeiten' } },
    { name: 'source', type: 'hidden', value: 'website', label: 'Source' }
  ]
};
