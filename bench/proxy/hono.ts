// The bench is no workspace package, so `hono` does not resolve from this folder. It uses the
// proxy package's copy, the same version the proxy runs on.
export { Hono } from '../../proxy/node_modules/hono/dist/index.js';
export { serve } from '../../proxy/node_modules/@hono/node-server/dist/index.mjs';
