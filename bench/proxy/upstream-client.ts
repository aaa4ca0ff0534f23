/**
 * `pnpm exec tsx bench/proxy/upstream-client.ts`: CPU time per upstream call of three HTTP
 * clients, each posting a syncLead-sized body to a small HTTP server on 127.0.0.1 that returns
 * a syncLead-sized reply:
 *
 * - `fetch`: Node's global fetch with an `AbortSignal.timeout`, as the proxy called it before;
 * - `createNodeFetch`: the proxy's Node upstream fetch, with the `requestSignal` the transports give each call;
 * - `node:http`: a bare `http.request` on a kept-alive agent, the least a client can do.
 *
 * The server runs in a child process, so the CPU time measured here (process.cpuUsage, user plus
 * system) is the client's alone. Each client warms up with 2,000 calls, then the clients take
 * turns for 3 rounds of 5,000 calls with 32 in flight.
 */
import { fork } from 'node:child_process';
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';

import { createNodeFetch } from '../../proxy/src/adapters/node-fetch.ts';
import { requestSignal } from '../../proxy/src/marketo/timeout-signal.ts';

const CALLS = 5_000;
const WARMUP_CALLS = 2_000;
const IN_FLIGHT = 32;
const ROUNDS = 3;
// About the size of the envelope the proxy sends for one submission.
const BODY = `<?xml version="1.0" encoding="UTF-8"?>${'<x>lead attribute</x>'.repeat(80)}`;
const HEADERS = { 'Content-Type': 'text/xml; charset=UTF-8', SOAPAction: 'http://www.marketo.com/mktows/syncLead' };

const server = fork(fileURLToPath(new URL('./upstream-server.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'] });
const port = await new Promise<number>((resolve) => server.once('message', (message: { port: number }) => resolve(message.port)));
const url = `http://127.0.0.1:${port}/soap`;

const nodeFetch = createNodeFetch();
const agent = new Agent({ keepAlive: true });

const clients: Record<string, () => Promise<string>> = {
  fetch: async () => {
    const response = await fetch(url, { method: 'POST', headers: HEADERS, body: BODY, signal: AbortSignal.timeout(10_000) });
    return response.text();
  },
  createNodeFetch: async () => {
    const request = requestSignal(10_000, undefined);
    try {
      const reply = await nodeFetch(url, { method: 'POST', headers: HEADERS, body: BODY, signal: request.signal });
      return await reply.text();
    } finally {
      request.dispose();
    }
  },
  'node:http': () =>
    new Promise((resolve, reject) => {
      const outgoing = request(url, { method: 'POST', agent, headers: { ...HEADERS, 'Content-Length': String(Buffer.byteLength(BODY)) } });
      outgoing.once('error', reject);
      outgoing.once('response', (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      });
      outgoing.end(BODY);
    }),
};

/** Returns the client's CPU time per call in µs over `calls` calls with `IN_FLIGHT` in flight. */
async function measure(call: () => Promise<string>, calls: number): Promise<number> {
  let started = 0;
  const before = process.cpuUsage();
  const worker = async () => {
    while (started < calls) {
      started += 1;
      await call();
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const used = process.cpuUsage(before);
  return (used.user + used.system) / calls;
}

try {
  for (const call of Object.values(clients)) await measure(call, WARMUP_CALLS);

  const results: Record<string, number[]> = {};
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const [name, call] of Object.entries(clients)) (results[name] ??= []).push(await measure(call, CALLS));
  }

  console.log(`\n${ROUNDS} rounds x ${CALLS} calls, ${IN_FLIGHT} in flight, Node ${process.version}\n`);
  console.log('| client | CPU µs per call, each round | median |');
  console.log('| --- | --- | ---: |');
  for (const [name, values] of Object.entries(results)) {
    const median = [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    console.log(`| ${name} | ${values.map((value) => value.toFixed(0)).join(', ')} | ${median.toFixed(0)} |`);
  }
} finally {
  server.kill();
  agent.destroy();
}
process.exit(0);
