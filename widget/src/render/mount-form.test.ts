import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createClient } from '../client';
import { createLogger } from '../log';
import { resolveOptions } from '../options';
import { CONTACT_FORM, startFakeProxy, type FakeProxy } from '../test-support/fake-proxy';
import type { ErrorEventDetail, FormDefinition } from '../types';
import { mountForm } from './mount-form';

let proxy: FakeProxy;
const log = createLogger(false);

beforeAll(async () => {
  proxy = await startFakeProxy({ contact: CONTACT_FORM });
});
afterAll(() => proxy.close());
afterEach(() => {
  document.body.innerHTML = '';
  document.documentElement.removeAttribute('lang');
  localStorage.clear();
  proxy.submissions.length = 0;
  proxy.replies.length = 0;
  proxy.forms = { contact: CONTACT_FORM };
});

/** Mounts the form on a fresh host and waits until its fields are rendered. */
async function mount(formId = 'contact', lang = 'en') {
  document.documentElement.lang = lang;
  const host = document.body.appendChild(document.createElement('div'));
  const client = createClient(resolveOptions({ endpoint: proxy.endpoint }, log), log);
  mountForm(client, host, formId);
  const root = host.shadowRoot!;
  const events: CustomEvent[] = [];
  for (const type of ['leadsync:submit', 'leadsync:success', 'leadsync:error']) {
    document.addEventListener(type, (event) => events.push(event as CustomEvent));
  }
  const input = (name: string) => root.querySelector<HTMLInputElement>(`[name="${name}"]`)!;
  const status = () => root.querySelector('[role="status"]')!.textContent;
  return { host, root, client, events, input, status, form: () => root.querySelector('form')! };
}

async function mountLoaded(formId = 'contact', lang = 'en') {
  const mounted = await mount(formId, lang);
  await vi.waitFor(() => expect(mounted.root.querySelector('form')).not.toBeNull());
  return mounted;
}

