import type { Context } from "hono";

import type { AccessTokens } from "./access-tokens.ts";
import { RestError } from "./rest-reply.ts";

const BEARER_PATTERN = /^Bearer\s+(\S+)$/i;

/**
 * Checks the `Authorization: Bearer` header of an API call and returns the error to send, or
 * undefined when the token is valid: 600 without a token, 601 for an unknown one, 602 for an
 * expired one. Marketo stopped taking `access_token` in the query string on 31 August 2026,
 * so the emulator rejects that with 601 even when the token is valid.
 */
export function authenticateBearer(c: Context, tokens: AccessTokens, now: Date): RestError | undefined {
  if (c.req.query("access_token") !== undefined) {
    return new RestError(601, "Access token invalid: access_token in the query string is not supported; send Authorization: Bearer <token>");
  }

  const header = c.req.header("authorization");
  if (header === undefined || header.trim() === "") {
    return new RestError(600, "Access token not specified: send Authorization: Bearer <token>");
  }

  const token = BEARER_PATTERN.exec(header.trim())?.[1];
  if (token === undefined) {
    return new RestError(601, "Access token invalid: the Authorization header is not 'Bearer <token>'");
  }

  switch (tokens.check(token, now)) {
    case "valid":
      return undefined;
    case "expired":
      return new RestError(602);
    case "unknown":
      return new RestError(601);
  }
}
