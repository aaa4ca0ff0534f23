/**
 * `pnpm bench:worker [--runs 3]`: measures the Worker bundle and its start.
 *
 * - Bundle: `wrangler deploy --dry-run` writes the bundle offline, minified as wrangler.toml sets.
 *   Its size is reported raw, as gzip (zlib level 9) and as brotli (quality 11).
 * - Start: `wrangler dev` on 127.0.0.1 is started `runs` times. Each run reports the time until
 *   wrangler printed its URL, the first `GET /healthz` (a cold isolate: the bundle is evaluated
 *   and the app is built) and the median of 20 warm requests after it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

import { startWranglerDev, WRANGLER_OFFLINE_ENV } from '../../proxy/src/adapters/wrangler-dev.js';

const PROXY_DIRECTORY = resolve(import.meta.dirname, '../../proxy');
const WRANGLER_BIN = resolve(PROXY_DIRECTORY, '../node_modules/.bin/wrangler');

interface BundleSize {
  rawBytes: number;
  gzipBytes: number;
  brotliBytes: number;
}

interface StartRun {
  readyMs: number;
  firstRequestMs: number;
  warmRequestMedianMs: number;
}

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`--runs must be a positive integer, got ${JSON.stringify(values.runs)}.`);
  process.exit(2);
}

const bundle = measureBundle();
const starts: StartRun[] = [];
for (let run = 0; run < runs; run += 1) starts.push(await measureStart());

console.log(
  JSON.stringify(
    {
      bundle,
      starts,
      median: {
        readyMs: median(starts.map((start) => start.readyMs)),
        firstRequestMs: median(starts.map((start) => start.firstRequestMs)),
        warmRequestMedianMs: median(starts.map((start) => start.warmRequestMedianMs)),
      },
    },
    null,
    2,
  ),
);

function measureBundle(): BundleSize {
  const outdir = mkdtempSync(join(tmpdir(), 'leadsync-worker-bundle-'));
  try {
    execFileSync(WRANGLER_BIN, ['deploy', '--dry-run', '--outdir', outdir], { cwd: PROXY_DIRECTORY, env: { ...process.env, ...WRANGLER_OFFLINE_ENV }, stdio: 'pipe' });

    const bundle = readFileSync(join(outdir, 'worker.js'));
    return {
      rawBytes: bundle.length,
      gzipBytes: gzipSync(bundle, { level: 9 }).length,
      brotliBytes: brotliCompressSync(bundle, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

async function measureStart(): Promise<StartRun> {
  // The Worker needs a valid configuration to build its app; /healthz makes no upstream call.
  const worker = await startWranglerDev({ vars: { MARKETO_ENCRYPTION_KEY: 'demo-encryption-key' } });
  try {
    const firstRequestMs = await timeRequest(`${worker.url}/healthz`);
    const warm: number[] = [];
    for (let request = 0; request < 20; request += 1) warm.push(await timeRequest(`${worker.url}/healthz`));
    return { readyMs: worker.readyMs, firstRequestMs, warmRequestMedianMs: median(warm) };
  } finally {
    await worker.close();
  }
}

async function timeRequest(url: string): Promise<number> {
  const startedAt = performance.now();
  const response = await fetch(url);
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`GET ${url} returned HTTP ${response.status}; expected 200.`);
  return round(performance.now() - startedAt);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : round((sorted[middle - 1]! + sorted[middle]!) / 2);
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
