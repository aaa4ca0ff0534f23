/**
 * The forms document bundled into the Worker. `wrangler.toml` ([alias]) and
 * `vitest.workers.config.ts` map this name to a forms JSON file; `parseForms` validates it.
 */
declare module 'leadsync-forms' {
  const document: unknown;
  export default document;
}
