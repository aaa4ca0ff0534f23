import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLeadsync } from './leadsync';
import { CONTACT_FORM, startFakeProxy, type FakeProxy } from './test-support/fake-proxy';

let proxy: FakeProxy;

beforeAll(async () => {
  proxy = await startFakeProxy({ contact: CONTACT_FORM });
});
afterAll(() => proxy.close());
afterEach(() => {
  document.body.innerHTML = '';
  localStorage.clear();
  proxy.submissions.length = 0;
});

describe('createLeadsync', () => {
  it('throws for a missing endpoint', () => {
    expect(() => createLeadsync({ endpoint: '' })).toThrow('endpoint: expected an http(s) URL, got ""');
  });

  it('mounts and captures marked elements, including ones added later', async () => {
    document.body.innerHTML = '<div data-leadsync-form="contact"></div>';
    const leadsync = createLeadsync({ endpoint: proxy.endpoint });
    leadsync.watch();
    expect(document.querySelector('[data-leadsync-form]')!.shadowRoot).not.toBeNull();

    const late = document.createElement('section');
    late.innerHTML = '<div data-leadsync-form="contact"></div><form data-leadsync-capture="contact"><input name="email"></form>';
    document.body.append(late);
    await vi.waitFor(() => expect(late.querySelector('div')!.shadowRoot).not.toBeNull());

    const captured = late.querySelector('form')!;
    (captured.elements.namedItem('email') as HTMLInputElement).value = 'late@example.test';
    captured.requestSubmit();
    await vi.waitFor(() => expect(proxy.submissions.map((s) => s.fields)).toEqual([{ email: 'late@example.test' }]));
  });

  it('binds an element that gets its attribute later', async () => {
    const leadsync = createLeadsync({ endpoint: proxy.endpoint });
    const host = document.body.appendChild(document.createElement('div'));
    leadsync.watch();
    host.setAttribute('data-leadsync-form', 'contact');
    await vi.waitFor(() => expect(host.shadowRoot).not.toBeNull());
  });

  it('binds each element only once', () => {
    const leadsync = createLeadsync({ endpoint: proxy.endpoint });
    const host = document.body.appendChild(document.createElement('div'));
    expect(leadsync.mount(host, 'contact')).toBe(true);
    expect(leadsync.mount(host, 'contact')).toBe(true);
  });

  it('logs invalid arguments instead of throwing', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const leadsync = createLeadsync({ endpoint: proxy.endpoint });

    expect(leadsync.mount('#form' as never, 'contact')).toBe(false);
    expect(leadsync.capture(document.createElement('div') as never, 'contact')).toBe(false);
    expect(leadsync.mount(document.createElement('div'), ' ')).toBe(false);
    expect(leadsync.consent('yes' as never)).toBe(false);

    expect(error.mock.calls.map((call) => `${call[0]} ${(call[1] as Error).message}`)).toEqual([
      '[leadsync] mount: expected an element, got #form',
      expect.stringMatching(/^\[leadsync\] capture: expected a <form>, got /),
      '[leadsync] mount: expected a form id such as "contact", got " "',
      '[leadsync] consent: expected true or false, got yes'
    ]);
  });
});