describe('mountForm', () => {
  it('shows a placeholder until the definition arrives', async () => {
    const { root } = await mount();
    expect(root.querySelectorAll('.skeleton span')).toHaveLength(4);
    await vi.waitFor(() => expect(root.querySelector('.skeleton')).toBeNull());
  });

  it('renders labels, markers and help in the page language', async () => {
    const { root, input } = await mountLoaded('contact', 'de-AT');

    expect(root.querySelector('h2')!.textContent).toBe('Sprechen Sie mit unserem Team');
    expect(root.querySelector('label[for="field-email"]')!.textContent).toBe('Geschäftliche E-Mail *');
    expect(input('email').required).toBe(true);
    expect(input('email').type).toBe('email');
    expect(input('email').getAttribute('autocomplete')).toBe('email');
    expect(input('email').getAttribute('aria-describedby')).toBe('field-email-help');
    expect(root.getElementById('field-email-help')!.textContent).toBe('Wir geben sie nie weiter.');
    expect(input('firstName').maxLength).toBe(20);
    expect(input('source').value).toBe('website');
    expect(root.querySelector('button')!.textContent).toBe('Senden');
  });

  it('adopts the stylesheet into the shadow root', async () => {
    const { root } = await mount();
    expect(root.adoptedStyleSheets).toHaveLength(1);
  });

  it('marks invalid fields, focuses the first and sends nothing', async () => {
    const { root, input, status, form, events } = await mountLoaded();
    input('firstName').value = 'A much too long first name';
    form().requestSubmit();

    expect(input('email').getAttribute('aria-invalid')).toBe('true');
    expect(input('email').getAttribute('aria-describedby')).toBe('field-email-help field-email-error');
    expect(root.getElementById('field-email-error')!.textContent).toBe('Please fill in this field.');
    expect(root.getElementById('field-firstName-error')!.textContent).toBe('Please use at most 20 characters.');
    expect(root.activeElement).toBe(input('email'));
    expect(status()).toBe('Please correct the marked fields.');
    expect(root.querySelector('button')!.disabled).toBe(false);
    expect(events.map((event) => event.type)).toEqual(['leadsync:error']);
    expect((events[0]!.detail as ErrorEventDetail).code).toBe('invalid_field');
    expect(proxy.submissions).toEqual([]);
  });

  it('sends one submission and shows the success message', async () => {
    const { root, input, status, form, events, host } = await mountLoaded();
    input('email').value = ' ana@example.test ';
    input('firstName').value = 'Ana';
    form().requestSubmit();

    expect(root.querySelector('button')!.disabled).toBe(true);
    expect(status()).toBe('Sending…');
    await vi.waitFor(() => expect(status()).toBe('Thank you! We will be in touch shortly.'));

    expect(proxy.submissions).toHaveLength(1);
    expect(proxy.submissions[0]!.fields).toEqual({ email: 'ana@example.test', firstName: 'Ana', newsletter: false, source: 'website' });
    expect(proxy.submissions[0]!.signals.honeypot).toBe('');
    expect(root.querySelector('form')).toBeNull();
    expect(root.activeElement).toBe(root.querySelector('[role="status"]'));
    expect(events.map((event) => [event.type, event.target])).toEqual([
      ['leadsync:submit', host],
      ['leadsync:success', host]
    ]);
    expect(events[1]!.detail).toEqual({
      formId: 'contact',
      submissionId: proxy.submissions[0]!.submissionId,
      status: 'created',
      leadId: 1
    });
  });

  it('sends once when submitted twice in a row', async () => {
    const { input, form, status } = await mountLoaded();
    input('email').value = 'ana@example.test';
    form().requestSubmit();
    form().requestSubmit();
    form().dispatchEvent(new Event('submit', { cancelable: true }));

    await vi.waitFor(() => expect(status()).toBe('Thank you! We will be in touch shortly.'));
    expect(proxy.submissions).toHaveLength(1);
  });

  it('treats a queued answer as success', async () => {
    proxy.replies.push({ status: 202, body: { submissionId: 'x', status: 'queued' } });
    const { input, form, status, events } = await mountLoaded();
    input('email').value = 'ana@example.test';
    form().requestSubmit();

    await vi.waitFor(() => expect(status()).toBe('Thank you! We will be in touch shortly.'));
    expect(events[1]!.detail).toMatchObject({ status: 'queued' });
  });

  it('shows the proxy field errors inline and enables the button again', async () => {
    proxy.replies.push({
      status: 400,
      body: {
        error: {
          code: 'invalid_field',
          message: 'invalid',
          retryable: false,
          fields: [{ name: 'company', code: 'invalid_field', message: 'Field "company" must be a single line.' }]
        }
      }
    });
    const { root, input, form, status } = await mountLoaded();
    input('email').value = 'ana@example.test';
    input('company').value = 'None';
    form().requestSubmit();

    await vi.waitFor(() => expect(status()).toBe('Please correct the marked fields.'));
    expect(root.getElementById('field-company-error')!.textContent).toBe('Please check this entry.');
    expect(input('company').getAttribute('aria-invalid')).toBe('true');
    expect(root.activeElement).toBe(input('company'));
    expect(root.querySelector('button')!.disabled).toBe(false);
  });

  it('shows a general failure for errors without a visible field', async () => {
    proxy.replies.push({ status: 400, body: { error: { code: 'unknown_field', message: 'x', retryable: false, fields: [{ name: 'source', code: 'unknown_field', message: 'x' }] } } });
    const { input, form, status, root } = await mountLoaded();
    input('email').value = 'ana@example.test';
    form().requestSubmit();

    await vi.waitFor(() => expect(status()).toBe('Sending failed. Please try again.'));
    expect(root.querySelector('button')!.disabled).toBe(false);
  });

  it('waits with the button disabled while the outbox retries', async () => {
    proxy.replies.push({ status: 503, body: { error: { code: 'upstream_unavailable', message: 'down', retryable: true } } });
    const { root, input, form, status, client, events } = await mountLoaded();
    input('email').value = 'ana@example.test';
    form().requestSubmit();

    await vi.waitFor(() => expect(status()).toBe('Sending is delayed. Your message is saved and will be sent automatically.'));
    expect(root.querySelector('button')!.disabled).toBe(true);
    expect(events[1]!.detail).toMatchObject({ code: 'upstream_unavailable', queued: true });

    client.flush(true);
    await vi.waitFor(() => expect(status()).toBe('Thank you! We will be in touch shortly.'));
    expect(new Set(proxy.submissions.map((received) => received.submissionId)).size).toBe(1);
  });

  it('follows an http(s) redirect after success and ignores other schemes', async () => {
    const assign = vi.spyOn(location, 'assign').mockImplementation(() => {});
    const redirecting: FormDefinition = { ...CONTACT_FORM, id: 'redirect', onSuccess: { redirect: '/thanks' } };
    const unsafe: FormDefinition = { ...CONTACT_FORM, id: 'unsafe', onSuccess: { redirect: 'javascript:alert(1)' } };
    proxy.forms = { redirect: redirecting, unsafe };

    for (const formId of ['redirect', 'unsafe']) {
      const { input, form, status } = await mountLoaded(formId);
      input('email').value = 'ana@example.test';
      form().requestSubmit();
      await vi.waitFor(() => expect(status()).toBe('Thank you! We will be in touch shortly.'));
    }
    expect(assign.mock.calls).toEqual([['/thanks']]);
  });

  it('reports a form that cannot be loaded', async () => {
    const { status, events } = await mount('missing', 'de');
    await vi.waitFor(() => expect(status()).toBe('Das Formular konnte nicht geladen werden.'));
    expect(events[0]!.detail).toMatchObject({ formId: 'missing', code: 'form_unavailable', retryable: false });
  });

  it('throws for a host that already has a shadow root', async () => {
    const host = document.body.appendChild(document.createElement('div'));
    host.attachShadow({ mode: 'open' });
    const client = createClient(resolveOptions({ endpoint: proxy.endpoint }, log), log);
    expect(() => mountForm(client, host, 'contact')).toThrow();
  });
});

describe('mountForm with a broken definition', () => {
  it('reports a definition that cannot be rendered', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    proxy.forms = { broken: { id: 'broken', munchkinId: '123-ABC-456', fields: [null] } as unknown as FormDefinition };
    const { status, events } = await mount('broken');

    await vi.waitFor(() => expect(status()).toBe('The form could not be loaded.'));
    expect(events[0]!.detail).toMatchObject({ formId: 'broken', code: 'form_unavailable' });
    expect(error).toHaveBeenCalled();
  });
});
