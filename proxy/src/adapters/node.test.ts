import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import type { Env } from '../config.js';
import { ConfigError, FormsConfigError } from '../errors.js';
import type { Logger } from '../log.js';
import { fakeUpstream } from '../testing/fake-upstream.js';
import { successReply } from '../testing/soap-replies.js';
import { SqliteOutbox } from '../outbox/sqlite-outbox.js';
import { startProxy, type RunningProxy } from './node.js';

const directory = mkdtempSync(join(tmpdir(), 'leadsync-node-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const ENV: Env = {
  MARKETO_API: 'soap',
  MARKETO_SOAP_ENDPOINT: 'http://127.0.0.1:1/soap/mktows/2_9',
  MARKETO_USER_ID: 'leadsync_demo_1A2B3C4D5E6F',
  MARKETO_ENCRYPTION_KEY: 'demo-encryption-key',
  MARKETO_MUNCHKIN_ID: '123-ABC-456',
  ALLOWED_ORIGINS: 'http://127.0.0.1:5173',
  LEADSYNC_WIDGET_PATH: join(directory, 'missing-widget.js'),
  // Keeps these tests off the default outbox file that `pnpm start` uses.
  LEADSYNC_OUTBOX_PATH: join(directory, 'outbox.sqlite'),
};

function recordingLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  return { logger: { log: (level, message, fields) => lines.push({ level, message, ...fields }) }, lines };
}

async function withProxy(options: Parameters<typeof startProxy>[0], run: (proxy: RunningProxy) => Promise<void>): Promise<void> {
  const proxy = await startProxy({ port: 0, ...options });
  try {
    await run(proxy);
  } finally {
    await proxy.close();
  }
}

