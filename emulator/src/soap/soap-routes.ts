import { Hono, type Context } from "hono";

import type { EmulatorContext } from "../emulator-context.ts";
import type { LimitExceeded } from "../limits/call-limiter.ts";
import { runWithInjection, type InjectionOptions } from "../injection/run-with-injection.ts";
import { authenticate } from "./authenticate.ts";
import { getLead, readLeadKey } from "./get-lead.ts";
import { checkSoapAction, decodeBody, readEnvelope, type SoapRequest } from "./read-envelope.ts";
import { SOAP_CONTENT_TYPE, SoapFault, soapFaultResponse } from "./soap-fault.ts";
import { readSyncLeadInput, syncLead } from "./sync-lead.ts";
import { renderWsdl } from "./wsdl.ts";

/** API versions look like `2_2` or `3_1`; any such version is served. */
const VERSION_PATTERN = /^\d+_\d+$/;

const LIMIT_FAULT_CODES: Record<LimitExceeded, number> = {
  dailyQuota: 20015,
  rate: 20023,
  concurrency: 20024,
};

function wantsWsdl(c: Context): boolean {
  return Object.keys(c.req.queries()).some((name) => name.toLowerCase() === "wsdl");
}

function xmlResponse(xml: string): Response {
  return new Response(xml, { status: 200, headers: { "content-type": SOAP_CONTENT_TYPE } });
}

/**
 * Routes `/soap/mktows/{version}`: POST runs syncLead or getLead, `?WSDL` (GET or POST) serves
 * the emulator's WSDL. A call is read, authenticated, counted against the limits and then
 * applied under fault injection. A fault at any step returns HTTP 500 with Marketo's fault shape.
 */
export function soapRoutes(context: EmulatorContext): Hono {
  const app = new Hono();

  app.on(["GET", "POST"], "/soap/mktows/:version", async (c) => {
    const version = c.req.param("version");
    if (!VERSION_PATTERN.test(version)) {
      return c.text(`unknown API version '${version}': use a version such as 2_2 or 3_1`, 404);
    }

    if (wantsWsdl(c)) {
      const endpoint = `${new URL(c.req.url).origin}/soap/mktows/${version}`;
      return c.body(renderWsdl(endpoint, version), 200, { "content-type": "text/xml; charset=utf-8" });
    }

    if (c.req.method !== "POST") {
      c.header("allow", "POST");
      return c.text("POST a SOAP 1.1 envelope here, or GET ?WSDL for the service description", 405);
    }

    return handleCall(c, context);
  });

  return app;
}

async function handleCall(c: Context, context: EmulatorContext): Promise<Response> {
  const { calls, config, logger } = context;
  const at = context.clock().toISOString();
  const requestId = crypto.randomUUID();
  let operation: string | null = null;

  const reply = (fault: SoapFault): Response => {
    calls.record({ at, transport: "soap", operation, outcome: "fault", code: fault.code });
    logger.log("warn", "SOAP fault returned", { requestId, operation, code: fault.code });
    return soapFaultResponse(fault);
  };

  let request: SoapRequest;
  try {
    request = await readRequest(c, config.current.limits.maxRequestBytes);
    operation = request.operation;
    authenticate(request.header, {
      credentials: config.current.credentials,
      window: config.current.timestampWindow,
      now: context.clock(),
    });
  } catch (error) {
    return reply(asSoapFault(error, context, requestId));
  }

  const admission = context.limiters.soap.admit();
  if (!admission.admitted) {
    const code = LIMIT_FAULT_CODES[admission.exceeded];
    return reply(new SoapFault(code, admission.message));
  }

  const injection: InjectionOptions = {
    transport: "soap",
    renderFault: (code) => soapFaultResponse(new SoapFault(code, "fault injected through /_emulator/config")),
    onInjected: (fault) => {
      calls.record({ at, transport: "soap", operation, outcome: "injected", injected: fault.kind, code: fault.code });
      logger.log("info", "injected failure", { requestId, operation, kind: fault.kind, code: fault.code });
    },
  };

  try {
    return await runWithInjection(c, context.injector, injection, async () => {
      try {
        return applyOperation(request, context, at);
      } catch (error) {
        return reply(asSoapFault(error, context, requestId));
      }
    });
  } finally {
    admission.release();
  }
}

async function readRequest(c: Context, maxBytes: number): Promise<SoapRequest> {
  const declaredLength = Number(c.req.header("content-length") ?? "0");
  if (declaredLength > maxBytes) {
    throw new SoapFault(20012, `the request body of ${declaredLength} bytes exceeds the limit of ${maxBytes} bytes`);
  }
  const body = await c.req.arrayBuffer();
  if (body.byteLength > maxBytes) {
    throw new SoapFault(20012, `the request body of ${body.byteLength} bytes exceeds the limit of ${maxBytes} bytes`);
  }

  const request = readEnvelope(decodeBody(body));
  checkSoapAction(c.req.header("soapaction"), request.operation);
  return request;
}

function applyOperation(request: SoapRequest, context: EmulatorContext, at: string): Response {
  const { store, config, calls } = context;

  if (request.operation === "syncLead") {
    const input = readSyncLeadInput(request.params, request.header);
    const { xml, result } = syncLead(
      { store, fields: config.fields, workspaces: config.current },
      input,
    );
    calls.record({ at, transport: "soap", operation: "syncLead", outcome: "ok", leadId: result.lead.id, status: result.status });
    return xmlResponse(xml);
  }

  const { xml, leads } = getLead(store, config.fields, readLeadKey(request.params));
  calls.record({ at, transport: "soap", operation: "getLead", outcome: "ok", leadId: leads[0]?.id });
  return xmlResponse(xml);
}

/** Passes SOAP faults through. Anything else is a bug: it is logged and returned as fault 10001. */
function asSoapFault(error: unknown, context: EmulatorContext, requestId: string): SoapFault {
  if (error instanceof SoapFault) {
    return error;
  }
  context.logger.log("error", "unexpected error in a SOAP call", {
    requestId,
    error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
  });
  return new SoapFault(10001, "the emulator failed unexpectedly; see its log", { cause: error });
}
