import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';

import { RequestError } from '../../errors.js';
import { limitBodySize } from './index.js';

function appWithLimit(maxBytes: number) {
  const app = new Hono();
  app.post('/', limitBodySize(maxBytes), async (c) => c.text(`read ${(await c.req.text()).length}`));
  app.onError((error, c) => c.text(error instanceof RequestError ? `${error.status} ${error.message}` : 'unexpected', error instanceof RequestError ? 413 : 500));
  return app;
}

function stream(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  return new ReadableStream({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
}

describe('limitBodySize', () => {
  it('rejects a declared length above the limit without reading the body', async () => {
    const response = await appWithLimit(10).request('/', { method: 'POST', headers: { 'Content-Length': '11' }, body: 'x'.repeat(11) });

    expect(response.status).toBe(413);
    expect(await response.text()).toBe('413 The request body is larger than 10 bytes.');
  });

  it('passes a declared length at the limit', async () => {
    const response = await appWithLimit(10).request('/', { method: 'POST', headers: { 'Content-Length': '10' }, body: 'x'.repeat(10) });

    expect(response.status).toBe(200);
    expect(await response.text()).toBe('read 10');
  });

  it('counts a streamed body without a declared length', async () => {
    const app = appWithLimit(10);
    const init = (text: string) => ({ method: 'POST', headers: { 'Transfer-Encoding': 'chunked' }, body: stream(text), duplex: 'half' }) as RequestInit;

    expect((await app.request('/', init('x'.repeat(11)))).status).toBe(413);
    expect((await app.request('/', init('x'.repeat(10)))).status).toBe(200);
  });
});
