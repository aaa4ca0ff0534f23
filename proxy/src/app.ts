import { Hono } from 'hono';
import { etag } from 'hono/etag';

import type { ProxyConfig } from './config.js';
import { LeadsyncError, MarketoError } from './errors.js';
import type { FormCatalog } from './forms/form-definition.js';
import { publicForm } from './forms/public-form.js';
import { respondWithError } from './http/error-response.js';
import { allowedOriginsCors, requireAllowedOrigin } from './http/origin.js';
import { limitBodySize, requireJsonContentType } from './http/require-json.js';
import { createJsonLogger, maskEmailAddresses, type Logger } from './log.js';
import { createTransport } from './marketo/create-transport.js';
import type { LeadTransport } from './marketo/transport.js';
import { createSubmissionHandler, formNotFound } from './routes/submissions.js';
import { createWidgetHandler, type WidgetLoader } from './routes/widget.js';

export interface AppDeps {
  config: ProxyConfig;
  forms: FormCatalog;
  /** Default: the transport selected by `config.marketo.api`, using `fetch`, `now` and `log`. */
  transport?: LeadTransport;
  /** Default: no widget, so `/leadsync.js` returns 503. */
  loadWidget?: WidgetLoader;
  /** Upstream fetch for the default transport. Default `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** Clock for the default transport. Default `() => new Date()`. */
  now?: () => Date;
  /** Default: JSON lines on stdout. */
  log?: Logger;
  /** Largest accepted request body, in bytes. Default 64 KiB, far above any form fill. */
  maxBodyBytes?: number;
}

/** Hono environment of the app: values set per request. */
export type AppEnv = { Variables: { submissionId?: string } };

const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

// Forms change rarely; a minute of caching spares the proxy one request per page view.
const FORM_CACHE_CONTROL = 'public, max-age=60';

/** Creates the proxy's Hono app. Runtime adapters (Node, Workers) only add I/O around it. */
export function createApp(deps: AppDeps) {
  const log = deps.log ?? createJsonLogger();
  const transport = deps.transport ?? createTransport(deps.config, { fetch: deps.fetch, now: deps.now, log });
  const loadWidget = deps.loadWidget ?? (() => null);
  const maxBodyBytes = deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const { config, forms } = deps;

  // Every route, the 404 and the error handler live under the base path, e.g. `/_leadsync`.
  const app = config.basePath === '' ? new Hono<AppEnv>() : new Hono<AppEnv>().basePath(config.basePath);

  app.get('/healthz', (c) => c.json({ status: 'ok' }));

  app.get('/leadsync.js', etag(), createWidgetHandler(loadWidget));

  app.use('/v1/*', allowedOriginsCors(config.allowedOrigins));

  app.get('/v1/forms/:formId', (c) => {
    const form = forms.get(c.req.param('formId'));
    if (form === undefined) throw formNotFound(c.req.param('formId'));
    return c.json(publicForm(form, config), 200, { 'Cache-Control': FORM_CACHE_CONTROL });
  });

  app.post(
    '/v1/forms/:formId/submissions',
    requireAllowedOrigin(config.allowedOrigins),
    requireJsonContentType(),
    limitBodySize(maxBodyBytes),
    createSubmissionHandler({ config, forms, transport, log }),
  );

  app.notFound((c) => respondWithError(c, new LeadsyncError('not_found', `No route for ${c.req.method} ${c.req.path}.`, { status: 404 })));

  app.onError((error, c) => {
    logCaughtError(log, error, c.get('submissionId'));
    return respondWithError(c, error);
  });

  return app;
}

/** Logs an error that ends a request: upstream and unexpected failures as errors, client mistakes as info. */
function logCaughtError(log: Logger, error: unknown, submissionId: string | undefined): void {
  if (error instanceof MarketoError) {
    log.log('error', error.message, {
      submissionId,
      code: error.code,
      kind: error.kind,
      faultCode: error.faultCode,
      retryable: error.retryable,
    });
    return;
  }
  if (error instanceof LeadsyncError) {
    const level = error.status >= 500 ? 'error' : 'info';
    log.log(level, `Request rejected: ${error.message}`, { submissionId, code: error.code });
    return;
  }

  const description = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  log.log('error', `Unexpected error: ${maskEmailAddresses(description)}`, { submissionId });
}
