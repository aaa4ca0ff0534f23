// @vitest-environment node
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWidget, measure, SIZE_BUDGET_BYTES } from '../build/measure-bundle';

let outDir: string;
let script: string;
let module: string;

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'leadsync-build-'));
  await buildWidget(join(outDir, 'iife'));
  await buildWidget(join(outDir, 'esm'), 'esm');
  script = await readFile(join(outDir, 'iife/leadsync.js'), 'utf8');
  module = await readFile(join(outDir, 'esm/leadsync.mjs'), 'utf8');
}, 60_000);

afterAll(() => rm(outDir, { recursive: true, force: true }));

describe('leadsync.js', () => {
  it('stays within the gzip budget', async () => {
    const { gzipBytes } = await measure(join(outDir, 'iife/leadsync.js'));
    expect(gzipBytes, `leadsync.js is ${gzipBytes} bytes after gzip -9; the budget is ${SIZE_BUDGET_BYTES}`).toBeLessThanOrEqual(
      SIZE_BUDGET_BYTES
    );
  });

  it('injects no style element into the document', () => {
    expect(script.includes('__vite_style__')).toBe(false);
    expect(/document\.head\.append/.test(script)).toBe(false);
  });

  // Booleans rather than toMatch, so a failure does not print the whole bundle.
  it('is the production build', () => {
    expect(script.includes('/widget/src/'), 'development JSX carries source paths').toBe(false);
  });

  it('contains no eval and no Function constructor', () => {
    expect(/\beval\(|new Function\(/.test(script)).toBe(false);
  });

  it('contains no URLs except XML namespaces', () => {
    const urls = new Set(script.match(/https?:\/\/[^\s"'`]+/g));
    expect([...urls].sort()).toEqual(['http://www.w3.org/1998/Math/MathML', 'http://www.w3.org/1999/xhtml', 'http://www.w3.org/2000/svg']);
  });
});

describe('leadsync.mjs', () => {
  it('exports createLeadsync and leaves preact and js-cookie as imports', () => {
    expect(/export \{[^}]*createLeadsync/.test(module)).toBe(true);
    expect(module.includes('from "preact"')).toBe(true);
    expect(module.includes('from "js-cookie"')).toBe(true);
    expect(module.includes('document.currentScript')).toBe(false);
  });

  it('points to its type declarations', async () => {
    expect(await readFile(join(outDir, 'esm/leadsync.d.ts'), 'utf8')).toBe("export * from './types/index';\n");
  });
});