describe('startProxy', () => {
  it('listens on an ephemeral loopback port and serves the demo form', async () => {
    const { logger } = recordingLogger();

    await withProxy({ env: ENV, log: logger }, async (proxy) => {
      expect(proxy.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(proxy.url).not.toMatch(/:8787$/);

      const health = await fetch(`${proxy.url}/healthz`);
      expect(await health.json()).toEqual({ status: 'ok' });

      const form = (await (await fetch(`${proxy.url}/v1/forms/contact`)).json()) as { id: string; munchkinId: string };
      expect(form).toMatchObject({ id: 'contact', munchkinId: '123-ABC-456' });
    });
  });

  it('logs one JSON line at start and one at stop', async () => {
    const { logger, lines } = recordingLogger();

    await withProxy({ env: ENV, log: logger }, async () => {});

    expect(lines.map((line) => line.message)).toEqual(['Proxy started', 'Proxy stopped']);
    expect(lines[0]).toMatchObject({ level: 'info', api: 'soap', forms: 1 });
    expect(JSON.stringify(lines)).not.toContain('demo-encryption-key');
  });

  it('answers 503 for the widget until it is built, then serves it', async () => {
    const widgetPath = join(directory, 'leadsync.js');

    await withProxy({ env: { ...ENV, LEADSYNC_WIDGET_PATH: widgetPath }, log: recordingLogger().logger }, async (proxy) => {
      const before = await fetch(`${proxy.url}/leadsync.js`);
      expect(before.status).toBe(503);
      expect(((await before.json()) as { error: { code: string } }).error.code).toBe('widget_not_built');

      writeFileSync(widgetPath, 'window.Leadsync = {};');
      const after = await fetch(`${proxy.url}/leadsync.js`);
      expect(after.status).toBe(200);
      expect(after.headers.get('Content-Type')).toBe('application/javascript; charset=utf-8');
      expect(await after.text()).toBe('window.Leadsync = {};');
    });
  });

  it('sends a submission over real HTTP through the given fetch', async () => {
    const upstream = fakeUpstream({ status: 200, body: successReply(31, 'CREATED') });

    await withProxy({ env: ENV, log: recordingLogger().logger, fetch: upstream.fetch }, async (proxy) => {
      const response = await fetch(`${proxy.url}/v1/forms/contact/submissions`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: 'http://127.0.0.1:5173' },
        body: JSON.stringify({ submissionId: '6a1f7f9e-1d2c-4b3a-8e9f-0a1b2c3d4e5f', fields: { email: 'ana@example.test' } }),
      });

      expect(response.status).toBe(200);
      expect(response.headers.get('Access-Control-Allow-Origin')).toBe('http://127.0.0.1:5173');
      expect(await response.json()).toMatchObject({ leadId: 31, status: 'created', cookie: 'absent' });
      expect(upstream.calls).toBe(1);
    });
  });

  it('reads the forms file named by LEADSYNC_CONFIG', async () => {
    const formsPath = join(directory, 'forms.json');
    writeFileSync(
      formsPath,
      JSON.stringify({ forms: [{ id: 'webinar', fields: [{ name: 'email', type: 'email', label: { en: 'Email' }, marketo: { soap: 'Email' } }] }] }),
    );

    await withProxy({ env: { ...ENV, LEADSYNC_CONFIG: formsPath }, log: recordingLogger().logger }, async (proxy) => {
      expect((await fetch(`${proxy.url}/v1/forms/webinar`)).status).toBe(200);
      expect((await fetch(`${proxy.url}/v1/forms/contact`)).status).toBe(404);
    });
  });

  it('refuses to start with invalid configuration', async () => {
    await expect(startProxy({ env: { ...ENV, MARKETO_MUNCHKIN_ID: 'nope' }, port: 0 })).rejects.toThrow(ConfigError);
  });

  it('starts with MARKETO_API=rest and the demo forms file', async () => {
    const lines = recordingLogger();
    const env: Env = {
      ...ENV,
      MARKETO_API: 'rest',
      MARKETO_REST_ENDPOINT: 'http://127.0.0.1:1',
      MARKETO_CLIENT_ID: 'demo-client-id',
      MARKETO_CLIENT_SECRET: 'demo-client-secret',
    };

    await withProxy({ env, log: lines.logger }, async (proxy) => {
      expect((await fetch(`${proxy.url}/v1/forms/contact`)).status).toBe(200);
    });
    expect(lines.lines[0]).toMatchObject({ message: 'Proxy started', api: 'rest' });
  });

  it('refuses MARKETO_API=rest when a form field has no REST counterpart', async () => {
    const formsPath = join(directory, 'foreign-id.json');
    const fields = [
      { name: 'email', type: 'email', required: true, label: { en: 'Email' }, marketo: { soap: 'Email' } },
      { name: 'crmId', type: 'hidden', label: { en: 'CRM id' }, marketo: { soap: 'ForeignSysPersonId' } },
    ];
    writeFileSync(formsPath, JSON.stringify({ forms: [{ id: 'partner', fields }] }));
    const env: Env = {
      ...ENV,
      MARKETO_API: 'rest',
      MARKETO_REST_ENDPOINT: 'http://127.0.0.1:1',
      MARKETO_CLIENT_ID: 'demo-client-id',
      MARKETO_CLIENT_SECRET: 'demo-client-secret',
      LEADSYNC_CONFIG: formsPath,
    };

    await expect(startProxy({ env, port: 0 })).rejects.toThrow(FormsConfigError);
    await expect(startProxy({ env, port: 0 })).rejects.toThrow(
      /field "crmId", "marketo": has no "rest" name, and the SOAP field "ForeignSysPersonId" cannot be sent with MARKETO_API=rest/,
    );
  });

  it('names a missing forms file and the variable to fix', async () => {
    const missing = join(directory, 'nope.json');

    await expect(startProxy({ env: { ...ENV, LEADSYNC_CONFIG: missing }, port: 0 })).rejects.toThrow(FormsConfigError);
    await expect(startProxy({ env: { ...ENV, LEADSYNC_CONFIG: missing }, port: 0 })).rejects.toThrow(
      `Cannot read the forms file ${missing} (ENOENT); check LEADSYNC_CONFIG.`,
    );
  });

  it('names a forms file that is not JSON', async () => {
    const broken = join(directory, 'broken.json');
    writeFileSync(broken, '{ "forms": [ ');

    await expect(startProxy({ env: { ...ENV, LEADSYNC_CONFIG: broken }, port: 0 })).rejects.toThrow(
      new RegExp(`^The forms file ${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not valid JSON: `),
    );
  });

  it('reads a forms file that starts with a byte order mark', async () => {
    const withMark = join(directory, 'with-mark.json');
    const forms = { forms: [{ id: 'webinar', fields: [{ name: 'email', type: 'email', label: { en: 'Email' }, marketo: { soap: 'Email' } }] }] };
    writeFileSync(withMark, `\uFEFF${JSON.stringify(forms)}`);

    await withProxy({ env: { ...ENV, LEADSYNC_CONFIG: withMark }, log: recordingLogger().logger }, async (proxy) => {
      expect((await fetch(`${proxy.url}/v1/forms/webinar`)).status).toBe(200);
    });
  });

  it('names HOST when it is not an address of this machine', async () => {
    await expect(startProxy({ env: { ...ENV, HOST: '192.0.2.1' }, port: 0, log: recordingLogger().logger })).rejects.toMatchObject({
      variable: 'HOST',
      message: expect.stringContaining('HOST=192.0.2.1 is not an address of this machine'),
    });
  });

  it('names PORT when it is in use', async () => {
    const first = await startProxy({ env: ENV, port: 0, log: recordingLogger().logger });
    const port = Number(new URL(first.url).port);

    const second = startProxy({ env: ENV, port, log: recordingLogger().logger });

    await expect(second).rejects.toMatchObject({ variable: 'PORT', message: expect.stringContaining('is already in use') });
    await first.close();
  });
});

