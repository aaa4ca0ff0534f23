import { describe, expect, it } from 'vitest';

import { classifyRestError, REST_ERRORS } from './rest-errors.js';

describe('REST_ERRORS', () => {
  it.each([
    [601, 'expired', true, 'refresh_token'],
    [602, 'expired', true, 'refresh_token'],
    [604, 'timeout', true, 'back_off'],
    [606, 'rate', true, 'back_off'],
    [607, 'quota', true, 'none'],
    [608, 'unavailable', true, 'back_off'],
    [611, 'unavailable', true, 'back_off'],
    [615, 'concurrency', true, 'back_off'],
    [502, 'unavailable', true, 'back_off'],
    [503, 'unavailable', true, 'back_off'],
    [401, 'auth', false, 'none'],
    [413, 'bad_request', false, 'none'],
  ])('classifies %i as %s', (code, kind, retryable, action) => {
    expect(classifyRestError(code)).toMatchObject({ kind, retryable, action });
  });

  it.each([1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009, 1010, 1011, 1012])('never retries record reason %i', (code) => {
    expect(classifyRestError(code)).toMatchObject({ retryable: false, action: 'none' });
  });

  it('classifies partition access 1008 as a configuration failure', () => {
    expect(classifyRestError(1008).kind).toBe('auth');
  });

  it('treats an unknown code as a final failure', () => {
    expect(classifyRestError(799)).toEqual({ title: 'Unknown error', kind: 'unknown', retryable: false, action: 'none' });
  });

  it('retries at once only transient classes', () => {
    for (const [code, errorClass] of REST_ERRORS) {
      if (errorClass.action !== 'none') expect([code, errorClass.retryable]).toEqual([code, true]);
    }
  });
});
