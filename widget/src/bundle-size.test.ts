// @vitest-environment node
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { buildAndMeasureScript, SIZE_BUDGET_BYTES } from '../build/measure-bundle';

it('leadsync.js stays within the gzip budget', async () => {
  const outDir = await mkdtemp(join(tmpdir(), 'leadsync-size-'));
  try {
    const { gzipBytes } = await buildAndMeasureScript(outDir);
    expect(gzipBytes, `leadsync.js is ${gzipBytes} bytes after gzip -9; the budget is ${SIZE_BUDGET_BYTES}`).toBeLessThanOrEqual(
      SIZE_BUDGET_BYTES
    );
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}, 60_000);