describe('startProxy stopping with a submission in flight', () => {
  const SUBMISSION = { submissionId: '5b2e8c1a-7d4f-4e6a-9b1c-2d3e4f5a6b7c', fields: { email: 'stopping@example.test' } };

  function post(url: string): Promise<Response> {
    return fetch(`${url}/v1/forms/contact/submissions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: 'http://127.0.0.1:5173' },
      body: JSON.stringify(SUBMISSION),
    });
  }

  /** Returns a fetch that resolves with a syncLead success after `delayMs`, or rejects when `reply` is 'fail'. */
  function slowUpstream(delayMs: number, reply: 'success' | 'fail'): typeof globalThis.fetch {
    const upstream = fakeUpstream({ status: 200, body: successReply(41, 'CREATED') });
    return async (input, init) => {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      if (reply === 'fail') throw new TypeError('fetch failed');
      return upstream.fetch(input, init);
    };
  }

  it('answers the submission before it stops', async () => {
    const proxy = await startProxy({ env: ENV, port: 0, log: recordingLogger().logger, fetch: slowUpstream(300, 'success') });

    const response = post(proxy.url);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await proxy.close();

    expect((await response).status).toBe(200);
  });

  it('tells a kept-alive client to close its connection', async () => {
    const proxy = await startProxy({ env: ENV, port: 0, log: recordingLogger().logger, fetch: slowUpstream(300, 'success') });
    const body = JSON.stringify(SUBMISSION);
    const request =
      `POST /v1/forms/contact/submissions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
      `Origin: http://127.0.0.1:5173\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

    const reply = exchangeRaw(proxy.url, request, 2000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await proxy.close();

    expect(await reply).toMatch(/^HTTP\/1\.1 200 /);
    expect(await reply).toContain('Connection: close');
  });

  it('stores a failing submission before it closes the outbox', async () => {
    const outboxPath = join(directory, 'stopping.sqlite');
    const env = { ...ENV, LEADSYNC_OUTBOX_PATH: outboxPath, LEADSYNC_DELIVERY_TIMEOUT_MS: '1000' };
    const proxy = await startProxy({ env, port: 0, log: recordingLogger().logger, fetch: slowUpstream(300, 'fail') });

    const response = post(proxy.url);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await proxy.close();
    const outbox = new SqliteOutbox({ path: outboxPath });
    const stats = await outbox.stats();
    outbox.close();

    expect((await response).status).toBe(202);
    expect(stats.pending).toBe(1);
  });
});

/** Sends a submission head, `rest` (the framing header and part of the body), then closes the connection. */
async function postHalfABody(url: string, rest: string): Promise<void> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));

  socket.write('POST /v1/forms/contact/submissions HTTP/1.1\r\n' + `Host: ${hostname}:${port}\r\n` + 'Content-Type: application/json\r\n' + rest);
  await new Promise((resolve) => setTimeout(resolve, 50));
  socket.destroy();
}

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('startProxy with a client that hangs up mid-body', () => {
  const framings = [
    ['Content-Length', 'Content-Length: 100\r\n\r\n{"submissionId":'],
    ['chunked', 'Transfer-Encoding: chunked\r\n\r\n10\r\n{"submissionId":'],
  ] as const;

  it.each(framings)('logs the abort at info level with %s', async (_framing, rest) => {
    const { logger, lines } = recordingLogger();

    await withProxy({ env: ENV, log: logger }, async (proxy) => {
      await postHalfABody(proxy.url, rest);
      await waitFor(() => lines.some((line) => line.code === 'client_aborted'));

      const abort = lines.find((line) => line.code === 'client_aborted');
      expect(abort?.level).toBe('info');
      expect(lines.filter((line) => line.level === 'error' || line.level === 'warn')).toEqual([]);
    });
  });

  it.each(framings)('counts the abort under outcome aborted with %s', async (_framing, rest) => {
    const { logger, lines } = recordingLogger();

    await withProxy({ env: ENV, log: logger }, async (proxy) => {
      await postHalfABody(proxy.url, rest);
      await waitFor(() => lines.some((line) => line.code === 'client_aborted'));

      const metrics = await (await fetch(`${proxy.url}/metrics`)).text();
      expect(metrics).toContain('leadsync_submissions_total{outcome="aborted"} 1');
      expect(metrics).not.toContain('outcome="failed"');
    });
  });
});

/** Writes `request` on a raw connection and returns what the server sends within `waitMs` or until it closes. */
async function exchangeRaw(url: string, request: string, waitMs = 1000): Promise<string> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));

  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.write(request);
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, waitMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  socket.destroy();
  return Buffer.concat(chunks).toString('utf8');
}

function bodyOf(reply: string): unknown {
  return JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4));
}

const SUBMISSION_HEAD = 'POST /v1/forms/contact/submissions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n';

describe('startProxy with requests Node rejects', () => {
  it.each([
    ['a negative Content-Length', 'Content-Length: -1\r\n'],
    ['a non-numeric Content-Length', 'Content-Length: ten\r\n'],
    ['two different Content-Length headers', 'Content-Length: 2\r\nContent-Length: 3\r\n'],
    ['Content-Length with Transfer-Encoding', 'Content-Length: 2\r\nTransfer-Encoding: chunked\r\n'],
  ])('answers 400 with a JSON body for %s', async (_case, headers) => {
    const { logger } = recordingLogger();

    await withProxy({ env: ENV, log: logger }, async (proxy) => {
      const reply = await exchangeRaw(proxy.url, `${SUBMISSION_HEAD}${headers}\r\n{}`);

      expect(reply).toMatch(/^HTTP\/1\.1 400 /);
      expect(reply).toContain('Content-Type: application/json');
      expect(bodyOf(reply)).toMatchObject({ error: { code: 'invalid_request', retryable: false } });
    });
  });

  it.each([
    ['a request line that is not HTTP', 'FOO BAR\r\n\r\n', 'The HTTP request line is malformed'],
    ['a header name with a space', 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header: x\r\n\r\n', 'An HTTP header line is malformed'],
    ['a chunk size that is not hexadecimal', `${SUBMISSION_HEAD}Transfer-Encoding: chunked\r\n\r\nzz\r\n`, 'The chunked request body is malformed'],
    ['an unknown Transfer-Encoding', `${SUBMISSION_HEAD}Transfer-Encoding: gzip, foo\r\n\r\n`, 'check Content-Length and Transfer-Encoding'],
  ])('names the broken part for %s', async (_case, request, message) => {
    const { logger } = recordingLogger();

    await withProxy({ env: ENV, log: logger }, async (proxy) => {
      const reply = await exchangeRaw(proxy.url, request);

      expect(reply).toMatch(/^HTTP\/1\.1 400 /);
      expect(bodyOf(reply)).toMatchObject({ error: { code: 'invalid_request', retryable: false } });
      expect(reply).toContain(message);
    });
  });

  it('responds before trailing garbage', async () => {
    const { logger } = recordingLogger();

    await withProxy({ env: ENV, log: logger }, async (proxy) => {
      const reply = await exchangeRaw(proxy.url, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nNOT HTTP AT ALL\r\n\r\n');
      // A body without a final newline runs straight into the next status line.
      const statusLines = reply.match(/HTTP\/1\.1 \d{3}/g);

      expect(statusLines).toEqual(['HTTP/1.1 200', 'HTTP/1.1 400']);
      expect(reply).toContain('"code":"invalid_request"');
      expect(reply).toContain('The HTTP request line is malformed');
    });
  });

  it('sends pipelined responses before trailing garbage', async () => {
    const { logger } = recordingLogger();
    const body = '{}';
    const submission = `${SUBMISSION_HEAD}Origin: http://127.0.0.1:5173\r\nContent-Length: ${body.length}\r\n\r\n${body}`;

    await withProxy({ env: ENV, log: logger }, async (proxy) => {
      const reply = await exchangeRaw(proxy.url, `${submission}GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n\x01\x02\r\n\r\n`);
      const statusLines = reply.match(/HTTP\/1\.1 \d{3}/g);

      expect(statusLines).toEqual(['HTTP/1.1 400', 'HTTP/1.1 200', 'HTTP/1.1 400']);
      expect(reply.lastIndexOf('"code":"invalid_request"')).toBeGreaterThan(reply.indexOf('"status":"ok"'));
    });
  });

  it.each([
    ['a Host with a space', 'GET /healthz HTTP/1.1\r\nHost: a b\r\nConnection: close\r\n\r\n'],
    ['the asterisk target', 'GET * HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'],
  ])('answers 400 with a JSON body for %s', async (_case, request) => {
    const { logger } = recordingLogger();

    await withProxy({ env: ENV, log: logger }, async (proxy) => {
      const reply = await exchangeRaw(proxy.url, request);

      expect(reply).toMatch(/^HTTP\/1\.1 400 /);
      expect(bodyOf(reply)).toMatchObject({ error: { code: 'invalid_request', message: expect.stringContaining('Host header is invalid') } });
    });
  });

  it('answers 431 with a JSON body for 20 KB of headers', async () => {
    const { logger } = recordingLogger();

    await withProxy({ env: ENV, log: logger }, async (proxy) => {
      const reply = await exchangeRaw(proxy.url, `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: ${'a'.repeat(20_000)}\r\n\r\n`);

      expect(reply).toMatch(/^HTTP\/1\.1 431 /);
      expect(bodyOf(reply)).toMatchObject({ error: { code: 'headers_too_large' } });
    });
  });

  it('answers 413 without 100 Continue to an oversized Expect request', async () => {
    const { logger } = recordingLogger();

    await withProxy({ env: ENV, log: logger }, async (proxy) => {
      const reply = await exchangeRaw(proxy.url, `${SUBMISSION_HEAD}Expect: 100-continue\r\nContent-Length: 1000000\r\n\r\n`);

      expect(reply).not.toContain('100 Continue');
      expect(reply).toMatch(/^HTTP\/1\.1 413 /);
      expect(bodyOf(reply)).toMatchObject({ error: { code: 'payload_too_large' } });
    });
  });

  it('answers 417 with a JSON body to an unknown Expect', async () => {
    const { logger } = recordingLogger();

    await withProxy({ env: ENV, log: logger }, async (proxy) => {
      const reply = await exchangeRaw(proxy.url, `${SUBMISSION_HEAD}Expect: something-else\r\nContent-Length: 2\r\n\r\n{}`);

      expect(reply).toMatch(/^HTTP\/1\.1 417 /);
      expect(bodyOf(reply)).toMatchObject({ error: { code: 'expectation_failed', message: expect.stringContaining('Expect "something-else"') } });
    });
  });

  it('sends 100 Continue to a small Expect request and serves it', async () => {
    const { logger } = recordingLogger();

    await withProxy({ env: ENV, log: logger }, async (proxy) => {
      const reply = await exchangeRaw(proxy.url, `${SUBMISSION_HEAD}Expect: 100-continue\r\nContent-Length: 1\r\nConnection: close\r\n\r\n{`);

      expect(reply).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 400 /);
      expect(reply).toContain('"code":"invalid_json"');
    });
  });
});
