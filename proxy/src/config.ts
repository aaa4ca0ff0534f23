import { ConfigError } from './errors.js';

/**
 * Proxy configuration read from the environment. `loadConfig` checks every variable once at
 * start, so handlers never see a missing or malformed value.
 */

export type MarketoApi = 'soap' | 'rest';

export interface SoapSettings {
  /** Full SOAP endpoint URL, e.g. `http://127.0.0.1:8790/soap/mktows/2_9`. */
  endpoint: string;
  userId: string;
  encryptionKey: string;
  /** Target workspace name for the `MktowsContextHeader`; undefined sends no context header. */
  workspace: string | undefined;
}

export interface RestSettings {
  /** REST base URL without a trailing slash; the API is under `/rest`, identity under `/identity`. */
  endpoint: string;
  clientId: string;
  clientSecret: string;
  partition: string | undefined;
}

export type MarketoSettings = { api: 'soap'; soap: SoapSettings } | { api: 'rest'; rest: RestSettings };

/** `'*'` allows every origin. Otherwise the list contains serialized origins such as `https://example.com`. */
export type AllowedOrigins = '*' | readonly string[];

export interface ProxyConfig {
  marketo: MarketoSettings;
  /** The instance's Munchkin id, `NNN-XXX-NNN`. */
  munchkinId: string;
  /** Upstream timeout per Marketo request, in milliseconds. */
  timeoutMs: number;
  allowedOrigins: AllowedOrigins;
  /** Forms file path from `LEADSYNC_CONFIG`; undefined lets the adapter pick its default. */
  formsPath: string | undefined;
  /**
   * Path prefix of every route from `LEADSYNC_BASE_PATH`, e.g. `/_leadsync`, so the proxy can run
   * on the site's own domain next to the site. Empty string: routes at the root.
   */
  basePath: string;
  host: string;
  port: number;
  abuse: AbuseSettings;
  delivery: DeliverySettings;
  outbox: OutboxSettings;
  /**
   * Bearer token of the admin routes (`/admin/outbox/...`) from `LEADSYNC_ADMIN_TOKEN`;
   * undefined leaves the admin routes out.
   */
  adminToken: string | undefined;
  /** Bearer token that `GET /metrics` requires, from `LEADSYNC_METRICS_TOKEN`; undefined leaves it open. */
  metricsToken: string | undefined;
}

/** The durable outbox for submissions that cannot be delivered now. */
export interface OutboxSettings {
  /** SQLite file of the Node outbox (`LEADSYNC_OUTBOX_PATH`); undefined lets the Node adapter use its default. */
  path: string | undefined;
  /** Pause between two drain runs on Node, in milliseconds. */
  drainIntervalMs: number;
  /** Delivery attempts before an entry becomes a dead letter. */
  maxAttempts: number;
  /** Delay after an entry's first failed attempt, in milliseconds; it doubles per attempt up to one hour. */
  retryBaseDelayMs: number;
}

/** Proxy header the operator trusts for the visitor's address (`TRUST_PROXY_HEADERS`). */
export type TrustedProxyHeader = 'cf-connecting-ip' | 'x-forwarded-for';

/** Limits against floods and bots. */
export interface AbuseSettings {
  /** Submissions per client address and window; 0 turns the limit off. */
  rateLimitPerAddress: number;
  /** Submissions per e-mail address and window; 0 turns the limit off. */
  rateLimitPerEmail: number;
  /** Length of the rate-limit window, in seconds. */
  rateLimitWindowSeconds: number;
  /** Header to read the client address from; undefined uses the runtime's peer address. */
  trustedProxyHeader: TrustedProxyHeader | undefined;
  /** Replaces every form's `minFillMs` (`LEADSYNC_MIN_FILL_MS`), for automated browser tests. */
  minFillMsOverride: number | undefined;
  /** Cloudflare Turnstile verification; undefined turns it off. */
  turnstile: { secretKey: string; verifyUrl: string } | undefined;
}

