import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { hasEmulator, startTestEmulator, type RunningEmulator } from '../testing/emulator.js';
import { PACKAGE_DIRECTORY, startEntryProcess, stopEntryProcess, type RunningEntry } from '../testing/entry-process.js';

/**
 * Tests of the Deno and Bun entries: each runtime serves the same app and sends a submission to
 * the real emulator, and malformed requests get the replies that the proxy's README lists for
 * that runtime. The runtimes come from the optional dependencies `@deno/linux-x64-glibc` and
 * `@oven/bun-linux-x64`, which install on Linux x64 only.
 */

const ADMIN_TOKEN = 'runtime-smoke-test-token-0123456789abcdef';
const ORIGIN = 'https://www.example.test';

interface Runtime {
  name: 'deno' | 'bun';
  binary: string;
  args: string[];
  /**
   * Arguments that run the entry with the runtime's `serve` patched so that every request
   * throws, which reaches the error handler the entry passes to the runtime.
   */
  failingArgs: string[];
  /** Whether 16 KiB of headers reach the app's JSON 431 (Deno), or Bun's parser rejects them first. */
  headerLimitInApp: boolean;
  /** Status of the parser's own reply to 70 KB of headers. */
  hugeHeadersStatus: number;
  /** Reply to the unknown method `FOO`: the app's 405, or none because Bun closes the connection. */
  unknownMethodStatus: number | undefined;
}

const INJECTED_FAILURE = 'injected failure for ana@example.test';

const RUNTIMES: Runtime[] = [
  {
    name: 'deno',
    binary: `${PACKAGE_DIRECTORY}node_modules/@deno/linux-x64-glibc/deno`,
    args: ['run', '--allow-net', '--allow-env', '--allow-read', '--allow-write', '--allow-sys', '--unstable-sloppy-imports', 'src/adapters/deno.ts'],
    failingArgs: [
      'eval',
      '--unstable-sloppy-imports',
      'const serve = Deno.serve.bind(Deno);' +
        `Deno.serve = (options) => serve(options, () => { throw new Error(${JSON.stringify(INJECTED_FAILURE)}); });` +
        'await import("./src/adapters/deno.ts");',
    ],
    headerLimitInApp: true,
    hugeHeadersStatus: 400,
    unknownMethodStatus: 405,
  },
  {
    name: 'bun',
    binary: `${PACKAGE_DIRECTORY}node_modules/@oven/bun-linux-x64/bin/bun`,
    args: ['src/adapters/bun.ts'],
    failingArgs: [
      '-e',
      'const serve = Bun.serve.bind(Bun);' +
        `Bun.serve = (options) => serve({ ...options, fetch() { throw new Error(${JSON.stringify(INJECTED_FAILURE)}); } });` +
        'await import("./src/adapters/bun.ts");',
    ],
    headerLimitInApp: false,
    hugeHeadersStatus: 431,
    unknownMethodStatus: undefined,
  },
];

