import preact from '@preact/preset-vite';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const widget = (path: string) => fileURLToPath(new URL(`./widget/${path}`, import.meta.url));

/*
 * Builds the widget. `vite build` writes widget/dist/leadsync.js, one IIFE file for a <script>
 * tag with everything bundled; `vite build --mode esm` writes widget/dist/leadsync.mjs for
 * bundlers, with preact and js-cookie left as imports, plus leadsync.d.ts. Vite cannot emit an
 * IIFE and an ES module from different entries in one run, hence two runs (the root `build`
 * script does both and then emits the declarations with tsc).
 */
export default defineConfig(({ mode }) => {
  const esm = mode === 'esm';

  return {
    plugins: [
      preact(),
      esm && {
        name: 'leadsync-types-entry',
        generateBundle() {
          // tsc writes the declarations to dist/types; this file is the package's `types` entry.
          this.emitFile({ type: 'asset', fileName: 'leadsync.d.ts', source: "export * from './types/index';\n" });
        }
      }
    ],
    build: {
      outDir: widget('dist'),
      emptyOutDir: !esm,
      target: 'es2022',
      // CSS reaches the page only as the `?inline` string the widget adopts into its shadow roots;
      // a CSS chunk would make Vite inject a <style> into the document, which strict CSP blocks.
      cssCodeSplit: false,
      sourcemap: true,
      lib: esm
        ? { entry: widget('src/index.ts'), formats: ['es'], fileName: () => 'leadsync.mjs' }
        : { entry: widget('src/script.ts'), formats: ['iife'], name: 'leadsyncScript', fileName: () => 'leadsync.js' },
      rolldownOptions: {
        external: esm ? [/^preact(\/|$)/, 'js-cookie'] : []
      }
    }
  };
});
