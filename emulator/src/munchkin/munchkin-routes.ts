import { Hono, type Context } from "hono";
import { cors } from "hono/cors";

import type { EmulatorContext } from "../emulator-context.ts";
import { parseMunchkinCookie } from "../store/munchkin-cookie.ts";
import { partitionForAnonymousLead } from "../store/workspaces.ts";
import { MUNCHKIN_SCRIPT } from "./munchkin-script.ts";

/** A transparent 1×1 GIF, the reply to an image beacon. */
const PIXEL_GIF = Uint8Array.from(
  atob("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"),
  (character) => character.charCodeAt(0),
);

interface VisitReport {
  cookie: string | undefined;
  url: string | undefined;
  referrer: string | undefined;
}

async function readVisitReport(c: Context): Promise<VisitReport> {
  if (c.req.method === "GET") {
    return { cookie: c.req.query("_mchCk"), url: c.req.query("_mchUrl"), referrer: c.req.query("_mchRef") };
  }
  // sendBeacon and form posts send application/x-www-form-urlencoded or text/plain bodies,
  // neither of which triggers a CORS preflight.
  const form = new URLSearchParams(await c.req.text());
  return {
    cookie: form.get("_mchCk") ?? undefined,
    url: form.get("_mchUrl") ?? undefined,
    referrer: form.get("_mchRef") ?? undefined,
  };
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

/** Routes `/munchkin.js` and `/webevents/visitWebPage`, both open to every origin. */
export function munchkinRoutes(context: EmulatorContext): Hono {
  const app = new Hono();

  app.use("/munchkin.js", cors({ origin: "*" }));
  app.use("/webevents/*", cors({ origin: "*", allowMethods: ["GET", "POST"] }));

  app.get("/munchkin.js", (c) =>
    c.body(MUNCHKIN_SCRIPT, 200, {
      "content-type": "text/javascript; charset=utf-8",
      "cache-control": "no-cache",
      "cross-origin-resource-policy": "cross-origin",
    }),
  );

  app.on(["GET", "POST"], "/webevents/visitWebPage", async (c) => {
    const report = await readVisitReport(c);
    const rejected = (message: string): Response => {
      context.logger.log("warn", "visit rejected", { reason: message });
      return c.text(message, 400);
    };

    const cookie = report.cookie === undefined ? undefined : parseMunchkinCookie(report.cookie);
    if (report.cookie === undefined || cookie === undefined) {
      return rejected(
        "invalid _mchCk: expected a full _mkto_trk value such as id:123-ABC-456&token:_mch-example.test-1700000000000-12345",
      );
    }
    const expectedId = context.config.current.credentials.munchkinId;
    if (cookie.munchkinId !== expectedId) {
      return rejected(`the cookie belongs to Munchkin id ${cookie.munchkinId}; this emulator is ${expectedId}`);
    }
    if (report.url === undefined || !isHttpUrl(report.url)) {
      return rejected("invalid _mchUrl: expected the absolute http(s) URL of the visited page");
    }

    context.store.recordVisit(
      report.cookie,
      { url: report.url, referrer: report.referrer ? report.referrer : null },
      partitionForAnonymousLead(context.config.current),
    );

    return c.body(PIXEL_GIF, 200, {
      "content-type": "image/gif",
      "cache-control": "no-store",
      "cross-origin-resource-policy": "cross-origin",
    });
  });

  return app;
}
