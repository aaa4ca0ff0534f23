import { Hono } from 'hono';
import { etag } from 'hono/etag';

import type { ProxyConfig } from './config.js';
import { CallLimiter } from './delivery/call-limiter.js';
import { createDeliver } from './delivery/deliver.js';
import type { KeyedLock } from './delivery/keyed-lock.js';
import { IdempotencyGuard } from './delivery/idempotency.js';
import { limitFetch } from './delivery/limit-fetch.js';
import { MarketoStatus, type MarketoCallReport } from './delivery/marketo-status.js';
import { QuotaGate } from './delivery/quota-gate.js';
import { retryAfterSeconds } from './delivery/retry-after.js';
import { createRetryPolicy, type RetryPolicy } from './delivery/retry-policy.js';
import { LeadsyncError, MarketoError } from './errors.js';
import type { FormCatalog } from './forms/form-definition.js';
import { publicForm } from './forms/public-form.js';
import { respondWithError } from './http/error-response.js';
import { methodNotAllowed } from './http/method-not-allowed.js';
import { allowedOriginsCors, requireAllowedOrigin } from './http/origin.js';
import { requireBearerToken } from './http/require-bearer-token.js';
import { requireJsonContentType } from './http/require-json.js';
import { createJsonLogger, maskEmailAddresses, type Logger, type LogFields, type LogLevel } from './log.js';
import { createTransport } from './marketo/create-transport.js';
import type { LeadTransport } from './marketo/transport.js';
import { limitBodySize } from './middleware/body-limit/index.js';
import { createBotCheck } from './middleware/bot-check/index.js';
import { addressRateLimitKey, clientAddress, type RuntimeAddressReader } from './middleware/client-address/index.js';
import { countSubmissions } from './middleware/count-submissions/index.js';
import { rateLimit, RateLimiter } from './middleware/rate-limit/index.js';
import { assignRequestId } from './middleware/request-id/index.js';
import { PROMETHEUS_CONTENT_TYPE } from './observability/metrics.js';
import { createProxyMetrics, type ProxyMetrics, type SubmissionOutcome } from './observability/proxy-metrics.js';
import { createAdminRoutes } from './outbox/admin-routes.js';
import type { DeadLetterStore, Outbox, OutboxStats } from './outbox/outbox.js';
import { createSubmissionHandler, formNotFound } from './routes/submissions.js';
import { createWidgetHandler, type WidgetLoader } from './routes/widget.js';
import { MemoryStore } from './stores/memory-store.js';
import { truncate } from './text/truncate.js';
import type { CounterStore, KeyValueStore } from './stores/store.js';
import type { UpstreamFetch } from './marketo/upstream-fetch.js';

export interface AppDeps {
  config: ProxyConfig;
  forms: FormCatalog;
  /**
   * Default: the transport selected by `config.marketo.api`, using `fetch` wrapped by the call
   * limiter, `now` and `log`. A transport passed here must pace its own calls.
   */
  transport?: LeadTransport;
  /** Default: no widget, so `/leadsync.js` returns 503. */
  loadWidget?: WidgetLoader;
  /** Upstream fetch for the default transport. Default `globalThis.fetch`. */
  fetch?: UpstreamFetch;
  /** Clock for the default transport and for `Retry-After` dates. Default `() => new Date()`. */
  now?: () => Date;
  /** Default: JSON lines on stdout. */
  log?: Logger;
  /** Largest accepted request body, in bytes. Default 64 KiB, far above any form fill. */
  maxBodyBytes?: number;
  /** Reads the peer address from the runtime (the Node adapter passes the socket address). Default: none. */
  runtimeAddress?: RuntimeAddressReader;
  /** Rate-limit counters. Default: a `MemoryStore`, which counts per process. */
  counterStore?: CounterStore;
  /** Idempotency records, kept 24 hours. Default: a `MemoryStore`, which remembers per process. */
  idempotencyStore?: KeyValueStore;
  /**
   * Paces the default transport's calls. Default: a `CallLimiter` with `config.delivery` limits,
   * which counts this process's calls; Workers pass a `DurableCallLimiter` shared by all isolates.
   */
  limiter?: Pick<CallLimiter, 'acquire' | 'load'>;
  /** Serializes deliveries per e-mail address. Default: a `KeyedLock` in this process; Workers pass a `DurableKeyedLock`. */
  emailLock?: Pick<KeyedLock, 'run'>;
  /** Daily-quota state; the outbox drain on Node shares it with the app. Default: a new `QuotaGate`. */
  quotaGate?: QuotaGate;
  /** Outcome of the last delivery to Marketo for `/healthz`, shared with the drain. Default: a new `MarketoStatus`. */
  marketoStatus?: MarketoStatus;
  /** Serializes repeats of one submissionId across instances. Default: none, so repeats join within one process only. */
  idempotencyLock?: Pick<KeyedLock, 'run'>;
  /** Dead letters for the admin routes, which exist when `config.adminToken` is set too. Default: none. */
  deadLetters?: DeadLetterStore;
  /** Outbox counts for `GET /admin/outbox`. Default: the dead letters counted by `deadLetters`. */
  outboxStats?: () => Promise<OutboxStats>;
  /** Decides delivery retries. Default: `createRetryPolicy()`; for MARKETO_API=rest, no retry on top of the REST client's own. */
  retryPolicy?: RetryPolicy;
  /** Stores submissions whose delivery failed with a retryable error; they get `202 queued`. Default: none. */
  outbox?: Outbox;
}