for (const runtime of RUNTIMES) {
  const installed = existsSync(runtime.binary);
  if (!installed) console.warn(`Skipping the ${runtime.name} smoke test: ${runtime.binary} is not installed (optional dependency for Linux x64).`);

  describe.skipIf(!installed || !hasEmulator)(`${runtime.name} entry`, () => {
    let emulator: RunningEmulator;
    let entry: RunningEntry;
    let directory: string;

    beforeAll(async () => {
      emulator = await startTestEmulator();
      directory = mkdtempSync(join(tmpdir(), `leadsync-${runtime.name}-`));
      entry = await startEntry(runtime, {
        MARKETO_API: 'soap',
        MARKETO_SOAP_ENDPOINT: `${emulator.url}/soap/mktows/2_9`,
        MARKETO_USER_ID: 'leadsync_demo_1A2B3C4D5E6F',
        MARKETO_ENCRYPTION_KEY: 'demo-encryption-key',
        MARKETO_MUNCHKIN_ID: '123-ABC-456',
        ALLOWED_ORIGINS: 'https://www.example.test',
        LEADSYNC_BASE_PATH: '/_leadsync',
        LEADSYNC_OUTBOX_PATH: join(directory, 'outbox.sqlite'),
        LEADSYNC_OUTBOX_DRAIN_INTERVAL_MS: '300',
        LEADSYNC_DELIVERY_TIMEOUT_MS: '1000',
        LEADSYNC_ADMIN_TOKEN: ADMIN_TOKEN,
        HOST: '127.0.0.1',
        PORT: '0',
      });
    }, 60_000);

    afterAll(async () => {
      await stopEntryProcess(entry);
      await emulator?.close();
      if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
    });

    function submit(email: string): Promise<Response> {
      return fetch(`${entry.url}/_leadsync/v1/forms/contact/submissions`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: ORIGIN },
        body: JSON.stringify({ submissionId: crypto.randomUUID(), fields: { email } }),
      });
    }

    async function setFaultQueue(queue: unknown[]): Promise<void> {
      const response = await fetch(`${emulator.url}/_emulator/config`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ faults: { queue } }),
      });
      expect(response.status).toBe(200);
    }

    async function leadCount(email: string): Promise<number> {
      const leads = (await (await fetch(`${emulator.url}/_emulator/leads`)).json()) as Array<{ email: string | null }>;
      return leads.filter((lead) => lead.email === email).length;
    }

    it('serves /healthz under the base path', async () => {
      const response = await fetch(`${entry.url}/_leadsync/healthz`);

      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ok' });
    });

    it('delivers a submission to the emulator', async () => {
      const email = `${runtime.name}-${Date.now()}@example.test`;

      const response = await submit(email);

      expect(response.status, entry.lines.join('\n')).toBe(200);
      expect(await response.json()).toMatchObject({ status: 'created' });
      expect(await leadCount(email)).toBe(1);
    });

    it('queues in its SQLite outbox and drains later', async () => {
      const email = `${runtime.name}-queued-${Date.now()}@example.test`;
      await setFaultQueue([{ kind: 'html500', count: 1000 }]);

      const response = await submit(email);
      await setFaultQueue([]);

      expect(response.status, entry.lines.join('\n')).toBe(202);
      expect(await response.json()).toMatchObject({ status: 'queued' });
      await expect.poll(() => leadCount(email), { timeout: 10_000, interval: 200 }).toBe(1);
      const stats = await fetch(`${entry.url}/_leadsync/admin/outbox`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
      expect(await stats.json()).toMatchObject({ pending: 0, dead: 0 });
    });

    it('logs its start with the runtime name', () => {
      const started = entry.lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line.message === 'Proxy started');

      expect(started).toMatchObject({ runtime: runtime.name, api: 'soap' });
    });
  });
}

/** Environment of an entry whose Marketo endpoint is never called, because no request is valid. */
function unusedMarketoEnv(directory: string): Record<string, string> {
  return {
    MARKETO_API: 'soap',
    MARKETO_SOAP_ENDPOINT: 'http://127.0.0.1:1/soap/mktows/2_9',
    MARKETO_USER_ID: 'leadsync_demo_1A2B3C4D5E6F',
    MARKETO_ENCRYPTION_KEY: 'demo-encryption-key',
    MARKETO_MUNCHKIN_ID: '123-ABC-456',
    ALLOWED_ORIGINS: ORIGIN,
    LEADSYNC_OUTBOX_PATH: join(directory, 'outbox.sqlite'),
    HOST: '127.0.0.1',
    PORT: '0',
  };
}

const SUBMISSION_HEAD = 'POST /v1/forms/contact/submissions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n';

/** Builds a GET of /healthz whose padding header makes the target plus header names and values `bytes` long. */
function healthRequestWithHeaderBytes(bytes: number): string {
  // "/healthz" + "Host" + "127.0.0.1" + "X-Padding" are 30 bytes.
  return `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: ${'a'.repeat(bytes - 30)}\r\n\r\n`;
}

function chunkedBody(totalBytes: number): string {
  const chunk = 'a'.repeat(8192);
  return `${`2000\r\n${chunk}\r\n`.repeat(Math.ceil(totalBytes / 8192))}0\r\n\r\n`;
}

