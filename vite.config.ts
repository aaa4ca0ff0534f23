import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const widget = (path: string) => fileURLToPath(new URL(`./widget/${path}`, import.meta.url));

/*
 * Builds the widget. `vite build` writes widget/dist/leadsync.js, one IIFE file for a <script>
 * tag with everything bundled; `vite build --mode esm` writes widget/dist/leadsync.mjs for
 * bundlers, with preact and js-cookie left as imports, plus leadsync.d.ts. Vite cannot emit an
 * IIFE and an ES module from different entries in one run, hence two runs (the root `build`
 * script does both and then emits the declarations with tsc).
 *
 * leadsync.js has a budget of 9 KiB after gzip (widget/src/bundle.test.ts), so its build is set
 * for size. widget/SIZE.md lists what each setting saved.
 */
export default defineConfig(({ mode }) => {
  const esm = mode === 'esm';

  return {
    plugins: [
      esm && {
        name: 'leadsync-types-entry',
        generateBundle() {
          // tsc writes the declarations to dist/types; this file is the package's `types` entry.
          this.emitFile({ type: 'asset', fileName: 'leadsync.d.ts', source: "export * from './types/index';\n" });
        }
      }
    ],
    // Classic JSX, so each element is a call of Preact's createElement (`h`), which `render` needs
    // anyway. The automatic runtime would add preact/jsx-runtime, about 150 bytes after gzip.
    // Each .tsx file imports `h`.
    oxc: { jsx: { runtime: 'classic', pragma: 'h' } },
    build: {
      outDir: widget('dist'),
      emptyOutDir: !esm,
      target: 'es2022',
      // CSS reaches the page only as the `?inline` string the widget adopts into its shadow roots;
      // a CSS chunk would make Vite inject a <style> into the document, which strict CSP blocks.
      cssCodeSplit: false,
      // The proxy serves leadsync.js but not its map, so the script leaves out the sourceMappingURL
      // comment, which costs 37 bytes. The map stays in dist for debugging.
      sourcemap: esm ? true : 'hidden',
      // Terser with these options makes leadsync.js about 35 bytes smaller after gzip than Oxc.
      // leadsync.mjs keeps Vite's library default (Oxc, whitespace kept), because the bundler that
      // imports it minifies again.
      minify: esm ? 'oxc' : 'terser',
      terserOptions: {
        ecma: 2020,
        toplevel: true,
        compress: { passes: 3, unsafe_arrows: true, unsafe_methods: true, pure_getters: true }
      },
      lib: esm
        ? { entry: widget('src/index.ts'), formats: ['es'], fileName: () => 'leadsync.mjs' }
        : { entry: widget('build/iife-entry.ts'), formats: ['iife'], name: 'leadsyncScript', fileName: () => 'leadsync.js' },
      rolldownOptions: {
        external: esm ? [/^preact(\/|$)/, 'js-cookie'] : []
      }
    }
  };
});