/** Hono environment of the app: values set per request. */
export type AppEnv = {
  Variables: {
    /** Generated by the proxy for every request, never taken from the client. */
    requestId: string;
    /** The client's own `X-Request-Id`, when it is short and safe to log. */
    clientRequestId?: string;
    submissionId?: string;
    clientAddress?: string;
    submissionOutcome?: SubmissionOutcome;
  };
};

/** Response headers a page's script may read on a cross-origin response. */
const EXPOSED_HEADERS = ['Retry-After', 'X-Request-Id'];

/** Default of `AppDeps.maxBodyBytes`. */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

// Forms change rarely; a minute of caching spares the proxy one request per page view.
const FORM_CACHE_CONTROL = 'public, max-age=60';

/** Creates the proxy's Hono app. Runtime adapters (Node, Workers) only add I/O around it. */
export function createApp(deps: AppDeps) {
  const log = deps.log ?? createJsonLogger();
  const loadWidget = deps.loadWidget ?? (() => null);
  const maxBodyBytes = deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const now = deps.now ?? (() => new Date());
  const { config, forms } = deps;

  const limiter = deps.limiter ?? createCallLimiter(config);
  const quotaGate = deps.quotaGate ?? new QuotaGate({ log, dailyBudget: config.delivery.dailyQuota });
  const marketoStatus = deps.marketoStatus ?? new MarketoStatus();
  const metrics = createProxyMetrics(() => limiter.load, () => quotaGate.closedUntil);
  const upstreamFetch = limitFetch(deps.fetch ?? globalThis.fetch.bind(globalThis), {
    limiter,
    durations: metrics.upstreamDuration,
    abandonedHoldMs: config.timeoutMs,
    quotaGate,
  });
  const transport = deps.transport ?? createTransport(config, { fetch: upstreamFetch, now: deps.now, log });
  const deliver = createDeliver({
    transport,
    policy: deps.retryPolicy ?? defaultRetryPolicy(config),
    budgetMs: config.delivery.deliveryTimeoutMs,
    retries: metrics.upstreamRetries,
    lock: deps.emailLock,
    quotaGate,
    status: marketoStatus,
  });

  const counterStore = deps.counterStore ?? new MemoryStore();
  const windowMs = config.abuse.rateLimitWindowSeconds * 1000;
  const addressLimiter = new RateLimiter({ store: counterStore, scope: 'address', limit: config.abuse.rateLimitPerAddress, windowMs, rejected: metrics.rateLimited });
  const emailLimiter = new RateLimiter({ store: counterStore, scope: 'email', limit: config.abuse.rateLimitPerEmail, windowMs, rejected: metrics.rateLimited });

  const submitForm = createSubmissionHandler({
    config,
    forms,
    deliver,
    idempotency: new IdempotencyGuard({ store: deps.idempotencyStore ?? new MemoryStore(), lock: deps.idempotencyLock }),
    botCheck: createBotCheck({
      minFillMsOverride: config.abuse.minFillMsOverride,
      turnstile: config.abuse.turnstile,
      flagged: metrics.bots,
    }),
    emailLimiter,
    outbox: deps.outbox,
    log,
  });

  // Every route, the 404 and the error handler live under the base path, e.g. `/_leadsync`.
  const app = config.basePath === '' ? new Hono<AppEnv>() : new Hono<AppEnv>().basePath(config.basePath);

  app.use(assignRequestId());

  // Hono serves HEAD with a route's GET handler, so every GET route allows HEAD too.
  // The process is healthy whatever Marketo does. `marketo` shows an operator how the last
  // delivery ended, because visitors get `202 queued` either way.
  app.get('/healthz', (c) => c.json(healthReport(marketoStatus.report, quotaGate.closedUntil)));
  app.all('/healthz', methodNotAllowed(['GET', 'HEAD']));

  if (config.metricsToken !== undefined) {
    app.get('/metrics', requireBearerToken(config.metricsToken, { variable: 'LEADSYNC_METRICS_TOKEN', realm: 'leadsync-metrics' }));
  }
  app.get('/metrics', (c) => c.body(metrics.registry.render(), 200, { 'Content-Type': PROMETHEUS_CONTENT_TYPE }));
  app.all('/metrics', methodNotAllowed(['GET', 'HEAD']));

  app.get('/leadsync.js', etag(), createWidgetHandler(loadWidget));
  app.all('/leadsync.js', methodNotAllowed(['GET', 'HEAD']));

  if (config.adminToken !== undefined && deps.deadLetters !== undefined) {
    app.route('/', createAdminRoutes({ token: config.adminToken, deadLetters: deps.deadLetters, stats: deps.outboxStats, log }));
  }

  app.use('/v1/*', allowedOriginsCors(config.allowedOrigins, EXPOSED_HEADERS, log));
  app.use('/v1/*', clientAddress({ runtimeAddress: deps.runtimeAddress, trustedHeader: config.abuse.trustedProxyHeader }));

  app.get('/v1/forms/:formId', (c) => {
    const form = forms.get(c.req.param('formId'));
    if (form === undefined) throw formNotFound(c.req.param('formId'));
    return c.json(publicForm(form, config), 200, { 'Cache-Control': FORM_CACHE_CONTROL });
  });
  // The CORS middleware above handles OPTIONS on every `/v1/*` path.
  app.all('/v1/forms/:formId', methodNotAllowed(['GET', 'HEAD', 'OPTIONS']));

  app.post(
    '/v1/forms/:formId/submissions',
    countSubmissions(metrics.submissions),
    requireAllowedOrigin(config.allowedOrigins),
    rateLimit(addressLimiter, (c) => {
      const address = c.get('clientAddress');
      return address === undefined ? undefined : addressRateLimitKey(address);
    }),
    requireJsonContentType(),
    limitBodySize(maxBodyBytes),
    submitForm,
  );
  app.all('/v1/forms/:formId/submissions', methodNotAllowed(['POST', 'OPTIONS']));

  app.notFound((c) => respondWithError(c, new LeadsyncError('not_found', `No route for ${c.req.method} ${truncate(c.req.path)}.`, { status: 404 })));

  app.onError((error, c) => {
    logCaughtError(log, error, { requestId: c.get('requestId'), clientRequestId: c.get('clientRequestId'), submissionId: c.get('submissionId') });

    const seconds = retryAfterSeconds(error, now());
    if (seconds !== undefined) c.header('Retry-After', String(seconds));
    return respondWithError(c, error);
  });

  return app;
}

