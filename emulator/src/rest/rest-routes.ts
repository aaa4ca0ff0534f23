import { Hono, type Context } from "hono";

import type { EmulatorContext } from "../emulator-context.ts";
import { runWithInjection } from "../injection/run-with-injection.ts";
import type { LimitExceeded } from "../limits/call-limiter.ts";
import type { AccessTokens } from "./access-tokens.ts";
import { associateLead } from "./associate-lead.ts";
import { authenticateBearer } from "./authenticate-bearer.ts";
import { issueToken } from "./identity.ts";
import {
  errorReply,
  newRequestId,
  REST_ERROR_MESSAGES,
  RestError,
  skippedRecord,
  skipReason,
  successReply,
  type RecordResult,
} from "./rest-reply.ts";
import { submitForm } from "./submit-form.ts";
import { syncLeads, type RestWriteContext } from "./sync-leads.ts";

/** Marketo returns 414 when a request URI exceeds 8 KB. */
const MAX_URI_BYTES = 8 * 1024;

const LIMIT_ERROR_CODES: Record<LimitExceeded, number> = {
  rate: 606,
  dailyQuota: 607,
  concurrency: 615,
};

type RestOperation = "syncLeads" | "associateLead" | "submitForm";

/** Runs an authenticated, admitted call on its body text; returns `result[]`, or undefined for calls without one. */
type ApplyCall = (body: string) => RecordResult[] | undefined;

/**
 * Routes the REST lead API subset: identity, Sync Leads, Associate Lead and Submit Form, on
 * the lead store that SOAP uses. An API call is checked for size (414, 413), authenticated
 * (600, 601, 602), counted against the REST limits (606, 607, 615) and then applied under
 * fault injection. Errors come back in Marketo's shape, HTTP 200 with `success: false`.
 */
export function restRoutes(context: EmulatorContext, tokens: AccessTokens): Hono {
  const app = new Hono();

  app.on(["GET", "POST"], "/identity/oauth/token", (c) => issueToken(c, context, tokens));

  app.post("/rest/v1/leads.json", (c) =>
    handleCall(c, context, tokens, "syncLeads", (body) => syncLeads(writeContext(context), readJson(c, body))),
  );
  app.post("/rest/v1/leads/submitForm.json", (c) =>
    handleCall(c, context, tokens, "submitForm", (body) => submitForm(writeContext(context), readJson(c, body))),
  );
  app.post("/rest/v1/leads/:leadId/associate.json", (c) =>
    handleCall(c, context, tokens, "associateLead", () => {
      associateLead(context.store, context.config.current, c.req.param("leadId"), c.req.query("cookie"));
      return undefined;
    }),
  );

  // Marketo names GET on Sync Leads as its example of 605; the other paths answer the same way.
  app.on(["GET", "PUT", "PATCH", "DELETE"], ["/rest/v1/leads.json", "/rest/v1/leads/submitForm.json", "/rest/v1/leads/:leadId/associate.json"], (c) =>
    errorReply(newRequestId(context.clock()), new RestError(605, `HTTP Method not supported: use POST, not ${c.req.method}`)),
  );
  app.all("/rest/*", (c) =>
    errorReply(
      newRequestId(context.clock()),
      new RestError(610, `Requested resource not found: the emulator serves /rest/v1/leads.json, /rest/v1/leads/{id}/associate.json and /rest/v1/leads/submitForm.json, not ${new URL(c.req.url).pathname}`),
    ),
  );

  return app;
}

function writeContext(context: EmulatorContext): RestWriteContext {
  return { store: context.store, fields: context.config.fields, config: context.config.current };
}

