/**
 * The inspector shell. `/inspector.js` fetches `/_emulator/leads` every 2 s and renders the
 * leads. The page has no inline script or style, so it works under the route's
 * Content-Security-Policy.
 */
export const INSPECTOR_PAGE = `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Marketo emulator · leads</title>
  <link rel="stylesheet" href="/inspector.css">
  <script src="/inspector.js" defer></script>
</head>
<body>
  <header class="top">
    <div>
      <h1>Marketo emulator</h1>
      <p class="subtitle">Leads, anonymous and known, with their cookies, partition, attributes and visits.</p>
    </div>
    <div class="actions">
      <span id="status" class="status" role="status">Loading…</span>
      <button id="reset" type="button">Reset emulator</button>
    </div>
  </header>
  <main id="leads" aria-live="polite">
    <noscript><p class="empty">The lead list needs JavaScript. The raw data is at <a href="/_emulator/leads">/_emulator/leads</a>.</p></noscript>
  </main>
  <footer class="bottom">
    JSON: <a href="/_emulator/leads">/_emulator/leads</a> · <a href="/_emulator/config">/_emulator/config</a> ·
    <a href="/_emulator/calls">/_emulator/calls</a> · WSDL: <a href="/soap/mktows/2_9?WSDL">/soap/mktows/2_9?WSDL</a>
  </footer>
</body>
</html>
`;

/** Policy for the inspector: its own origin only, no inline code. */
export const INSPECTOR_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
