import { Hono } from "hono";

import { ConfigHolder } from "./config/config-holder.ts";
import { mergePatch } from "./config/config-error.ts";
import { defaultConfig, type EmulatorConfig } from "./config/emulator-config.ts";
import { CallLog } from "./control/call-log.ts";
import { controlRoutes } from "./control/control-routes.ts";
import type { EmulatorContext } from "./emulator-context.ts";
import { FaultInjector } from "./injection/fault-injector.ts";
import { inspectorRoutes } from "./inspector/inspector-routes.ts";
import { CallLimiter } from "./limits/call-limiter.ts";
import { createJsonLogger, type Logger } from "./log/logger.ts";
import { munchkinRoutes } from "./munchkin/munchkin-routes.ts";
import { AccessTokens } from "./rest/access-tokens.ts";
import { restRoutes } from "./rest/rest-routes.ts";
import { isKnownSoapFaultCode } from "./soap/soap-fault.ts";
import { soapRoutes } from "./soap/soap-routes.ts";
import { LeadStore } from "./store/lead-store.ts";

export interface EmulatorOptions {
  /**
   * Config values merged over the built-in defaults, in the JSON shape of `/_emulator/config`
   * (objects merge, arrays replace). `POST /_emulator/reset` restores this config.
   * Default: the built-in defaults with the demo credentials.
   */
  config?: Record<string, unknown>;
  /** Clock for lead times, quota days and timestamp checks. Default: the system clock. */
  clock?: () => Date;
  /** Default: JSON lines on stdout and stderr. */
  logger?: Logger;
}

export interface Emulator {
  app: Hono;
  store: LeadStore;
  config: ConfigHolder;
  context: EmulatorContext;
  /** Clears leads, counters and the call log and restores the starting config. */
  reset(): void;
}

/**
 * Marketo's documented REST error codes (6xx request errors, 1xxx record errors). The REST
 * layer renders injected faults with these.
 */
function isKnownRestErrorCode(code: number): boolean {
  return (code >= 601 && code <= 699) || (code >= 1001 && code <= 1099);
}

function isKnownFaultCode(transport: string, code: number): boolean {
  return transport === "soap" ? isKnownSoapFaultCode(code) : isKnownRestErrorCode(code);
}

/** Creates the emulator's Hono app and its state, without listening on a port. */
export function createEmulator(options: EmulatorOptions = {}): Emulator {
  const clock = options.clock ?? (() => new Date());
  const logger = options.logger ?? createJsonLogger({ clock });
  const startingConfig = mergePatch(defaultConfig(), options.config ?? {}) as EmulatorConfig;

  const config = new ConfigHolder(startingConfig, isKnownFaultCode);
  const store = new LeadStore({ clock });
  const limits = () => config.current.limits;
  const context: EmulatorContext = {
    store,
    config,
    calls: new CallLog(),
    injector: new FaultInjector(() => config.current.faults),
    limiters: { soap: new CallLimiter(limits, clock), rest: new CallLimiter(limits, clock) },
    logger,
    clock,
  };

  const tokens = new AccessTokens();

  const reset = (): void => {
    tokens.clear();
    store.clear();
    config.reset();
    context.calls.clear();
    context.limiters.soap.reset();
    context.limiters.rest.reset();
  };

  const app = new Hono();
  app.route("/", soapRoutes(context));
  app.route("/", restRoutes(context, tokens));
  app.route("/", munchkinRoutes(context));
  app.route("/", controlRoutes(context, reset));
  app.route("/", inspectorRoutes());

  app.notFound((c) =>
    c.text(
      `not found: ${c.req.method} ${new URL(c.req.url).pathname}; the emulator serves /soap/mktows/{version}, ` +
        "/identity/oauth/token, /rest/v1/leads.json, /rest/v1/leads/{id}/associate.json, /rest/v1/leads/submitForm.json, " +
        "/munchkin.js, /webevents/visitWebPage, /_emulator/leads, /_emulator/reset, /_emulator/config and /",
      404,
    ),
  );

  app.onError((error, c) => {
    logger.log("error", "unhandled error", { path: new URL(c.req.url).pathname, error: `${error.name}: ${error.message}` });
    return c.json({ error: { code: "internal_error", message: "the emulator failed unexpectedly; see its log" } }, 500);
  });

  return { app, store, config, context, reset };
}