/** Pace and time bounds of the proxy's calls to Marketo. */
export interface DeliverySettings {
  /** Marketo calls in flight at once; Marketo allows 10 per instance. */
  maxConcurrentCalls: number;
  /** Marketo calls per 20 seconds; Marketo allows 100 per instance, shared by all its integrations. */
  maxCallsPer20Seconds: number;
  /** Marketo calls per quota day, after which the proxy delays the rest until the reset; 0 counts none. */
  dailyQuota: number;
  /** How long a call may wait for a free slot, in milliseconds. */
  queueTimeoutMs: number;
  /** Budget of one delivery with its retries and waits, in milliseconds. */
  deliveryTimeoutMs: number;
}

export type Env = Record<string, string | undefined>;

export const CONFIG_DEFAULTS = {
  host: '127.0.0.1',
  port: 8787,
  timeoutMs: 10_000,
  // Generous for people: one form fill every ten seconds from one address (offices and
  // mobile carriers share addresses), five per e-mail address in ten minutes.
  rateLimitPerAddress: 60,
  rateLimitPerEmail: 5,
  rateLimitWindowSeconds: 600,
  // Marketo's documented per-instance limits.
  maxConcurrentCalls: 10,
  maxCallsPer20Seconds: 100,
  // Every Marketo instance has at least 10,000 API calls a day; most have 50,000.
  dailyQuota: 10_000,
  // The queue wait ends before the widget's 10-second request timeout. The delivery budget
  // leaves room for the retries, because a widget retry with the same submissionId joins the
  // running delivery instead of starting another.
  queueTimeoutMs: 5_000,
  deliveryTimeoutMs: 30_000,
  outboxDrainIntervalMs: 30_000,
  outboxMaxAttempts: 10,
  outboxRetryBaseDelayMs: 30_000,
  turnstileVerifyUrl: 'https://challenges.cloudflare.com/turnstile/v0/siteverify',
} as const;

const TRUSTED_PROXY_HEADERS: readonly TrustedProxyHeader[] = ['cf-connecting-ip', 'x-forwarded-for'];

// Longer than any sensible Marketo call; a larger value is almost always a unit mistake (seconds vs ms).
const MAX_TIMEOUT_MS = 120_000;

// Munchkin ids are three digits, three letters, three digits, e.g. 561-HYG-937.
const MUNCHKIN_ID_PATTERN = /^[0-9]{3}-[A-Z]{3}-[0-9]{3}$/;

const CONTROL_CHARACTER = /[\u0000-\u001F\u007F]/;

/**
 * Reads and validates the proxy configuration.
 *
 * Throws `ConfigError` naming the variable, the rejected value (never for credentials) and the fix.
 * `MARKETO_API=rest` parses the REST variables; whether a REST transport exists is decided by
 * `createTransport`, not here.
 */
export function loadConfig(env: Env): ProxyConfig {
  // Each setting is read even after a problem, so one start reports the problems of all of them.
  // NOTE: within a group, such as the SOAP or REST settings, only the first problem is reported.
  const problems: ConfigError[] = [];
  function read<T>(reader: () => T): T {
    try {
      return reader();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(error);
      return undefined as T;
    }
  }

  const api = read(() => readApi(env));
  const marketo = read((): MarketoSettings | undefined => {
    if (api === undefined) return undefined;
    return api === 'soap' ? { api, soap: readSoapSettings(env) } : { api, rest: readRestSettings(env) };
  });

  const config = {
    marketo,
    munchkinId: read(() => readMunchkinId(env)),
    timeoutMs: read(() => readInteger(env, 'MARKETO_TIMEOUT_MS', { min: 1, max: MAX_TIMEOUT_MS, fallback: CONFIG_DEFAULTS.timeoutMs })),
    allowedOrigins: read(() => readAllowedOrigins(env)),
    formsPath: readOptional(env, 'LEADSYNC_CONFIG'),
    basePath: read(() => readBasePath(env)),
    host: readOptional(env, 'HOST') ?? CONFIG_DEFAULTS.host,
    port: read(() => readInteger(env, 'PORT', { min: 0, max: 65_535, fallback: CONFIG_DEFAULTS.port })),
    abuse: read(() => readAbuseSettings(env)),
    delivery: read(() => readDeliverySettings(env)),
    outbox: read(() => readOutboxSettings(env)),
    adminToken: read(() => readBearerToken(env, 'LEADSYNC_ADMIN_TOKEN')),
    metricsToken: read(() => readBearerToken(env, 'LEADSYNC_METRICS_TOKEN')),
  };

  const [first] = problems;
  if (first === undefined) return config as ProxyConfig;
  if (problems.length === 1) throw first;
  throw new ConfigError(
    first.variable,
    `The configuration has ${problems.length} problems:\n${problems.map((problem) => `- ${problem.message}`).join('\n')}`,
    { problems },
  );
}

