/**
 * Hostile requests through `app.request()`. Each case once crashed the proxy, lost or altered
 * data, or returned far more than the request contained.
 */
import { describe, expect, it } from 'vitest';

import { createHarness, errorOf, postSubmission, submission } from './testing/app-harness.js';

describe('submission route with deeply nested JSON', () => {
  it.each([
    ['a field value', (id: string) => `{"submissionId":"${id}","fields":{"firstName":${'['.repeat(3000)}${']'.repeat(3000)}}}`],
    ['the submissionId', () => `{"submissionId":${'['.repeat(3000)}${']'.repeat(3000)},"fields":{}}`],
    ['the context', (id: string) => `{"submissionId":"${id}","fields":{},"context":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`],
  ])('answers 400 invalid_request for nesting in %s', async (_case, body) => {
    const { app, upstream } = createHarness();

    const response = await postSubmission(app, body(crypto.randomUUID()));
    const error = await errorOf(response);

    expect(response.status).toBe(400);
    expect(error.code).toBe('invalid_request');
    expect(error.message).toContain('more than 32 levels deep');
    expect(upstream.calls).toBe(0);
  });

  it('accepts a submission nested as the widget posts it', async () => {
    const { app } = createHarness();

    const response = await postSubmission(app, submission({ context: { utm: { utm_source: 'news' } } }));

    expect(response.status).toBe(200);
  });
});
