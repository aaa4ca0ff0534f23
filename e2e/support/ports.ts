/**
 * Ports for the stack the end-to-end tests start. They come from the environment when set, so
 * Playwright's worker processes (which inherit it) agree with the runner; otherwise a base is
 * derived from the runner's process id, away from the demo's own ports 8787, 8790 and 5173 and
 * below 32768, where Linux by default starts picking local ports for outgoing connections. `pnpm test` sets the
 * base to ports it found free.
 */
const base = Number((process.env.LEADSYNC_E2E_PORT_BASE ??= String(20_000 + (process.pid % 2_000) * 5)));

export const ports = {
  emulator: base,
  proxy: base + 1,
  demo: base + 2,
};

export const urls = {
  emulator: `http://127.0.0.1:${ports.emulator}`,
  proxy: `http://127.0.0.1:${ports.proxy}`,
  demo: `http://127.0.0.1:${ports.demo}`,
};
