/**
 * Property-based tests of the submission route. Hostile field values and odd JSON shapes never
 * produce a 5xx. Every envelope sent upstream is well-formed XML that carries each accepted value
 * back exactly; saxes, a strict parser the proxy does not use, reads it.
 */
import fc from 'fast-check';
import { SaxesParser } from '../../emulator/node_modules/saxes/saxes.js';
import { describe, expect, it } from 'vitest';

import { parseForms } from './forms/parse-forms.js';
import { COOKIE, createHarness, postSubmission } from './testing/app-harness.js';

const FUZZ_FORMS = parseForms(
  {
    forms: [
      {
        id: 'contact',
        fields: [
          { name: 'email', type: 'email', required: true, label: { en: 'Email' }, marketo: { soap: 'Email' } },
          { name: 'firstName', type: 'text', label: { en: 'First name' }, marketo: { soap: 'FirstName' } },
          { name: 'company', type: 'text', maxLength: 2_000, label: { en: 'Company' }, marketo: { soap: 'Company' } },
          { name: 'comments', type: 'textarea', maxLength: 2_000_000, label: { en: 'Comments' }, marketo: { soap: 'Comments' } },
        ],
      },
    ],
  },
  { api: 'soap' },
);

const FIELD_ATTRIBUTES = { firstName: 'FirstName', company: 'Company', comments: 'Comments' } as const;

const HOSTILE_PIECES = [
  ']]>',
  '<![CDATA[',
  '<?xml version="1.0"?>',
  '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
  '&e;',
  '&amp;',
  '&#0;',
  '&#x1F680;',
  '"\'<>&',
  '</attrValue><attrName>LeadScore</attrName><attrValue>100',
  '\u0000',
  '\u0008',
  '\u001B',
  '\u007F',
  '\uFFFE',
  '\uFFFF',
  '\uD800',
  '\uDFFF',
  '\u2028',
  '\u202E',
  '\u200B',
  '\u00A0',
  '🚀',
  '👩‍👩‍👧',
  'ﷺ',
  'e\u0301',
  'İ',
  '株式会社',
  '\r\n',
  '\r',
  '\t',
  ' ',
];

const hostileString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.array(fc.constantFrom(...HOSTILE_PIECES), { maxLength: 12 }).map((pieces) => pieces.join('')),
  fc
    .tuple(fc.string({ unit: 'grapheme', maxLength: 20 }), fc.constantFrom(...HOSTILE_PIECES), fc.string({ unit: 'grapheme', maxLength: 20 }))
    .map((parts) => parts.join('')),
);

interface SentLead {
  email: string | undefined;
  cookie: string | undefined;
  attributes: Map<string, string>;
}

/** Parses an envelope strictly and returns the lead values it carries; throws on any XML error. */
function readEnvelope(xml: string): SentLead {
  const parser = new SaxesParser({ xmlns: true });
  const lead: SentLead = { email: undefined, cookie: undefined, attributes: new Map() };
  let text = '';
  let attributeName = '';
  let attributeValue = '';

  parser.on('error', (error) => {
    throw error;
  });
  parser.on('opentag', () => {
    text = '';
  });
  parser.on('text', (chunk) => {
    text += chunk;
  });
  parser.on('closetag', (tag) => {
    if (tag.local === 'Email') lead.email = text;
    if (tag.local === 'marketoCookie') lead.cookie = text;
    if (tag.local === 'attrName') attributeName = text;
    if (tag.local === 'attrValue') attributeValue = text;
    if (tag.local === 'attribute') lead.attributes.set(attributeName, attributeValue);
    text = '';
  });

  parser.write(xml).close();
  return lead;
}

/**
 * Creates the app with every rate limit lifted. For some inputs over 100 of 300 submissions are valid and reach Marketo
 * within 20 s. The call limiter then queues the 101st call for 5 s and returns 503, and each shrinking step waits again.
 */
function fuzzHarness() {
  return createHarness({
    forms: FUZZ_FORMS,
    maxBodyBytes: 8 * 1024 * 1024,
    env: { RATE_LIMIT_PER_ADDRESS: '0', RATE_LIMIT_PER_EMAIL: '0', MARKETO_MAX_CALLS_PER_20S: '1000000' },
  });
}

