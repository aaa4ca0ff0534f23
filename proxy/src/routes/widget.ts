import type { Context } from 'hono';

import { LeadsyncError } from '../errors.js';

/** Returns the built widget script, or null when it has not been built yet. */
export type WidgetLoader = () => string | null | Promise<string | null>;

// Short enough that a new widget build reaches sites within minutes; the ETag makes
// revalidation cheap.
const WIDGET_CACHE_CONTROL = 'public, max-age=300';

/** Creates the handler of `GET /leadsync.js`, which serves the widget first-party. */
export function createWidgetHandler(loadWidget: WidgetLoader) {
  return async function serveWidget(c: Context): Promise<Response> {
    const script = await loadWidget();
    if (script === null) {
      throw new LeadsyncError('widget_not_built', 'The widget is not built yet. Run `pnpm build` and reload.', { status: 503, retryable: true });
    }

    return c.body(script, 200, {
      'Content-Type': 'application/javascript; charset=utf-8',
      'Cache-Control': WIDGET_CACHE_CONTROL,
      'X-Content-Type-Options': 'nosniff',
    });
  };
}
