import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { UpstreamFetch } from '../marketo/upstream-fetch.js';
import { createNodeFetch } from './node-fetch.js';

interface Received {
  method: string;
  headers: IncomingMessage['headers'];
  body: string;
  remotePort: number;
}

const received: Received[] = [];
let server: Server;
let base: string;

/** Handles the test server's routes; each path names the reply it sends. */
function answer(request: IncomingMessage, response: ServerResponse, body: string): void {
  received.push({ method: request.method ?? '', headers: request.headers, body, remotePort: request.socket.remotePort ?? 0 });
  switch (request.url) {
    case '/echo':
      response.writeHead(201, { 'Content-Type': 'text/plain' }).end(`got ${body}`);
      return;
    case '/chunks':
      // "Grüße" with its UTF-8 bytes split across two writes, after a byte-order mark.
      response.writeHead(200);
      response.write(Buffer.from([0xef, 0xbb, 0xbf, 0x47, 0x72, 0xc3]));
      setTimeout(() => response.end(Buffer.from([0xbc, 0xc3, 0x9f, 0x65])), 20);
      return;
    case '/large':
      response.writeHead(200).end('x'.repeat(2048));
      return;
    case '/late':
      setTimeout(() => response.writeHead(200).end('late but whole'), 150);
      return;
    case '/empty':
      response.writeHead(204).end();
      return;
    case '/slow':
      response.writeHead(200);
      response.write('partial');
      return; // never ends; the client's abort must end it
    case '/broken':
      response.writeHead(200, { 'Content-Length': '100' });
      response.write('only part of it');
      setTimeout(() => response.socket?.destroy(), 20);
      return;
    default:
      response.writeHead(404).end('no such path');
  }
}

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => answer(request, response, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('createNodeFetch', () => {
  const nodeFetch = createNodeFetch();

  it('sends method, headers and a string body, and reads status and body', async () => {
    const reply = await nodeFetch(`${base}/echo`, { method: 'POST', headers: { 'Content-Type': 'text/xml; charset=UTF-8', SOAPAction: 'x' }, body: 'Grüße <a/>' });

    expect(reply.status).toBe(201);
    expect(await reply.text()).toBe('got Grüße <a/>');
    const request = received.at(-1)!;
    expect(request.method).toBe('POST');
    expect(request.headers['content-type']).toBe('text/xml; charset=UTF-8');
    expect(request.headers.soapaction).toBe('x');
    expect(request.headers['content-length']).toBe(String(Buffer.byteLength('Grüße <a/>')));
  });

  it('sets Content-Length from the body', async () => {
    await nodeFetch(`${base}/echo`, { method: 'POST', headers: { 'Content-Length': '1' }, body: 'four' });
    expect(received.at(-1)!.headers['content-length']).toBe('4');

    await nodeFetch(`${base}/echo`, { method: 'POST', headers: new Headers({ 'X-Trace': 'a', 'Content-Length': '1' }), body: 'three' });
    expect(received.at(-1)!.headers['content-length']).toBe('5');
    expect(received.at(-1)!.headers['x-trace']).toBe('a');
  });

  it('decodes split UTF-8 without the byte-order mark', async () => {
    const reply = await nodeFetch(`${base}/chunks`, {});
    expect(await reply.text()).toBe('Grüße');
  });

  it('returns 204 and 404 replies as received', async () => {
    expect(await (await nodeFetch(`${base}/empty`, {})).text()).toBe('');
    const missing = await nodeFetch(`${base}/nowhere`, {});
    expect(missing.status).toBe(404);
    expect(await missing.text()).toBe('no such path');
  });

  it('reuses one kept-alive connection for requests in turn', async () => {
    await nodeFetch(`${base}/echo`, { method: 'POST', body: 'one' });
    await nodeFetch(`${base}/echo`, { method: 'POST', body: 'two' });
    const [first, second] = received.slice(-2);
    expect(second!.remotePort).toBe(first!.remotePort);
  });

  it('rejects with the signal’s reason when aborted before sending', async () => {
    const controller = new AbortController();
    controller.abort(new Error('given up'));
    const before = received.length;

    await expect(nodeFetch(`${base}/echo`, { method: 'POST', body: 'x', signal: controller.signal })).rejects.toThrow('given up');
    expect(received.length).toBe(before);
  });

  it('rejects with the signal’s reason when aborted while the reply is arriving', async () => {
    const signal = AbortSignal.timeout(100);
    await expect(nodeFetch(`${base}/slow`, { signal })).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it('rejects when the connection breaks before the reply is complete', async () => {
    await expect(nodeFetch(`${base}/broken`, {})).rejects.toThrow(/aborted|closed before the reply was complete/);
  });

  it('rejects with the system error when nothing listens', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));

    await expect(nodeFetch(`http://127.0.0.1:${port}/`, {})).rejects.toThrow('ECONNREFUSED');
  });

  it('rejects a reply above maxReplyBytes', async () => {
    const small = createNodeFetch({ maxReplyBytes: 1024 });
    await expect(small(`${base}/large`, {})).rejects.toThrow('the reply exceeded 1024 bytes and was not read');
    expect(await (await small(`${base}/echo`, { method: 'POST', body: 'fits' })).text()).toBe('got fits');
  });

  it('waits for a reply longer than the idle timeout', async () => {
    const quickIdle = createNodeFetch({ idleTimeoutMs: 50 });
    expect(await (await quickIdle(`${base}/late`, {})).text()).toBe('late but whole');
  });

  it.each([
    ['keeps the connection', false],
    ['closes the connection', true],
  ])('rejects a 101 reply that %s', async (_case, closes) => {
    const upgrading = createNetServer((socket) => {
      socket.once('data', () => {
        socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
        if (closes) socket.end();
      });
    });
    await new Promise<void>((resolve) => upgrading.listen(0, '127.0.0.1', resolve));
    const port = (upgrading.address() as AddressInfo).port;

    try {
      const call = nodeFetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: 'x', signal: AbortSignal.timeout(2_000) });
      await expect(call).rejects.toThrow('101 Switching Protocols');
    } finally {
      await new Promise((resolve) => upgrading.close(resolve));
    }
  });

  it('rejects at once when aborted, whatever the socket does', async () => {
    // It never replies; its sockets are paused, so they see no end and must be destroyed.
    const sockets: Socket[] = [];
    const silent = createNetServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    const controller = new AbortController();

    try {
      const call = nodeFetch(`http://127.0.0.1:${port}/`, { signal: controller.signal });
      setTimeout(() => controller.abort(new Error('budget spent')), 50);
      await expect(call).rejects.toThrow('budget spent');
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('closes its kept-alive connections on close()', async () => {
    const closable = createNodeFetch();
    await closable(`${base}/echo`, { method: 'POST', body: 'a' });
    closable.close();
    await closable(`${base}/echo`, { method: 'POST', body: 'b' });

    const [first, second] = received.slice(-2);
    expect(second!.remotePort).not.toBe(first!.remotePort);
  });

  it('hands other body types to the fallback', async () => {
    const calls: string[] = [];
    const fallback: UpstreamFetch = async (url) => {
      calls.push(url);
      return { status: 299, text: async () => 'from the fallback' };
    };
    const withFallback = createNodeFetch({ fallback });

    const reply = await withFallback(`${base}/echo`, { method: 'POST', body: new URLSearchParams({ a: '1' }) });
    expect(reply.status).toBe(299);
    expect(calls).toEqual([`${base}/echo`]);
  });
});
