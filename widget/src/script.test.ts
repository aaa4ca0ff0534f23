import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LeadsyncGlobal } from './global';

/** Runs the script entry as if `<script src=…>` with `attributes` had loaded it. */
async function runScript(attributes: Record<string, string>) {
  const script = document.createElement('script');
  script.src = 'http://127.0.0.1:9/leadsync.js';
  for (const [name, value] of Object.entries(attributes)) script.setAttribute(name, value);
  Object.defineProperty(document, 'currentScript', { value: script, configurable: true });
  vi.resetModules();
  await import('./script');
}

describe('script entry', () => {
  afterEach(() => {
    delete (document as { currentScript?: unknown }).currentScript;
    delete window.Leadsync;
    document.body.innerHTML = '';
  });

  it('installs window.Leadsync and replays queued calls', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    window.Leadsync = { q: [['consent', 'yes']] };
    await runScript({ 'data-consent': 'required' });

    const leadsync = window.Leadsync as unknown as LeadsyncGlobal;
    expect(leadsync.loaded).toBe(true);
    expect(Object.keys(leadsync).sort()).toEqual(['capture', 'consent', 'loaded', 'mount', 'q', 'watch']);
    expect(error).toHaveBeenCalledWith('[leadsync] consent:', expect.objectContaining({ message: 'expected true or false, got yes' }));
  });

  it('mounts marked elements on the page', async () => {
    vi.spyOn(window, 'fetch').mockRejectedValue(new TypeError('offline'));
    vi.spyOn(console, 'error').mockImplementation(() => {});
    document.body.innerHTML = '<div data-leadsync-form="contact"></div>';
    await runScript({});
    expect(document.querySelector('div')!.shadowRoot).not.toBeNull();
  });

  // Detached hosts, because the instances of earlier tests still watch the document.
  it.each([
    [{}, 'http://127.0.0.1:9/v1/forms/contact'],
    [{ 'data-endpoint': 'https://proxy.example.com/' }, 'https://proxy.example.com/v1/forms/contact']
  ])('takes the endpoint from %j', async (attributes, expected) => {
    const fetch = vi.spyOn(window, 'fetch').mockRejectedValue(new TypeError('offline'));
    vi.spyOn(console, 'error').mockImplementation(() => {});
    await runScript(attributes);

    expect((window.Leadsync as unknown as LeadsyncGlobal).mount(document.createElement('div'), 'contact')).toBe(true);
    expect(fetch.mock.calls[0]![0]).toBe(expected);
  });

  it('does nothing when a copy already runs', async () => {
    const installed = { loaded: true } as unknown as LeadsyncGlobal;
    window.Leadsync = installed;
    await runScript({});
    expect(window.Leadsync).toBe(installed);
  });

  it('logs a tag without src instead of throwing', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    Object.defineProperty(document, 'currentScript', { value: null, configurable: true });
    vi.resetModules();
    await import('./script');
    expect(error.mock.calls[0]![0]).toMatch(/no <script src> tag found/);
    expect(window.Leadsync).toBeUndefined();
  });

  it('logs an invalid endpoint instead of throwing', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    await runScript({ 'data-endpoint': 'proxy.example.com' });
    expect(error).toHaveBeenCalledWith('[leadsync] not started:', expect.any(TypeError));
    expect(window.Leadsync).toBeUndefined();
  });
});
