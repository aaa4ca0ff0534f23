import type { CustomFieldDefinition } from "../store/field-catalogue.ts";
import { DEFAULT_WORKSPACE, type WorkspaceSettings } from "../store/workspaces.ts";
import type { FaultSettings } from "../injection/fault-settings.ts";

export interface Credentials {
  /** SOAP `mktowsUserId`. */
  soapUserId: string;
  /** SOAP encryption key; its UTF-8 bytes key the HMAC-SHA1 request signature. */
  soapEncryptionKey: string;
  /** Munchkin id in Marketo's `NNN-XXX-NNN` form. */
  munchkinId: string;
  /** REST OAuth client id. */
  restClientId: string;
  /** REST OAuth client secret. */
  restClientSecret: string;
}

/** Marketo's per-instance API limits, counted separately for each transport. */
export interface LimitSettings {
  /** Calls accepted per day; the day starts at 00:00 America/Chicago, as Marketo's does. */
  dailyQuota: number;
  /** At most `maxCalls` accepted calls in any `windowSeconds`. */
  rateLimit: { maxCalls: number; windowSeconds: number };
  /** Calls in progress at once. */
  maxConcurrentCalls: number;
  /** Largest request body accepted, in bytes. */
  maxRequestBytes: number;
}

/** How far `requestTimestamp` may be from the emulator's clock, in seconds. */
export interface TimestampWindow {
  maxAgeSeconds: number;
  maxFutureSeconds: number;
}

/** Everything `/_emulator/config` reads and writes. */
export interface EmulatorConfig extends WorkspaceSettings {
  credentials: Credentials;
  customFields: CustomFieldDefinition[];
  limits: LimitSettings;
  timestampWindow: TimestampWindow;
  /** Life of a REST access token from its issue, in seconds; Marketo's tokens live 3,600 s. */
  accessTokenLifetimeSeconds: number;
  faults: FaultSettings;
}

/** Demo credentials, shared with the proxy's demo configuration. */
export const DEMO_CREDENTIALS: Credentials = {
  soapUserId: "leadsync_demo_1A2B3C4D5E6F",
  soapEncryptionKey: "demo-encryption-key",
  munchkinId: "123-ABC-456",
  restClientId: "demo-client-id",
  restClientSecret: "demo-client-secret",
};

/**
 * Built-in defaults. Limits are Marketo's documented SOAP defaults (10,000 calls a day,
 * 100 calls per 20 s, 10 concurrent calls). Marketo documents no body limit or timestamp
 * window, so the 1 MiB body limit (REST's documented limit) and the 15-minute past and
 * 5-minute future window are the emulator's choices.
 */
export function defaultConfig(): EmulatorConfig {
  return {
    credentials: { ...DEMO_CREDENTIALS },
    workspacesEnabled: false,
    partitions: [DEFAULT_WORKSPACE],
    workspaces: [{ name: DEFAULT_WORKSPACE, primaryPartition: DEFAULT_WORKSPACE }],
    assignmentRules: [],
    customFields: [],
    limits: {
      dailyQuota: 10_000,
      rateLimit: { maxCalls: 100, windowSeconds: 20 },
      maxConcurrentCalls: 10,
      maxRequestBytes: 1_048_576,
    },
    timestampWindow: { maxAgeSeconds: 900, maxFutureSeconds: 300 },
    accessTokenLifetimeSeconds: 3600,
    faults: { latencyMs: 0, holdReplyMs: 0, queue: [] },
  };
}

/** Returns the config as `GET /_emulator/config` shows it, without the two secrets. */
export function publicConfig(config: EmulatorConfig): unknown {
  const { soapEncryptionKey: _key, restClientSecret: _secret, ...credentials } = config.credentials;
  return { ...structuredClone(config), credentials };
}