function readOutboxSettings(env: Env): OutboxSettings {
  return {
    path: readOptional(env, 'LEADSYNC_OUTBOX_PATH'),
    drainIntervalMs: readInteger(env, 'LEADSYNC_OUTBOX_DRAIN_INTERVAL_MS', { min: 100, max: 3_600_000, fallback: CONFIG_DEFAULTS.outboxDrainIntervalMs }),
    maxAttempts: readInteger(env, 'LEADSYNC_OUTBOX_MAX_ATTEMPTS', { min: 1, max: 100, fallback: CONFIG_DEFAULTS.outboxMaxAttempts }),
    retryBaseDelayMs: readInteger(env, 'LEADSYNC_OUTBOX_RETRY_BASE_MS', { min: 100, max: 3_600_000, fallback: CONFIG_DEFAULTS.outboxRetryBaseDelayMs }),
  };
}

// RFC 6750 §2.1 b64token characters, so the token fits an `Authorization: Bearer` header as is.
const BEARER_TOKEN_PATTERN = /^[A-Za-z0-9._~+/-]+=*$/;
const MIN_BEARER_TOKEN_LENGTH = 32;

/** Reads a bearer token such as `LEADSYNC_ADMIN_TOKEN`. Errors describe the token without ever quoting it. */
function readBearerToken(env: Env, name: string): string | undefined {
  const token = readOptional(env, name);
  if (token === undefined) return undefined;

  if (token.length < MIN_BEARER_TOKEN_LENGTH) {
    throw new ConfigError(
      name,
      `${name} is too short: it has ${token.length} characters, expected at least ${MIN_BEARER_TOKEN_LENGTH}. Generate one with \`openssl rand -hex 32\`.`,
    );
  }
  if (!BEARER_TOKEN_PATTERN.test(token)) {
    throw new ConfigError(
      name,
      `${name} contains characters a bearer token cannot carry; use letters, digits and - . _ ~ + /, e.g. from \`openssl rand -hex 32\`.`,
    );
  }
  return token;
}

/**
 * Returns a warning for each Marketo call limit set above Marketo's default per instance (10
 * calls in flight, 100 calls per 20 s). Such a setting is valid, e.g. for a load test against the
 * emulator or after Marketo raised an instance's limits, but a live instance would turn the
 * excess into rate faults.
 */
export function callLimitWarnings(config: ProxyConfig): string[] {
  const warnings: string[] = [];
  if (config.delivery.maxConcurrentCalls > CONFIG_DEFAULTS.maxConcurrentCalls) {
    warnings.push(
      `MARKETO_MAX_CONCURRENT_CALLS=${config.delivery.maxConcurrentCalls} is above Marketo's limit of ${CONFIG_DEFAULTS.maxConcurrentCalls} calls in flight per instance; unset it unless Marketo raised the limit for this instance.`,
    );
  }
  if (config.delivery.maxCallsPer20Seconds > CONFIG_DEFAULTS.maxCallsPer20Seconds) {
    warnings.push(
      `MARKETO_MAX_CALLS_PER_20S=${config.delivery.maxCallsPer20Seconds} is above Marketo's limit of ${CONFIG_DEFAULTS.maxCallsPer20Seconds} calls per 20 s per instance; unset it unless Marketo raised the limit for this instance.`,
    );
  }
  return warnings;
}

