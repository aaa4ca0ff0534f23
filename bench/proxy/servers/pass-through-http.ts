/**
 * The floor without fetch: the same bare Hono route as `pass-through.ts`, forwarding the request
 * bytes with node:http over kept-alive connections. Node 20's fetch costs about 0.3 ms of CPU per
 * call more than node:http, and the proxy's Node entry sends through node:http, so this floor
 * compares the two at the same transport cost.
 */
import { Agent, request } from 'node:http';

import { Hono, serve } from '../hono.ts';
import { announceReady } from './ready.ts';

const endpoint = process.env.BENCH_SOAP_ENDPOINT;
if (endpoint === undefined) throw new Error('BENCH_SOAP_ENDPOINT is missing; the bench runner sets it to the emulator SOAP URL.');

const agent = new Agent({ keepAlive: true });

function forward(body: Buffer): Promise<{ status: number; contentType: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(endpoint!, {
      method: 'POST',
      agent,
      headers: {
        'Content-Type': 'text/xml; charset=UTF-8',
        SOAPAction: 'http://www.marketo.com/mktows/syncLead',
        'Content-Length': String(body.byteLength),
      },
    });
    outgoing.once('error', reject);
    outgoing.once('response', (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.once('error', reject);
      incoming.once('end', () => resolve({ status: incoming.statusCode ?? 502, contentType: incoming.headers['content-type'] ?? 'text/xml', body: Buffer.concat(chunks) }));
    });
    outgoing.end(body);
  });
}

const app = new Hono();

app.post('/soap', async (c) => {
  const upstream = await forward(Buffer.from(await c.req.arrayBuffer()));
  return new Response(upstream.body, { status: upstream.status, headers: { 'Content-Type': upstream.contentType } });
});

const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info: { port: number }) => {
  announceReady(`http://127.0.0.1:${info.port}`);
});
process.once('SIGTERM', () => {
  server.close(() => process.exit(0));
});
