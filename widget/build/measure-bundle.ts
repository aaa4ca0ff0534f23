import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

/** The size budget of leadsync.js after gzip: 9 KiB. */
export const SIZE_BUDGET_BYTES = 9 * 1024;

const CONFIG_FILE = fileURLToPath(new URL('../../vite.config.ts', import.meta.url));

/**
 * Builds the widget with the repository's vite.config.ts into `outDir`: leadsync.js by default,
 * leadsync.mjs with `mode` "esm".
 */
export async function buildWidget(outDir: string, mode?: 'esm'): Promise<void> {
  // Vite keeps a NODE_ENV that is already set (Vitest sets "test"), and the Preact preset then
  // emits development JSX that carries source file names. Only the production build counts.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: CONFIG_FILE, mode, logLevel: 'silent', build: { outDir, emptyOutDir: true, sourcemap: false } });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
}

/** Returns the size of a file, raw and after gzip at level 9 (`gzip -9c` adds a few header bytes for the file name). */
export async function measure(file: string): Promise<{ bytes: number; gzipBytes: number }> {
  const code = await readFile(file);
  return { bytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length };
}