describe('app fuzz: hostile field values', () => {
  it('never answers 5xx and sends each accepted value exactly', async () => {
    const { app, upstream } = fuzzHarness();

    await fc.assert(
      fc.asyncProperty(fc.record({ firstName: hostileString, company: hostileString, comments: hostileString }), async (values) => {
        const before = upstream.calls;
        const response = await postSubmission(app, {
          submissionId: crypto.randomUUID(),
          fields: { email: 'ana@example.test', ...values },
          mktoTrk: COOKIE,
        });

        expect(response.status).toBeLessThan(500);
        if (response.status !== 200) {
          expect(response.status).toBe(400);
          expect(upstream.calls).toBe(before);
          return;
        }

        expect(upstream.calls).toBe(before + 1);
        const sent = readEnvelope(upstream.requests.at(-1)!.body);
        expect(sent.email).toBe('ana@example.test');
        expect(sent.cookie).toBe(COOKIE);
        for (const [field, attribute] of Object.entries(FIELD_ATTRIBUTES)) {
          const value = values[field as keyof typeof values].trim();
          expect(sent.attributes.get(attribute)).toBe(value === '' ? undefined : value);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('carries a 1 MB value exactly', async () => {
    const { app, upstream } = fuzzHarness();

    await fc.assert(
      fc.asyncProperty(fc.constantFrom('x', '🚀', 'ä<&]]>', 'a\r\nb'), async (unit) => {
        const comments = unit.repeat(Math.ceil(1_048_576 / unit.length)).slice(0, 1_048_576);
        const response = await postSubmission(app, { submissionId: crypto.randomUUID(), fields: { email: 'ana@example.test', comments } });

        expect(response.status).toBe(200);
        expect(readEnvelope(upstream.requests.at(-1)!.body).attributes.get('Comments')).toBe(comments.trim());
      }),
      { numRuns: 4 },
    );
  });

  it('rejects a 1 MB value above the default body limit with 413', async () => {
    const { app, upstream } = createHarness();

    const response = await postSubmission(app, { submissionId: crypto.randomUUID(), fields: { email: 'ana@example.test', company: 'x'.repeat(1_048_576) } });

    expect(response.status).toBe(413);
    expect(upstream.calls).toBe(0);
  });
});

const ODD_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '', ' email', 'EMAIL', 'email\u0000', '🚀'];

const oddJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.double(),
    fc.integer(),
    hostileString,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.constantFrom(...ODD_KEYS), fc.string({ maxLength: 8 })), tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** Serializes with `__proto__` kept as a plain key, the way a hostile client would send it. */
function toJsonText(value: unknown): string {
  return JSON.stringify(value, (_key, entry: unknown) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return entry;
    return Object.fromEntries(Object.entries(entry));
  });
}

describe('app fuzz: odd JSON shapes', () => {
  it('never answers 5xx for any JSON body', async () => {
    const { app, upstream } = fuzzHarness();

    await fc.assert(
      fc.asyncProperty(oddJson, async (body) => {
        const before = upstream.calls;
        const response = await postSubmission(app, toJsonText(body));

        expect(response.status).toBeLessThan(500);
        expect(upstream.calls).toBe(before);
      }),
      { numRuns: 300 },
    );
  });

  it('never answers 5xx for odd submission parts', async () => {
    const { app, upstream } = fuzzHarness();

    await fc.assert(
      fc.asyncProperty(
        fc.record({ fields: oddJson, mktoTrk: oddJson, context: oddJson, signals: oddJson }, { requiredKeys: [] }),
        fc.uuid(),
        async (parts, submissionId) => {
          const before = upstream.calls;
          const response = await postSubmission(app, toJsonText({ submissionId, ...parts }));

          expect(response.status).toBeLessThan(500);
          if (response.status !== 200) expect(upstream.calls).toBe(before);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never answers 5xx for raw text bodies', async () => {
    const { app, upstream } = fuzzHarness();

    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 200 }), async (text) => {
        const response = await postSubmission(app, text);

        expect(response.status).toBeLessThan(500);
        expect(upstream.calls).toBe(0);
      }),
      { numRuns: 200 },
    );
  });

  it('treats __proto__ and constructor as unknown fields', async () => {
    const { app, upstream } = fuzzHarness();

    await fc.assert(
      fc.asyncProperty(fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString'), oddJson, async (key, value) => {
        const text = `{"submissionId":"${crypto.randomUUID()}","fields":{"email":"ana@example.test",${JSON.stringify(key)}:${toJsonText(value) ?? 'null'}}}`;
        const response = await postSubmission(app, text);
        const body = (await response.json()) as { error?: { code: string; fields?: Array<{ name: string }> } };

        expect(response.status).toBe(400);
        expect(body.error?.code).toBe('unknown_field');
        expect(body.error?.fields?.map((field) => field.name)).toContain(key);
        expect(upstream.calls).toBe(0);
        expect(({} as Record<string, unknown>).admin).toBeUndefined();
      }),
      { numRuns: 50 },
    );
  });
});
