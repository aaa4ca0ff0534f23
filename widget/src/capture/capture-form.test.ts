import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createClient } from '../client';
import { createLogger } from '../log';
import { resolveOptions } from '../options';
import { startFakeProxy, type FakeProxy } from '../test-support/fake-proxy';
import type { FormDefinition } from '../types';
import { captureForm, DOUBLE_SUBMIT_MS, NATIVE_SUBMIT_WAIT_MS } from './capture-form';

let proxy: FakeProxy;
const log = createLogger(false);

/**
 * The definition the fake proxy serves for form "contact". It lists `pw` to show that the widget
 * still never reads a password field.
 */
const SIGNUP_FORM: FormDefinition = {
  id: 'contact',
  munchkinId: '123-ABC-456',
  fields: [
    { name: 'email', type: 'email', required: true, label: 'Email' },
    { name: 'firstName', type: 'text', label: 'First name' },
    { name: 'pw', type: 'text', label: 'Password' }
  ]
};

beforeAll(async () => {
  proxy = await startFakeProxy({ contact: SIGNUP_FORM });
});
afterAll(() => proxy.close());
afterEach(() => {
  document.body.innerHTML = '';
  localStorage.clear();
  proxy.submissions.length = 0;
  proxy.replies.length = 0;
  proxy.forms = { contact: SIGNUP_FORM };
  proxy.definitionRequests = 0;
});

/** Site inputs the definition does not list, beside a defined field marked data-leadsync-ignore. */
const SIGNUP_HTML = `<form>
  <input name="email" value="ana@example.test">
  <input name="firstName" value="Ana" data-leadsync-ignore>
  <input type="hidden" name="csrf_token" value="t0k3n">
  <textarea name="message">Call me</textarea>
</form>`;

function capture(html: string, submitNative = false, logger = log) {
  document.body.innerHTML = html;
  const form = document.querySelector('form')!;
  const client = createClient(resolveOptions({ endpoint: proxy.endpoint, submitNative }, logger), logger);
  const events: CustomEvent[] = [];
  for (const type of ['leadsync:submit', 'leadsync:success', 'leadsync:error']) {
    document.addEventListener(type, (event) => events.push(event as CustomEvent));
  }
  const nativeSubmit = vi.spyOn(HTMLFormElement.prototype, 'submit').mockImplementation(() => {});
  captureForm(client, form, 'contact');
  return { form, events, nativeSubmit };
}

