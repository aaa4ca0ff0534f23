import { Hono } from "hono";

import { INSPECTOR_CSP, INSPECTOR_PAGE } from "./inspector-page.ts";
import { INSPECTOR_SCRIPT } from "./inspector-script.ts";
import { INSPECTOR_STYLE } from "./inspector-style.ts";

/** Routes the inspector page `/` and its assets `/inspector.js` and `/inspector.css`. */
export function inspectorRoutes(): Hono {
  const app = new Hono();

  app.get("/", (c) =>
    c.html(INSPECTOR_PAGE, 200, {
      "content-security-policy": INSPECTOR_CSP,
      "cache-control": "no-cache",
    }),
  );

  app.get("/inspector.js", (c) =>
    c.body(INSPECTOR_SCRIPT, 200, { "content-type": "text/javascript; charset=utf-8", "cache-control": "no-cache" }),
  );

  app.get("/inspector.css", (c) =>
    c.body(INSPECTOR_STYLE, 200, { "content-type": "text/css; charset=utf-8", "cache-control": "no-cache" }),
  );

  return app;
}
