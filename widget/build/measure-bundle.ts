import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

/** The size budget of leadsync.js after gzip: 9 KiB. */
export const SIZE_BUDGET_BYTES = 9 * 1024;

export interface BundleSize {
  bytes: number;
  /** Gzip at level 9, as `gzip -9c` measures it apart from the few header bytes for the file name. */
  gzipBytes: number;
}

/** Builds leadsync.js with the repository's vite.config.ts into `outDir` and measures it. */
export async function buildAndMeasureScript(outDir: string): Promise<BundleSize> {
  await build({
    configFile: fileURLToPath(new URL('../../vite.config.ts', import.meta.url)),
    logLevel: 'silent',
    build: { outDir, emptyOutDir: true, sourcemap: false }
  });

  const code = await readFile(`${outDir}/leadsync.js`);
  return { bytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length };
}