describe('captureForm', () => {
  it('sends the live values and keeps the host form from submitting', async () => {
    const { form, events, nativeSubmit } = capture('<form><input name="email"><input type="password" name="pw" value="x"></form>');
    (form.elements.namedItem('email') as HTMLInputElement).value = 'ana@example.test';
    form.requestSubmit();

    await vi.waitFor(() => expect(events.map((event) => event.type)).toEqual(['leadsync:submit', 'leadsync:success']));
    expect(proxy.submissions.map((received) => received.fields)).toEqual([{ email: 'ana@example.test' }]);
    expect(events[1]!.target).toBe(form);
    expect(nativeSubmit).not.toHaveBeenCalled();
  });

  it('sends once for a double submit', async () => {
    proxy.replies.push({ status: 200, delayMs: 100, body: { status: 'created' } });
    const { form, events } = capture('<form><input name="email" value="ana@example.test"></form>');
    form.requestSubmit();
    form.requestSubmit();

    await vi.waitFor(() => expect(events.map((event) => event.type)).toContain('leadsync:success'));
    expect(proxy.submissions).toHaveLength(1);
  });

  it('ignores a second submit right after the response', async () => {
    const { form, events } = capture('<form><input name="email" value="ana@example.test"></form>');
    form.requestSubmit();
    await vi.waitFor(() => expect(events.map((event) => event.type)).toContain('leadsync:success'));
    form.requestSubmit();

    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(proxy.submissions).toHaveLength(1);
  });

  it('lets the host form submit after the proxy answers when asked to', async () => {
    const { form, nativeSubmit, events } = capture('<form><input name="email" value="ana@example.test"></form>', true);
    form.requestSubmit();

    await vi.waitFor(() => expect(nativeSubmit).toHaveBeenCalledTimes(1));
    expect(nativeSubmit.mock.contexts[0]).toBe(form);
    expect(events.map((event) => event.type)).toEqual(['leadsync:submit', 'leadsync:success']);
  });

  it('submits natively with the pressed button', async () => {
    const { form, nativeSubmit } = capture(`<form data-submit-native><input name="email" value="a@b.de">
      <button name="intent" value="save">Save</button>
      <button name="intent" value="publish">Publish</button></form>`);
    const sent: [string, FormDataEntryValue][][] = [];
    nativeSubmit.mockImplementation(function (this: HTMLFormElement) {
      // What a browser's submit() does with the data set before it sends it.
      const formData = new FormData(this);
      this.dispatchEvent(Object.assign(new Event('formdata'), { formData }));
      sent.push([...formData]);
    });
    form.querySelector<HTMLButtonElement>('[value="publish"]')!.click();

    await vi.waitFor(() => expect(nativeSubmit).toHaveBeenCalledTimes(1));
    expect(sent).toEqual([
      [
        ['email', 'a@b.de'],
        ['intent', 'publish']
      ]
    ]);
    expect(proxy.submissions.map((received) => received.fields)).toEqual([{ email: 'a@b.de' }]);
  });

  it('captures the pressed button value when the definition defines it', async () => {
    proxy.forms = { contact: { ...SIGNUP_FORM, fields: [...SIGNUP_FORM.fields, { name: 'intent', type: 'hidden', label: 'Intent' }] } };
    const { form, events } = capture(`<form><input name="email" value="a@b.de">
      <button name="intent" value="save">Save</button>
      <button name="intent" value="publish">Publish</button></form>`);
    form.querySelector<HTMLButtonElement>('[value="publish"]')!.click();

    await vi.waitFor(() => expect(events.map((event) => event.type)).toContain('leadsync:success'));
    expect(proxy.submissions.map((received) => received.fields)).toEqual([{ email: 'a@b.de', intent: 'publish' }]);
  });

  it('submits natively once the wait is over even without an answer', async () => {
    proxy.replies.push({ status: 200, delayMs: NATIVE_SUBMIT_WAIT_MS + 500 });
    const { form, nativeSubmit } = capture('<form data-submit-native><input name="email" value="a@b.de"></form>');
    form.requestSubmit();

    await vi.waitFor(() => expect(nativeSubmit).toHaveBeenCalledTimes(1), { timeout: NATIVE_SUBMIT_WAIT_MS + 400 });
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(nativeSubmit).toHaveBeenCalledTimes(1);
  });

  it('leaves the submission to a host handler that cancels it later', async () => {
    const { form, nativeSubmit, events } = capture('<form data-submit-native="true"><input name="email" value="a@b.de"></form>');
    const cancel = (event: Event) => event.preventDefault();
    document.addEventListener('submit', cancel);
    form.requestSubmit();
    document.removeEventListener('submit', cancel);

    await vi.waitFor(() => expect(events.map((event) => event.type)).toContain('leadsync:success'));
    expect(nativeSubmit).not.toHaveBeenCalled();
  });

  it('stops the browser submission itself when no host handler does', () => {
    const { form } = capture('<form><input name="email" value="a@b.de"></form>');
    const submit = new SubmitEvent('submit', { bubbles: true, cancelable: true });
    form.dispatchEvent(submit);
    expect(submit.defaultPrevented).toBe(true);
  });

  it('lets the form attribute turn native submission off', async () => {
    const { form, nativeSubmit, events } = capture('<form data-submit-native="false"><input name="email" value="a@b.de"></form>', true);
    form.requestSubmit();

    await vi.waitFor(() => expect(events.map((event) => event.type)).toContain('leadsync:success'));
    expect(nativeSubmit).not.toHaveBeenCalled();
  });

  it('reports field errors from the proxy in the error event', async () => {
    const fields = [{ name: 'email', code: 'invalid_email', message: 'email is invalid' }];
    proxy.replies.push({ status: 400, body: { error: { code: 'invalid_field', message: 'invalid', retryable: false, fields } } });
    const { form, events } = capture('<form><input name="email" value="nope"></form>');
    form.requestSubmit();

    await vi.waitFor(() => expect(events.map((event) => event.type)).toEqual(['leadsync:submit', 'leadsync:error']));
    expect(events[1]!.detail).toMatchObject({ formId: 'contact', code: 'invalid_field', fields, queued: false });
  });

  it('sends only the fields the definition defines', async () => {
    const debug = vi.spyOn(console, 'debug').mockImplementation(() => {});
    const { form, events } = capture(SIGNUP_HTML, false, createLogger(true));
    form.requestSubmit();

    await vi.waitFor(() => expect(events.map((event) => event.type)).toEqual(['leadsync:submit', 'leadsync:success']));
    expect(proxy.submissions.map((received) => received.fields)).toEqual([{ email: 'ana@example.test' }]);
    expect(debug).toHaveBeenCalledWith('[leadsync] form "contact": skipped fields it does not define: csrf_token, message');
    expect(JSON.stringify(debug.mock.calls)).not.toContain('t0k3n');
  });

  it('loads the definition once per form id', async () => {
    const { form, events } = capture(SIGNUP_HTML);
    form.requestSubmit();
    await vi.waitFor(() => expect(events.map((event) => event.type)).toContain('leadsync:success'));
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + DOUBLE_SUBMIT_MS);
    form.requestSubmit();
    vi.useRealTimers();

    await vi.waitFor(() => expect(proxy.submissions).toHaveLength(2));
    expect(proxy.definitionRequests).toBe(1);
    expect(proxy.submissions[1]!.fields).toEqual({ email: 'ana@example.test' });
  });

  it('sends every field when the definition is unavailable', async () => {
    proxy.forms = {};
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { form, events } = capture(SIGNUP_HTML);
    form.requestSubmit();

    await vi.waitFor(() => expect(events.map((event) => event.type)).toEqual(['leadsync:submit', 'leadsync:success']));
    expect(proxy.submissions[0]!.fields).toEqual({ email: 'ana@example.test', csrf_token: 't0k3n', message: 'Call me' });
    expect(error.mock.calls[0]![0]).toBe('[leadsync] form "contact": loading the definition failed, so every field is sent:');
  });
});