function readAbuseSettings(env: Env): AbuseSettings {
  const minFillMs = readOptional(env, 'LEADSYNC_MIN_FILL_MS');

  return {
    rateLimitPerAddress: readInteger(env, 'RATE_LIMIT_PER_ADDRESS', { min: 0, max: 1_000_000, fallback: CONFIG_DEFAULTS.rateLimitPerAddress }),
    rateLimitPerEmail: readInteger(env, 'RATE_LIMIT_PER_EMAIL', { min: 0, max: 1_000_000, fallback: CONFIG_DEFAULTS.rateLimitPerEmail }),
    rateLimitWindowSeconds: readInteger(env, 'RATE_LIMIT_WINDOW_SECONDS', { min: 1, max: 86_400, fallback: CONFIG_DEFAULTS.rateLimitWindowSeconds }),
    trustedProxyHeader: readTrustedProxyHeader(env),
    minFillMsOverride:
      minFillMs === undefined
        ? undefined
        : readInteger(env, 'LEADSYNC_MIN_FILL_MS', { min: 0, max: 600_000, fallback: 0, whenUnset: "use each form's own minFillMs" }),
    turnstile: readTurnstile(env),
  };
}

function readDeliverySettings(env: Env): DeliverySettings {
  return {
    maxConcurrentCalls: readInteger(env, 'MARKETO_MAX_CONCURRENT_CALLS', { min: 1, max: 1_000, fallback: CONFIG_DEFAULTS.maxConcurrentCalls }),
    maxCallsPer20Seconds: readInteger(env, 'MARKETO_MAX_CALLS_PER_20S', { min: 1, max: 1_000_000, fallback: CONFIG_DEFAULTS.maxCallsPer20Seconds }),
    dailyQuota: readInteger(env, 'MARKETO_DAILY_QUOTA', { min: 0, max: 100_000_000, fallback: CONFIG_DEFAULTS.dailyQuota }),
    queueTimeoutMs: readInteger(env, 'LEADSYNC_QUEUE_TIMEOUT_MS', { min: 0, max: MAX_TIMEOUT_MS, fallback: CONFIG_DEFAULTS.queueTimeoutMs }),
    deliveryTimeoutMs: readInteger(env, 'LEADSYNC_DELIVERY_TIMEOUT_MS', { min: 1_000, max: 300_000, fallback: CONFIG_DEFAULTS.deliveryTimeoutMs }),
  };
}

function readTrustedProxyHeader(env: Env): TrustedProxyHeader | undefined {
  const value = readOptional(env, 'TRUST_PROXY_HEADERS')?.toLowerCase();
  if (value === undefined) return undefined;
  const header = TRUSTED_PROXY_HEADERS.find((candidate) => candidate === value);
  if (header !== undefined) return header;

  throw new ConfigError(
    'TRUST_PROXY_HEADERS',
    `TRUST_PROXY_HEADERS is invalid: expected "cf-connecting-ip" (behind Cloudflare) or "x-forwarded-for" (behind one reverse proxy), got ${quote(value)}. Unset it when clients connect directly.`,
  );
}

function readTurnstile(env: Env): AbuseSettings['turnstile'] {
  const secretKey = readOptional(env, 'TURNSTILE_SECRET_KEY');
  const verifyUrlSet = readOptional(env, 'TURNSTILE_VERIFY_URL') !== undefined;
  if (secretKey === undefined) {
    if (verifyUrlSet) throw new ConfigError('TURNSTILE_SECRET_KEY', 'TURNSTILE_VERIFY_URL is set but TURNSTILE_SECRET_KEY is missing. Set the Turnstile secret key, or unset TURNSTILE_VERIFY_URL.');
    return undefined;
  }

  rejectControlCharacters('TURNSTILE_SECRET_KEY', secretKey, { secret: true });
  const verifyUrl = verifyUrlSet ? readHttpUrl(env, 'TURNSTILE_VERIFY_URL', `e.g. ${CONFIG_DEFAULTS.turnstileVerifyUrl}`) : CONFIG_DEFAULTS.turnstileVerifyUrl;
  return { secretKey, verifyUrl };
}

