import { afterEach, describe, expect, it, vi } from 'vitest';
import { installGlobal } from './global';
import { createLogger } from './log';
import type { LeadsyncApi } from './types';

function fakeApi() {
  const calls: unknown[][] = [];
  const record = (name: string) => (...args: unknown[]) => (calls.push([name, ...args]), true);
  const api: LeadsyncApi = { mount: record('mount'), capture: record('capture'), consent: record('consent'), watch: record('watch') };
  return { api, calls };
}

describe('installGlobal', () => {
  afterEach(() => delete window.Leadsync);

  it('replays calls recorded by the stub, in order', () => {
    const element = document.createElement('div');
    window.Leadsync = { q: [['consent', true], ['mount', element, 'contact']] };
    const { api, calls } = fakeApi();

    installGlobal(api, createLogger(false));
    expect(calls).toEqual([
      ['consent', true],
      ['mount', element, 'contact']
    ]);
  });

  it('accepts arguments objects pushed by a function stub', () => {
    function push(..._args: unknown[]) {
      // eslint-disable-next-line prefer-rest-params
      (window.Leadsync!.q as unknown[]).push(arguments);
    }
    window.Leadsync = { q: [] };
    push('consent', false);
    const { api, calls } = fakeApi();

    installGlobal(api, createLogger(false));
    expect(calls).toEqual([['consent', false]]);
  });

  it('runs calls pushed after loading at once', () => {
    const { api, calls } = fakeApi();
    installGlobal(api, createLogger(false));

    (window.Leadsync as { q: { push(...calls: unknown[][]): void } }).q.push(['consent', true]);
    expect(calls).toEqual([['consent', true]]);
    expect(window.Leadsync).toMatchObject({ loaded: true, consent: api.consent });
  });

  it('logs an unknown method instead of throwing', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    window.Leadsync = { q: [['destroy'], ['toString']] };
    const { api, calls } = fakeApi();

    expect(() => installGlobal(api, createLogger(false))).not.toThrow();
    expect(calls).toEqual([]);
    expect(error).toHaveBeenCalledWith('[leadsync] queued call: unknown method "destroy"');
    expect(error).toHaveBeenCalledWith('[leadsync] queued call: unknown method "toString"');
  });
});
