/** Stylesheet of the inspector page, served at `/inspector.css`. */
export const INSPECTOR_STYLE = `:root {
  color-scheme: light dark;
  --background: #f6f7f9;
  --surface: #ffffff;
  --text: #1d2430;
  --muted: #5d6778;
  --border: #d9dde5;
  --accent: #5a3fc0;
  --known: #1f7a4d;
  --anonymous: #8a5a00;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
}

@media (prefers-color-scheme: dark) {
  :root {
    --background: #14171c;
    --surface: #1d2128;
    --text: #e6e9ef;
    --muted: #9aa3b2;
    --border: #303642;
    --accent: #a48cff;
    --known: #5fd39a;
    --anonymous: #f0b64e;
  }
}

* { box-sizing: border-box; }

body {
  margin: 0;
  background: var(--background);
  color: var(--text);
  line-height: 1.45;
}

.top, .bottom, main { max-width: 72rem; margin: 0 auto; padding: 1rem 1.5rem; }

.top {
  display: flex;
  flex-wrap: wrap;
  gap: 1rem;
  align-items: flex-end;
  justify-content: space-between;
  border-bottom: 1px solid var(--border);
}

h1 { margin: 0; font-size: 1.5rem; }
.subtitle { margin: 0.25rem 0 0; color: var(--muted); }
.actions { display: flex; gap: 1rem; align-items: center; }
.status { color: var(--muted); font-size: 0.9rem; }
.status.error { color: #c62828; }

button {
  font: inherit;
  padding: 0.4rem 0.9rem;
  border: 1px solid var(--border);
  border-radius: 0.4rem;
  background: var(--surface);
  color: var(--text);
  cursor: pointer;
}
button:hover { border-color: var(--accent); }

main { display: grid; gap: 1rem; }
.empty { color: var(--muted); }

.lead {
  background: var(--surface);
  border: 1px solid var(--border);
  border-radius: 0.6rem;
  padding: 1rem 1.25rem;
}

.lead-head { display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; align-items: baseline; }
.lead-head h2 { margin: 0; font-size: 1.1rem; }
.badge { font-size: 0.8rem; font-weight: 600; padding: 0.1rem 0.5rem; border-radius: 1rem; border: 1px solid currentColor; }
.badge.known { color: var(--known); }
.badge.anonymous { color: var(--anonymous); }
.meta { color: var(--muted); font-size: 0.9rem; }

.lead-body {
  display: grid;
  grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr));
  gap: 1rem 2rem;
  margin-top: 0.75rem;
}
/* Visits are the longest list; they take the whole width below the other sections. */
.lead-body > :last-child { grid-column: 1 / -1; }

h3 { margin: 0 0 0.35rem; font-size: 0.8rem; text-transform: uppercase; letter-spacing: 0.05em; color: var(--muted); }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.15rem 0.75rem; margin: 0; }
dt { color: var(--muted); }
dd { margin: 0; overflow-wrap: anywhere; }
ul, ol { margin: 0; padding-left: 1.1rem; }
li { overflow-wrap: anywhere; margin-bottom: 0.2rem; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 0.85rem; }
time { color: var(--muted); font-size: 0.85rem; margin-right: 0.4rem; white-space: nowrap; }
.none { color: var(--muted); font-style: italic; }

.bottom { color: var(--muted); font-size: 0.85rem; border-top: 1px solid var(--border); }
a { color: var(--accent); }
`;
