/*
 * Prints the size of leadsync.js, raw and after gzip -9, beside Marketo's forms2.min.js.
 * Run: pnpm exec tsx bench/widget-size.ts
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildWidget, measure, SIZE_BUDGET_BYTES, SIZE_TARGET_BYTES } from '../widget/build/measure-bundle';

/** Published size of Marketo's forms2.min.js; this script does not download or measure it. */
const FORMS2_PUBLISHED_KB = 67.3;

const kilobytes = (bytes: number) => (bytes / 1024).toFixed(1).padStart(5);

const outDir = await mkdtemp(join(tmpdir(), 'leadsync-size-'));
try {
  await buildWidget(outDir);
  const { bytes, gzipBytes } = await measure(join(outDir, 'leadsync.js'));
  console.log(
    `leadsync.js     ${kilobytes(bytes)} KB raw  ${kilobytes(gzipBytes)} KB gzip -9 (${gzipBytes} bytes; target ${SIZE_TARGET_BYTES}, guard ${SIZE_BUDGET_BYTES})`
  );
  console.log(`forms2.min.js   ${FORMS2_PUBLISHED_KB.toFixed(1).padStart(5)} KB (published figure, not measured here)`);
  if (gzipBytes > SIZE_TARGET_BYTES) console.log(`leadsync.js is ${gzipBytes - SIZE_TARGET_BYTES} bytes over the 9 KiB target`);
  if (gzipBytes > SIZE_BUDGET_BYTES) {
    console.log(`leadsync.js is ${gzipBytes - SIZE_BUDGET_BYTES} bytes over the guard that src/bundle.test.ts enforces`);
    process.exitCode = 1;
  }
} finally {
  await rm(outDir, { recursive: true, force: true });
}