function readApi(env: Env): MarketoApi {
  const value = readRequired(env, 'MARKETO_API', 'Set it to "soap" or "rest".');
  if (value === 'soap' || value === 'rest') return value;
  throw new ConfigError('MARKETO_API', `MARKETO_API is invalid: expected "soap" or "rest", got ${quote(value)}.`);
}

function readSoapSettings(env: Env): SoapSettings {
  const endpoint = readHttpUrl(env, 'MARKETO_SOAP_ENDPOINT', 'e.g. https://123-ABC-456.mktoapi.com/soap/mktows/2_9');
  const userId = readRequired(env, 'MARKETO_USER_ID', 'Copy the SOAP user id from Admin > Integration > Web Services.');
  const encryptionKey = readRequired(env, 'MARKETO_ENCRYPTION_KEY', 'Copy the SOAP encryption key from Admin > Integration > Web Services.');
  rejectControlCharacters('MARKETO_USER_ID', userId, { secret: true });

  const workspace = readOptional(env, 'MARKETO_WORKSPACE');
  if (workspace !== undefined) rejectControlCharacters('MARKETO_WORKSPACE', workspace, { secret: false });

  return { endpoint, userId, encryptionKey, workspace };
}

function readRestSettings(env: Env): RestSettings {
  const endpoint = readHttpUrl(env, 'MARKETO_REST_ENDPOINT', 'e.g. https://123-ABC-456.mktorest.com, or set MARKETO_API=soap');
  const clientId = readRequired(env, 'MARKETO_CLIENT_ID', 'Copy it from Admin > Integration > LaunchPoint, or set MARKETO_API=soap.');
  const clientSecret = readRequired(env, 'MARKETO_CLIENT_SECRET', 'Copy it from Admin > Integration > LaunchPoint, or set MARKETO_API=soap.');
  const partition = readOptional(env, 'MARKETO_PARTITION');

  // The REST paths start with /rest/v1/ and /identity/, so a base URL ending in /rest would make
  // every call go to /rest/rest/v1/… and fail.
  const base = endpoint.replace(/\/+$/, '');
  if (/\/rest$/i.test(new URL(base).pathname)) {
    throw new ConfigError(
      'MARKETO_REST_ENDPOINT',
      `MARKETO_REST_ENDPOINT ends in /rest: got ${quote(base)}. Set it to the base URL without /rest, e.g. ${quote(base.replace(/\/rest$/i, ''))}.`,
    );
  }

  return { endpoint: base, clientId, clientSecret, partition };
}

function readMunchkinId(env: Env): string {
  const value = readRequired(env, 'MARKETO_MUNCHKIN_ID', 'Set it to the instance Munchkin id, e.g. 123-ABC-456.');
  if (MUNCHKIN_ID_PATTERN.test(value)) return value;
  throw new ConfigError(
    'MARKETO_MUNCHKIN_ID',
    `MARKETO_MUNCHKIN_ID is invalid: expected NNN-XXX-NNN with upper-case letters, e.g. 123-ABC-456, got ${quote(value)}.`,
  );
}

/**
 * Reads `ALLOWED_ORIGINS`: a comma-separated list of origins (`scheme://host[:port]`, http or https),
 * or `*` alone to allow every origin. Entries are normalized the way browsers serialize the
 * `Origin` header, so `https://Example.com:443/` matches `https://example.com`.
 */
function readAllowedOrigins(env: Env): AllowedOrigins {
  const value = readRequired(env, 'ALLOWED_ORIGINS', 'Set it to the site origins allowed to submit, e.g. https://www.example.com,https://example.com, or * for any origin.');
  const entries = value.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');

  if (entries.includes('*')) {
    if (entries.length === 1) return '*';
    throw new ConfigError('ALLOWED_ORIGINS', `ALLOWED_ORIGINS is invalid: "*" must be the only entry, got ${quote(value)}.`);
  }
  if (entries.length === 0) {
    throw new ConfigError('ALLOWED_ORIGINS', 'ALLOWED_ORIGINS is empty. Set it to at least one origin, e.g. https://www.example.com, or *.');
  }

  return entries.map(parseOrigin);
}

