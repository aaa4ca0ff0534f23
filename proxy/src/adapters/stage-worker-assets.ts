/**
 * Copies the built widget into the Worker's assets directory. Wrangler runs this as the
 * `[build] command` of `wrangler.toml` before `wrangler dev` and `wrangler deploy`.
 *
 * Wrangler rejects an assets directory that does not exist, but the widget may not be built yet.
 * So the directory is always created, and it stays empty until `pnpm build` has run. The Worker
 * then returns 503 `widget_not_built` for `/leadsync.js`, like the Node server.
 */
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const PACKAGE_DIRECTORY = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export const WORKER_ASSETS_DIRECTORY = join(PACKAGE_DIRECTORY, '.worker-assets');
export const WIDGET_BUILD_PATH = resolve(PACKAGE_DIRECTORY, '../widget/dist/leadsync.js');

/** Stages `widget/dist/leadsync.js` as `/leadsync.js`; returns false when the widget is not built. */
export function stageWorkerAssets(widgetPath = WIDGET_BUILD_PATH, directory = WORKER_ASSETS_DIRECTORY): boolean {
  mkdirSync(directory, { recursive: true });
  const target = join(directory, 'leadsync.js');

  if (!existsSync(widgetPath)) {
    rmSync(target, { force: true });
    return false;
  }

  copyFileSync(widgetPath, target);
  return true;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const staged = stageWorkerAssets();
  const message = staged
    ? `Staged ${WIDGET_BUILD_PATH} for the Worker.`
    : `The widget is not built (${WIDGET_BUILD_PATH} is missing), so the Worker returns 503 for /leadsync.js. Run \`pnpm build\` to include it.`;
  console.log(message);
}