for (const runtime of RUNTIMES) {
  const installed = existsSync(runtime.binary);

  describe.skipIf(!installed)(`${runtime.name} entry with malformed requests`, () => {
    let entry: RunningEntry;
    let directory: string;

    beforeAll(async () => {
      directory = mkdtempSync(join(tmpdir(), `leadsync-${runtime.name}-malformed-`));
      entry = await startEntry(runtime, unusedMarketoEnv(directory));
    }, 60_000);

    afterAll(async () => {
      await stopEntryProcess(entry);
      if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
    });

    it.each([
      ['a request line that is not HTTP', 'HELLO WORLD\r\n\r\n'],
      ['an invalid header name', 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header: x\r\n\r\n'],
      ['a negative Content-Length', `${SUBMISSION_HEAD}Content-Length: -1\r\n\r\n{}`],
      ['Content-Length with Transfer-Encoding', `${SUBMISSION_HEAD}Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n{}`],
    ])('leaves %s to the parser: 400, empty body', async (_case, request) => {
      const [response, ...more] = parseResponses(await exchangeRaw(entry.url, request));

      expect(response?.status).toBe(400);
      expect(response?.body).toBe('');
      expect(more).toEqual([]);
    });

    // Each runtime gets only the cases that apply to it, so no test shows up as skipped.
    if (runtime.headerLimitInApp) {
      it('answers JSON 431 to 16 KiB of headers', async () => {
        const [response] = parseResponses(await exchangeRaw(entry.url, healthRequestWithHeaderBytes(16 * 1024)));

        expect(response?.status).toBe(431);
        expect(response?.head).toMatch(/\r\ncontent-type: application\/json\r\n/i);
        expect(JSON.parse(response?.body ?? '')).toMatchObject({ error: { code: 'headers_too_large', retryable: false } });
        await expect.poll(() => entry.lines.some((line) => line.includes('"code":"headers_too_large"'))).toBe(true);
      });

      it('serves headers 1 byte under 16 KiB', async () => {
        const [response] = parseResponses(await exchangeRaw(entry.url, healthRequestWithHeaderBytes(16 * 1024 - 1)));

        expect(response?.status).toBe(200);
      });
    } else {
      it('leaves 16 KiB of headers to the parser: 431, empty body', async () => {
        const [response] = parseResponses(await exchangeRaw(entry.url, healthRequestWithHeaderBytes(16 * 1024)));

        expect(response?.status).toBe(431);
        expect(response?.body).toBe('');
      });
    }

    it(`leaves 70 KB of headers to the parser: ${runtime.hugeHeadersStatus}, empty body`, async () => {
      const [response] = parseResponses(await exchangeRaw(entry.url, healthRequestWithHeaderBytes(70_000)));

      expect(response?.status).toBe(runtime.hugeHeadersStatus);
      expect(response?.body).toBe('');
    });

    it('sends 100 Continue, then JSON 413, to an oversized Expect request', async () => {
      const reply = await exchangeRaw(entry.url, `${SUBMISSION_HEAD}Expect: 100-continue\r\nContent-Length: 1000000\r\n\r\n`);
      const [interim, response] = parseResponses(reply);

      expect(interim?.status).toBe(100);
      expect(response?.status).toBe(413);
      expect(JSON.parse(response?.body ?? '')).toMatchObject({ error: { code: 'payload_too_large' } });
    });

    it('answers JSON 413 to a declared 200 MB body', async () => {
      const [response] = parseResponses(await exchangeRaw(entry.url, `${SUBMISSION_HEAD}Content-Length: 200000000\r\n\r\n`));

      expect(response?.status).toBe(413);
      expect(JSON.parse(response?.body ?? '')).toMatchObject({ error: { code: 'payload_too_large' } });
    });

    it('answers JSON 413 to a chunked body over 64 KiB', async () => {
      const request = `${SUBMISSION_HEAD}Transfer-Encoding: chunked\r\n\r\n${chunkedBody(100 * 1024)}`;

      const [response] = parseResponses(await exchangeRaw(entry.url, request));

      expect(response?.status).toBe(413);
      expect(JSON.parse(response?.body ?? '')).toMatchObject({ error: { code: 'payload_too_large' } });
    });

    it('leaves bytes past Content-Length to the parser as a request', async () => {
      const reply = await exchangeRaw(entry.url, `${SUBMISSION_HEAD}Content-Length: 2\r\n\r\n{}surplus\r\n\r\n`, 2);
      const [served, rejected] = parseResponses(reply);

      expect(served?.status).toBe(400);
      expect(JSON.parse(served?.body ?? '')).toMatchObject({ error: { code: 'invalid_request' } });
      expect(rejected?.status).toBe(400);
      expect(rejected?.body).toBe('');
    });

    it(`replies ${runtime.unknownMethodStatus ?? 'nothing'} to the unknown method FOO`, async () => {
      const responses = parseResponses(await exchangeRaw(entry.url, 'FOO /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'));

      expect(responses[0]?.status).toBe(runtime.unknownMethodStatus);
    });
  });

  describe.skipIf(!installed)(`${runtime.name} entry with an error outside the app`, () => {
    let entry: RunningEntry;
    let directory: string;

    beforeAll(async () => {
      directory = mkdtempSync(join(tmpdir(), `leadsync-${runtime.name}-failing-`));
      entry = await startEntry(runtime, unusedMarketoEnv(directory), runtime.failingArgs);
    }, 60_000);

    afterAll(async () => {
      await stopEntryProcess(entry);
      if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
    });

    it('answers JSON 500 without the error text', async () => {
      const [response] = parseResponses(await exchangeRaw(entry.url, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'));

      expect(response?.status).toBe(500);
      expect(JSON.parse(response?.body ?? '')).toEqual({
        error: { code: 'internal_error', message: 'Something went wrong on our side. Please try again later.', retryable: false },
      });
      expect(response?.body).not.toContain('injected');
    });

    it('logs the error with the e-mail address masked', async () => {
      await exchangeRaw(entry.url, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');

      await expect.poll(() => entry.lines.find((line) => line.includes('injected failure'))).toBeDefined();
      const line = JSON.parse(entry.lines.find((text) => text.includes('injected failure')) ?? '{}') as Record<string, unknown>;
      expect(line).toMatchObject({ level: 'error', code: 'internal_error' });
      expect(line.message).not.toContain('ana@example.test');
    });
  });
}

interface RawResponse {
  status: number;
  /** Status line and header fields, without the blank line. */
  head: string;
  body: string;
}

/**
 * Splits what a server sent on one connection into responses, each body sized by its
 * Content-Length (none means an empty body). A response cut off before its whole body is left out.
 */
function parseResponses(reply: string): RawResponse[] {
  const responses: RawResponse[] = [];
  let offset = 0;

  while (offset < reply.length) {
    const headEnd = reply.indexOf('\r\n\r\n', offset);
    if (headEnd === -1) break;

    const head = reply.slice(offset, headEnd);
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
    const bodyStart = headEnd + 4;
    if (bodyStart + length > reply.length) break;

    responses.push({ status: Number(head.split(' ')[1]), head, body: reply.slice(bodyStart, bodyStart + length) });
    offset = bodyStart + length;
  }
  return responses;
}

/**
 * Writes `request` on a raw connection and returns what the server sends, once it has sent
 * `finalResponses` whole responses besides any 1xx, closed the connection, or 10 s have passed.
 */
async function exchangeRaw(url: string, request: string, finalResponses = 1): Promise<string> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  let reply = '';

  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 10_000);
    const finish = () => {
      clearTimeout(timer);
      resolve();
    };
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString('latin1');
      if (parseResponses(reply).filter((response) => response.status >= 200).length >= finalResponses) finish();
    });
    // A reset after the reply, e.g. from a server that closes with request bytes unread, ends the exchange too.
    socket.once('error', finish);
    socket.once('close', finish);
    socket.write(request);
  });
  socket.destroy();
  return reply;
}

function startEntry(runtime: Runtime, env: Record<string, string>, args = runtime.args): Promise<RunningEntry> {
  return startEntryProcess(runtime.name, runtime.binary, args, env);
}
