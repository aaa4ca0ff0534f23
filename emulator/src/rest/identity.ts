import type { Context } from "hono";

import type { EmulatorContext } from "../emulator-context.ts";
import type { AccessTokens } from "./access-tokens.ts";

/**
 * Serves `GET|POST /identity/oauth/token`, OAuth 2.0 client credentials with `grant_type`,
 * `client_id` and `client_secret` in the query string, as Marketo's identity Swagger declares
 * them. Bad credentials get HTTP 401, as Marketo documents for identity. Identity calls count
 * against no limit and take no injected fault; they appear in the call log as `identity`.
 */
export function issueToken(c: Context, context: EmulatorContext, tokens: AccessTokens): Response {
  const { credentials, accessTokenLifetimeSeconds } = context.config.current;
  const at = context.clock().toISOString();

  const grantType = c.req.query("grant_type");
  if (grantType !== "client_credentials") {
    context.calls.record({ at, transport: "rest", operation: "identity", outcome: "fault", code: 400 });
    return c.json(
      { error: "unsupported_grant_type", error_description: "grant_type must be client_credentials" },
      400,
    );
  }

  if (c.req.query("client_id") !== credentials.restClientId || c.req.query("client_secret") !== credentials.restClientSecret) {
    context.calls.record({ at, transport: "rest", operation: "identity", outcome: "fault", code: 401 });
    context.logger.log("warn", "identity rejected the client credentials", { code: 401 });
    return c.json({ error: "invalid_client", error_description: "Bad client credentials" }, 401);
  }

  const issued = tokens.issue(context.clock(), accessTokenLifetimeSeconds);
  context.calls.record({ at, transport: "rest", operation: "identity", outcome: "ok" });
  return c.json({
    access_token: issued.token,
    token_type: "bearer",
    expires_in: issued.expiresIn,
    scope: "leadsync-api@emulator.test",
  });
}