function parseOrigin(entry: string): string {
  const url = parseUrl(entry);
  const expected = 'expected scheme://host[:port], e.g. https://www.example.com';

  if (entry.includes('*')) {
    throw new ConfigError(
      'ALLOWED_ORIGINS',
      `ALLOWED_ORIGINS entry ${quote(entry)} has a wildcard, which the proxy does not expand: list each origin, e.g. https://www.example.com,https://shop.example.com, or set * alone for any origin.`,
    );
  }

  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new ConfigError('ALLOWED_ORIGINS', `ALLOWED_ORIGINS entry ${quote(entry)} is not an http(s) origin: ${expected}.`);
  }
  if (url.username !== '' || url.password !== '' || url.pathname !== '/' || url.search !== '' || url.hash !== '') {
    throw new ConfigError(
      'ALLOWED_ORIGINS',
      `ALLOWED_ORIGINS entry ${quote(entry)} is not an origin: remove the path, query or user info and use ${quote(url.origin)}.`,
    );
  }

  return url.origin;
}

// Path segments of unreserved URL characters (RFC 3986 §2.3), so the prefix needs no encoding.
const BASE_PATH_PATTERN = /^(\/[A-Za-z0-9._~-]+)+$/;

/** Reads `LEADSYNC_BASE_PATH`; a single trailing slash is dropped, so `/_leadsync/` works too. */
function readBasePath(env: Env): string {
  const value = readOptional(env, 'LEADSYNC_BASE_PATH');
  if (value === undefined || value === '/') return '';

  const path = value.endsWith('/') ? value.slice(0, -1) : value;
  const segments = path.split('/').slice(1);
  if (BASE_PATH_PATTERN.test(path) && !segments.some((segment) => segment === '.' || segment === '..')) return path;
  throw new ConfigError(
    'LEADSYNC_BASE_PATH',
    `LEADSYNC_BASE_PATH is invalid: expected a path such as /_leadsync (letters, digits, "-", "_", "." and "~" between slashes), got ${quote(value)}.`,
  );
}

function readHttpUrl(env: Env, name: string, example: string): string {
  const value = readRequired(env, name, `Set it to an http(s) URL, ${example}.`);
  const url = parseUrl(value);

  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new ConfigError(name, `${name} is not an http(s) URL: got ${quote(value)}; ${example}.`);
  }
  // The value is not echoed here: a URL with user info may carry a password.
  if (url.username !== '' || url.password !== '') {
    throw new ConfigError(name, `${name} must not contain a user name or password; remove the user info from the URL.`);
  }

  return url.href;
}

interface IntegerRule {
  min: number;
  max: number;
  fallback: number;
  /** The effect of leaving the variable unset, for the error message. Default: "use <fallback>". */
  whenUnset?: string;
}

function readInteger(env: Env, name: string, rule: IntegerRule): number {
  const value = readOptional(env, name);
  if (value === undefined) return rule.fallback;

  const number = /^[0-9]+$/.test(value) ? Number(value) : Number.NaN;
  if (Number.isSafeInteger(number) && number >= rule.min && number <= rule.max) return number;
  throw new ConfigError(
    name,
    `${name} is invalid: expected an integer from ${rule.min} to ${rule.max}, got ${quote(value)}. Unset it to ${rule.whenUnset ?? `use ${rule.fallback}`}.`,
  );
}

function rejectControlCharacters(name: string, value: string, options: { secret: boolean }): void {
  if (!CONTROL_CHARACTER.test(value)) return;
  const shown = options.secret ? '' : ` (got ${quote(value)})`;
  throw new ConfigError(name, `${name} contains a control character${shown}; remove line breaks and other control characters.`);
}

function readRequired(env: Env, name: string, fix: string): string {
  const value = readOptional(env, name);
  if (value !== undefined) return value;
  throw new ConfigError(name, `${name} is missing. ${fix}`);
}

/** Returns the trimmed value, or undefined when the variable is unset or blank. */
function readOptional(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

function quote(value: string): string {
  return JSON.stringify(value);
}
