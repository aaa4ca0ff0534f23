/**
 * The floor: a bare Hono route that forwards the request bytes to the emulator's SOAP endpoint
 * and the reply bytes back, with no validation, mapping or signing.
 */
import { Hono, serve } from '../hono.ts';
import { announceReady } from './ready.ts';

const endpoint = process.env.BENCH_SOAP_ENDPOINT;
if (endpoint === undefined) throw new Error('BENCH_SOAP_ENDPOINT is missing; the bench runner sets it to the emulator SOAP URL.');

const app = new Hono();

app.post('/soap', async (c) => {
  const upstream = await fetch(endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'text/xml; charset=UTF-8', SOAPAction: 'http://www.marketo.com/mktows/syncLead' },
    body: await c.req.arrayBuffer(),
  });
  return new Response(upstream.body, { status: upstream.status, headers: { 'Content-Type': upstream.headers.get('Content-Type') ?? 'text/xml' } });
});

const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info: { port: number }) => {
  announceReady(`http://127.0.0.1:${info.port}`);
});
process.once('SIGTERM', () => {
  server.close(() => process.exit(0));
});