async function handleCall(c: Context, context: EmulatorContext, tokens: AccessTokens, operation: RestOperation, apply: ApplyCall): Promise<Response> {
  const { calls, logger } = context;
  const at = context.clock().toISOString();
  const requestId = newRequestId(context.clock());

  const reply = (error: RestError): Response => {
    calls.record({ at, transport: "rest", operation, outcome: "fault", code: error.code });
    logger.log("warn", "REST error returned", { requestId, operation, code: error.code });
    return errorReply(requestId, error);
  };

  const body = await readBody(c, context.config.current.limits.maxRequestBytes);
  if (body instanceof Response) {
    calls.record({ at, transport: "rest", operation, outcome: "fault", code: body.status });
    return body;
  }

  const authError = authenticateBearer(c, tokens, context.clock());
  if (authError !== undefined) return reply(authError);

  const admission = context.limiters.rest.admit();
  if (!admission.admitted) return reply(limitError(admission.exceeded, context));

  try {
    return await runWithInjection(
      c,
      context.injector,
      {
        transport: "rest",
        renderFault: (code) => injectedReply(requestId, operation, code),
        onInjected: (fault) => {
          calls.record({ at, transport: "rest", operation, outcome: "injected", injected: fault.kind, code: fault.code });
          logger.log("info", "injected failure", { requestId, operation, kind: fault.kind, code: fault.code });
        },
      },
      async () => {
        try {
          const result = apply(body);
          const written = result?.find((record) => "id" in record);
          calls.record({ at, transport: "rest", operation, outcome: "ok", ...(written !== undefined && "id" in written && { leadId: written.id, status: written.status }) });
          return successReply(requestId, result);
        } catch (error) {
          return reply(asRestError(error, context, requestId));
        }
      },
    );
  } finally {
    admission.release();
  }
}

/** Returns the body text, or the 414 or 413 reply when the URI or the body is too large. */
async function readBody(c: Context, maxBytes: number): Promise<string | Response> {
  if (new TextEncoder().encode(c.req.url).byteLength > MAX_URI_BYTES) {
    return c.text(`Request-URI Too Long: the URI exceeds ${MAX_URI_BYTES} bytes`, 414);
  }
  const declared = Number(c.req.header("content-length") ?? "0");
  if (declared > maxBytes) {
    return c.text(`Request Entity Too Large: the body of ${declared} bytes exceeds ${maxBytes} bytes`, 413);
  }
  const body = await c.req.arrayBuffer();
  if (body.byteLength > maxBytes) {
    return c.text(`Request Entity Too Large: the body of ${body.byteLength} bytes exceeds ${maxBytes} bytes`, 413);
  }
  return new TextDecoder().decode(body);
}

/** Parses a JSON body: 612 unless the content type is JSON, 609 when the text is not JSON. */
function readJson(c: Context, body: string): unknown {
  const contentType = c.req.header("content-type") ?? "";
  if (!/^application\/json\b/i.test(contentType.trim())) {
    throw new RestError(612, `Invalid Content Type: send Content-Type: application/json, not '${contentType}'`);
  }
  try {
    return JSON.parse(body);
  } catch (error) {
    throw new RestError(609, "Invalid JSON: the request body cannot be parsed", { cause: error });
  }
}

function limitError(exceeded: LimitExceeded, context: EmulatorContext): RestError {
  const code = LIMIT_ERROR_CODES[exceeded];
  if (exceeded !== "rate") return new RestError(code);

  // Marketo's own wording, "with in" included.
  const { maxCalls, windowSeconds } = context.config.current.limits.rateLimit;
  return new RestError(code, `Max rate limit '${maxCalls}' exceeded with in '${windowSeconds}' secs`);
}

/**
 * Renders an injected fault: 6xx codes fail the whole call; 1xxx codes skip the record of
 * Sync Leads and Submit Form, and fail Associate Lead, which has no records.
 */
function injectedReply(requestId: string, operation: RestOperation, code: number): Response {
  const message = `${REST_ERROR_MESSAGES[code] ?? "Error"} (injected through /_emulator/config)`;
  if (code >= 1000 && operation !== "associateLead") {
    return successReply(requestId, [skippedRecord(skipReason(code, message))]);
  }
  return errorReply(requestId, new RestError(code, message));
}

/** Passes REST errors through. Anything else is a bug: it is logged and returned as 611. */
function asRestError(error: unknown, context: EmulatorContext, requestId: string): RestError {
  if (error instanceof RestError) {
    return error;
  }
  context.logger.log("error", "unexpected error in a REST call", {
    requestId,
    error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
  });
  return new RestError(611, "System error: the emulator failed unexpectedly; see its log", { cause: error });
}