/** Builds the `/healthz` body: `marketo` appears once a delivery reached Marketo or the quota pause began. */
function healthReport(lastCall: MarketoCallReport | undefined, quotaPausedUntil: number) {
  const paused = quotaPausedUntil > 0 ? { quotaPausedUntil: new Date(quotaPausedUntil).toISOString() } : {};
  if (lastCall === undefined && quotaPausedUntil === 0) return { status: 'ok' };
  return { status: 'ok', marketo: { ...lastCall, ...paused } };
}

/** Creates the in-process limiter with `config.delivery` limits; the outbox drain on Node shares it with the app. */
export function createCallLimiter(config: ProxyConfig): CallLimiter {
  return new CallLimiter({
    maxConcurrent: config.delivery.maxConcurrentCalls,
    maxCallsPerWindow: config.delivery.maxCallsPer20Seconds,
    queueTimeoutMs: config.delivery.queueTimeoutMs,
  });
}

/**
 * Returns the delivery's retry policy, the same for both APIs. It resends a SOAP syncLead and a
 * REST Sync Leads or Submit Form call after a rate, concurrency, server or network failure. The
 * REST client retries only what the policy does not see: a token refresh, and Associate Lead,
 * whose failure does not fail the delivery.
 */
export function defaultRetryPolicy(_config: ProxyConfig): RetryPolicy {
  return createRetryPolicy();
}

/**
 * Logs an error that ends a request: upstream and unexpected failures as errors, rate-limited
 * requests as warnings (so a flood is counted, not printed line by line), other client mistakes as info.
 */
function levelForStatus(status: number): LogLevel {
  if (status >= 500) return 'error';
  if (status === 429) return 'warn';
  return 'info';
}

function logCaughtError(log: Logger, error: unknown, ids: LogFields): void {
  if (error instanceof MarketoError) {
    log.log('error', error.message, {
      ...ids,
      code: error.code,
      kind: error.kind,
      faultCode: error.faultCode,
      retryable: error.retryable,
    });
    return;
  }
  if (error instanceof LeadsyncError) {
    log.log(levelForStatus(error.status), `Request rejected: ${error.message}`, { ...ids, code: error.code });
    return;
  }

  const description = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  log.log('error', `Unexpected error: ${maskEmailAddresses(description)}`, ids);
}
