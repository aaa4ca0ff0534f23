import { readFormData } from './read-form-values';

/** Form attributes that a submit button overrides for its own submission with `formaction` and its siblings. */
const OVERRIDABLE = ['action', 'enctype', 'method', 'target'];

/**
 * Submits the form after the capture as the browser would have submitted it for `submitter`: with
 * the button's entries and its `formaction`, `formenctype`, `formmethod` and `formtarget`.
 *
 * `HTMLFormElement.prototype.submit` fires no submit event, so host handlers do not run twice and
 * the capture does not run again. `requestSubmit(submitter)` would add the button by itself, but
 * it dispatches a second submit event to every host listener, and no guard of ours can keep a host
 * listener from running. So `submit()` sends the data set of `new FormData(form, submitter)`,
 * swapped in through the `formdata` event that `submit()` fires while it builds its own, and the
 * button's overrides stand in for the form's attributes during the call.
 *
 * That data set has the button's `name=value`, the browser's default label for an
 * `<input type="submit">` without a value ("Submit" in Chromium), and nothing for a disabled
 * button. For an image button it has `name.x` and `name.y`, the position that the browser stored
 * at the click, or 0 and 0 after a keyboard press. A browser whose FormData constructor predates the
 * submitter argument ignores it and leaves the button out, but the overrides still apply.
 *
 * NOTE: with `method="dialog"` (or `formmethod`), `submit()` closes the dialog with an empty
 * `returnValue` instead of the button's value.
 */
export function submitNatively(form: HTMLFormElement, submitter: HTMLElement | null): void {
  // Building `data` fires `formdata` at the form, so it contains what host listeners add. This
  // listener comes after theirs and replaces their second additions too.
  const data = readFormData(form, submitter);
  const replaceData = ({ formData }: FormDataEvent): void => {
    for (const name of [...formData.keys()]) formData.delete(name);
    data.forEach((value, name) => formData.append(name, value));
  };

  const originals = OVERRIDABLE.map((name) => form.getAttribute(name));
  for (const name of OVERRIDABLE) {
    const override = submitter?.getAttribute('form' + name);
    if (override != null) form.setAttribute(name, override);
  }

  form.addEventListener('formdata', replaceData);
  // The prototype method, because a control named "submit" hides `form.submit`.
  HTMLFormElement.prototype.submit.call(form);
  form.removeEventListener('formdata', replaceData);

  // The browser has read the attributes and the data set during the call, so the form gets its own back.
  OVERRIDABLE.forEach((name, index) => {
    const original = originals[index];
    if (original == null) form.removeAttribute(name);
    else form.setAttribute(name, original);
  });
}
