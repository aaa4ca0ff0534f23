import { afterEach, describe, expect, it } from 'vitest';
import { isSensitive, keepDefinedFields, readFormData, readFormValues } from './read-form-values';

function form(html: string): HTMLFormElement {
  document.body.innerHTML = `<form>${html}</form>`;
  return document.querySelector('form')!;
}

describe('readFormValues', () => {
  afterEach(() => (document.body.innerHTML = ''));

  it('reads text, email, hidden and textarea values', () => {
    const values = readFormValues(
      form(`<input name="email" type="email" value="ana@example.test">
        <input name="campaign" type="hidden" value="spring">
        <textarea name="message"> Hello </textarea>`)
    );
    expect(values).toEqual({ email: 'ana@example.test', campaign: 'spring', message: 'Hello' });
  });

  it('reads values set without input events, as autofill does', () => {
    const element = form('<input name="email"><input name="company">');
    (element.elements.namedItem('email') as HTMLInputElement).value = 'filled@example.test';
    (element.elements.namedItem('company') as HTMLInputElement).value = 'Acme';
    expect(readFormValues(element)).toEqual({ email: 'filled@example.test', company: 'Acme' });
  });

  it('never reads password, card or bank fields', () => {
    const values = readFormValues(
      form(`<input name="email" value="a@b.de">
        <input name="login" type="password" value="secret">
        <input name="number" autocomplete="cc-number" value="4111111111111111">
        <input name="exp" autocomplete="billing cc-exp" value="12/30">
        <input name="card_holder" value="Ana">
        <input name="cvc" value="123">
        <input id="iban" name="account" value="DE89370400440532013000">
        <input name="otp" autocomplete="one-time-code" value="123456">`)
    );
    expect(values).toEqual({ email: 'a@b.de' });
  });

  it('skips a whole name when one of its controls is sensitive', () => {
    expect(readFormValues(form('<input name="code" value="a"><input name="code" type="password" value="b">'))).toEqual({});
  });

  it('gives a lone checkbox a boolean', () => {
    const element = form('<input type="checkbox" name="optin" checked><input type="checkbox" name="terms">');
    expect(readFormValues(element)).toEqual({ optin: true, terms: false });
  });

  // Multi-selects and disabled fieldsets are checked in Chromium (e2e/tests/widget-capture.spec.ts):
  // happy-dom's FormData keeps only the first selected option and ignores fieldset[disabled].
  it('joins repeated names with semicolons', () => {
    const element = form(`<input type="checkbox" name="topic" value="a" checked>
      <input type="checkbox" name="topic" value="b">
      <input type="checkbox" name="topic" value="c" checked>`);
    expect(readFormValues(element)).toEqual({ topic: 'a;c' });
  });

  it('reads the chosen radio button', () => {
    const element = form('<input type="radio" name="size" value="s"><input type="radio" name="size" value="m" checked>');
    expect(readFormValues(element)).toEqual({ size: 'm' });
  });

  it('leaves out empty, disabled, ignored, file and unnamed controls and buttons', () => {
    const values = readFormValues(
      form(`<input name="empty" value="  ">
        <input name="off" value="x" disabled>
        <input name="search" value="x" data-leadsync-ignore>
        <input name="upload" type="file">
        <input value="no name">
        <button name="action" value="go">Go</button>
        <input name="kept" value="yes">`)
    );
    expect(values).toEqual({ kept: 'yes' });
  });

  it('reads the submitter value', () => {
    const element = form(`<input name="email" value="a@b.de">
      <button name="intent" value="save">Save</button>
      <button name="intent" value="publish">Publish</button>`);
    const publish = element.querySelector<HTMLButtonElement>('[value="publish"]')!;
    expect(readFormValues(element, publish)).toEqual({ email: 'a@b.de', intent: 'publish' });
  });
});

describe('readFormData', () => {
  afterEach(() => (document.body.innerHTML = ''));

  it('reads the submitter entry with the other entries', () => {
    const element = form('<input name="email" value="a@b.de"><button name="intent" value="publish">Publish</button>');
    expect([...readFormData(element, element.querySelector('button'))]).toEqual([
      ['email', 'a@b.de'],
      ['intent', 'publish']
    ]);
  });

  it('ignores a submitter that FormData rejects', () => {
    const element = form('<input name="email" value="a@b.de"><button name="intent" value="publish">Publish</button>');
    document.body.insertAdjacentHTML('beforeend', '<form><button id="elsewhere" name="other" value="x">Other</button></form>');
    const notSubmitters = [element, element.querySelector('input')!, document.getElementById('elsewhere')!];

    for (const submitter of notSubmitters) {
      expect([...readFormData(element, submitter)], submitter.localName).toEqual([['email', 'a@b.de']]);
    }
  });
});

describe('isSensitive', () => {
  it.each([
    ['<input type="password" name="x">', true],
    ['<input name="creditCard">', true],
    ['<input name="pwd">', true],
    ['<input autocomplete="new-password" name="x">', true],
    ['<input name="security_code">', true],
    ['<input name="email" autocomplete="email">', false],
    ['<input name="company">', false]
  ])('%s → %s', (html, expected) => {
    document.body.innerHTML = html;
    expect(isSensitive(document.querySelector('input')!)).toBe(expected);
  });
});

describe('keepDefinedFields', () => {
  it('drops names the definition does not list', () => {
    const definition = {
      id: 'contact',
      munchkinId: '123-ABC-456',
      fields: [
        { name: 'email', type: 'email' as const, label: 'Email' },
        { name: 'newsletter', type: 'checkbox' as const, label: 'News' }
      ]
    };
    const values = { email: 'ana@example.test', newsletter: false, csrf_token: 't0k3n', message: 'Hi' };
    expect(keepDefinedFields(values, definition)).toEqual({ email: 'ana@example.test', newsletter: false });
  });
});
