import { Hono, type Context } from "hono";

import { ConfigError } from "../config/config-error.ts";
import { publicConfig } from "../config/emulator-config.ts";
import type { EmulatorContext } from "../emulator-context.ts";
import { LeadConflictError, LeadStoreError } from "../store/errors.ts";
import { readSeedLead } from "./read-seed-lead.ts";

function errorBody(code: string, message: string): { error: { code: string; message: string } } {
  return { error: { code, message } };
}

/** Parses a JSON request body; returns undefined when the body is not valid JSON. */
async function readJson(c: Context): Promise<{ value: unknown } | undefined> {
  const text = await c.req.text();
  try {
    return { value: text === "" ? {} : JSON.parse(text) };
  } catch {
    return undefined;
  }
}

const INVALID_JSON = errorBody("invalid_json", "the request body is not valid JSON; send a JSON object");

/**
 * Routes `/_emulator/*`, the JSON interface for tests: list and seed leads, reset, read and
 * change the config, and list recent API calls. Responses never contain the SOAP encryption
 * key or the REST client secret.
 */
export function controlRoutes(context: EmulatorContext, resetAll: () => void): Hono {
  const app = new Hono();
  const { store, config } = context;

  app.get("/_emulator/leads", (c) => c.json(store.list()));

  app.post("/_emulator/leads", async (c) => {
    const body = await readJson(c);
    if (body === undefined) {
      return c.json(INVALID_JSON, 400);
    }
    try {
      const lead = store.insert(readSeedLead(body.value, config.current, config.fields));
      return c.json(lead, 201);
    } catch (error) {
      if (error instanceof ConfigError) {
        return c.json(errorBody("invalid_lead", error.message), 400);
      }
      if (error instanceof LeadConflictError) {
        return c.json(errorBody("conflict", error.message), 409);
      }
      if (error instanceof LeadStoreError) {
        return c.json(errorBody(error.code, error.message), 400);
      }
      throw error;
    }
  });

  app.post("/_emulator/reset", (c) => {
    resetAll();
    context.logger.log("info", "emulator reset");
    return c.json({ reset: true });
  });

  app.get("/_emulator/config", (c) => c.json(publicConfig(config.current)));

  app.post("/_emulator/config", async (c) => {
    const body = await readJson(c);
    if (body === undefined) {
      return c.json(INVALID_JSON, 400);
    }
    try {
      config.update(body.value);
    } catch (error) {
      if (error instanceof ConfigError) {
        return c.json(errorBody("invalid_config", error.message), 400);
      }
      throw error;
    }
    context.logger.log("info", "emulator config changed", { keys: Object.keys(body.value as object).join(",") });
    return c.json(publicConfig(config.current));
  });

  app.get("/_emulator/calls", (c) => c.json(context.calls.list()));

  return app;
}
