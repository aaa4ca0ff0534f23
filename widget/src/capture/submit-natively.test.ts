import { afterEach, describe, expect, it, vi } from 'vitest';
import { submitNatively } from './submit-natively';

const ATTRIBUTES = ['action', 'enctype', 'method', 'target'];

/** What the browser's `submit()` read when it was called. */
interface NativeSubmission {
  attributes: Record<string, string | null>;
  entries: [string, FormDataEntryValue][];
}

/**
 * Replaces the browser's `submit()`, which happy-dom cannot carry out: like a browser it builds the
 * data set without a submitter and fires `formdata` with it, then records what it would send.
 */
function recordNativeSubmissions(): NativeSubmission[] {
  const submissions: NativeSubmission[] = [];
  vi.spyOn(HTMLFormElement.prototype, 'submit').mockImplementation(function (this: HTMLFormElement) {
    const formData = new FormData(this);
    this.dispatchEvent(Object.assign(new Event('formdata'), { formData }));
    const attributes = Object.fromEntries(ATTRIBUTES.map((name) => [name, this.getAttribute(name)]));
    submissions.push({ attributes, entries: [...formData] });
  });
  return submissions;
}

function form(html: string): HTMLFormElement {
  document.body.innerHTML = `<form action="/signup" method="get">${html}</form>`;
  return document.querySelector('form')!;
}

const button = (value: string) => document.querySelector<HTMLButtonElement>(`button[value="${value}"]`)!;

describe('submitNatively', () => {
  afterEach(() => (document.body.innerHTML = ''));

  it('sends the pressed button name and value', () => {
    const submissions = recordNativeSubmissions();
    const element = form(`<input name="email" value="a@b.de">
      <button name="intent" value="save">Save</button>
      <button name="intent" value="publish">Publish</button>`);
    submitNatively(element, button('publish'));

    expect(submissions.map((submission) => submission.entries)).toEqual([
      [
        ['email', 'a@b.de'],
        ['intent', 'publish']
      ]
    ]);
  });

  it('keeps the button entry at its place among repeated names', () => {
    const submissions = recordNativeSubmissions();
    const element = form(`<button name="tag" value="first">First</button>
      <input type="hidden" name="tag" value="hidden">`);
    submitNatively(element, button('first'));

    expect(submissions[0]!.entries).toEqual([
      ['tag', 'first'],
      ['tag', 'hidden']
    ]);
  });

  it('sends no button entry without a submitter', () => {
    const submissions = recordNativeSubmissions();
    const element = form('<input name="email" value="a@b.de"><button name="intent" value="save">Save</button>');
    submitNatively(element, null);

    expect(submissions[0]!.entries).toEqual([['email', 'a@b.de']]);
  });

  it('uses the button overrides during the call only', () => {
    const submissions = recordNativeSubmissions();
    const element = form(`<input name="email" value="a@b.de">
      <button name="intent" value="preview" formaction="/preview" formmethod="post" formenctype="multipart/form-data" formtarget="_blank">Preview</button>`);
    submitNatively(element, button('preview'));

    expect(submissions[0]!.attributes).toEqual({ action: '/preview', enctype: 'multipart/form-data', method: 'post', target: '_blank' });
    expect(element.getAttribute('action')).toBe('/signup');
    expect(element.getAttribute('method')).toBe('get');
    expect(element.hasAttribute('enctype')).toBe(false);
    expect(element.hasAttribute('target')).toBe(false);
  });

  it('keeps the form attributes a button does not override', () => {
    const submissions = recordNativeSubmissions();
    const element = form('<button name="intent" value="save" formtarget="results">Save</button>');
    element.setAttribute('target', 'main');
    submitNatively(element, button('save'));

    expect(submissions[0]!.attributes).toEqual({ action: '/signup', enctype: null, method: 'get', target: 'results' });
    expect(element.getAttribute('target')).toBe('main');
  });

  it('leaves later formdata events alone', () => {
    recordNativeSubmissions();
    const element = form('<input name="email" value="a@b.de"><button name="intent" value="save">Save</button>');
    submitNatively(element, button('save'));

    const formData = new FormData(element);
    element.dispatchEvent(Object.assign(new Event('formdata'), { formData }));
    expect([...formData]).toEqual([['email', 'a@b.de']]);
  });

  it('calls the prototype submit when a control is named submit', () => {
    const submissions = recordNativeSubmissions();
    const element = form('<input name="email" value="a@b.de"><button name="submit" value="go">Go</button>');
    submitNatively(element, button('go'));

    expect(submissions[0]!.entries).toEqual([
      ['email', 'a@b.de'],
      ['submit', 'go']
    ]);
  });
});
