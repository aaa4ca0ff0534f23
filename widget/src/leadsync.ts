import { captureForm } from './capture/capture-form';
import { createClient } from './client';
import { createLogger } from './log';
import { resolveOptions } from './options';
import { mountForm } from './render/mount-form';
import type { LeadsyncApi, LeadsyncOptions } from './types';

/** Attributes that mark elements for render mode and capture mode. */
export const FORM_ATTRIBUTE = 'data-leadsync-form';
export const CAPTURE_ATTRIBUTE = 'data-leadsync-capture';

/**
 * Creates a Leadsync instance and starts sending submissions left in the outbox. Throws a
 * TypeError for an invalid endpoint; the methods it returns never throw.
 */
export function createLeadsync(options: LeadsyncOptions): LeadsyncApi {
  const log = createLogger(!!options.debug);
  const client = createClient(resolveOptions(options, log), log);
  const bound = new WeakSet<Element>();

  const bind = (element: Element, formId: string, capture?: boolean): boolean => {
    if (!(element instanceof (capture ? HTMLFormElement : Element))) throw new TypeError(`expected ${capture ? 'a <form>' : 'an element'}, got ${element}`);
    if (!/\S/.test(formId)) throw new TypeError(`expected a form id such as "contact", got "${formId}"`);

    if (!bound.has(element)) {
      bound.add(element);
      if (capture) captureForm(client, element as HTMLFormElement, formId);
      else mountForm(client, element, formId);
      log.debug(`bound form "${formId}"`);
    }
    return true;
  };

  const bindMarked = (node: Node): void => {
    if (!(node instanceof Element)) return;
    for (const attribute of [FORM_ATTRIBUTE, CAPTURE_ATTRIBUTE]) {
      const selector = `[${attribute}]`;
      for (const element of [...(node.matches(selector) ? [node] : []), ...node.querySelectorAll(selector)]) {
        api[attribute === FORM_ATTRIBUTE ? 'mount' : 'capture'](element as HTMLFormElement, element.getAttribute(attribute)!);
      }
    }
  };

  const api: LeadsyncApi = {
    mount: (element, formId) => bind(element, formId),
    capture: (form, formId) => bind(form, formId, true),
    consent(granted) {
      if (typeof granted !== 'boolean') throw new TypeError(`expected true or false, got ${granted}`);
      client.setConsent(granted);
      return true;
    },
    watch(root = document) {
      Array.from(root.children).forEach(bindMarked);

      // Page builders and single-page apps insert their forms after the script has run.
      new MutationObserver((records) => {
        for (const record of records) {
          if (record.type === 'attributes') bindMarked(record.target);
          record.addedNodes.forEach(bindMarked);
        }
      }).observe(root, { childList: true, subtree: true, attributeFilter: [FORM_ATTRIBUTE, CAPTURE_ATTRIBUTE] });
      return true;
    }
  };

  // Errors, including invalid arguments, are logged and never reach the host page's code.
  for (const name of Object.keys(api) as (keyof LeadsyncApi)[]) {
    const method = api[name] as (...args: unknown[]) => boolean;
    api[name] = (...args: unknown[]) => {
      try {
        return method(...args);
      } catch (error) {
        log.error(`${name}:`, error);
        return false;
      }
    };
  }

  window.addEventListener('online', () => client.flush(true));
  client.flush();
  return api;
}
