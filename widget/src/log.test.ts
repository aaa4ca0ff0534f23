import { describe, expect, it, vi } from 'vitest';
import { createLogger } from './log';

describe('createLogger', () => {
  it('prints debug lines only when enabled', () => {
    const debug = vi.spyOn(console, 'debug').mockImplementation(() => {});
    createLogger(false).debug('hidden');
    createLogger(true).debug('shown', 1);
    expect(debug.mock.calls).toEqual([['[leadsync] shown', 1]]);
  });

  it('always prints errors', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    createLogger(false).error('failed');
    expect(error).toHaveBeenCalledWith('[leadsync] failed');
  });
});
