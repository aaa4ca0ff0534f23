import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { parseForms } from './parse-forms.js';
import { publicForm } from './public-form.js';

const DEMO_FORMS = parseForms(
  JSON.parse(readFileSync(fileURLToPath(new URL('../../config/forms.demo.json', import.meta.url)), 'utf8')) as unknown,
  { api: 'soap' },
);

describe('publicForm', () => {
  it('returns the demo form with the Munchkin id, texts and fields', () => {
    const form = publicForm(DEMO_FORMS.get('contact')!, { munchkinId: '123-ABC-456' });

    expect(form).toMatchObject({
      id: 'contact',
      munchkinId: '123-ABC-456',
      title: { en: 'Talk to our team', de: 'Sprechen Sie mit unserem Team' },
      submitLabel: { en: 'Send', de: 'Senden' },
    });
    expect(form.fields[0]).toEqual({
      name: 'email',
      type: 'email',
      required: true,
      label: { en: 'Business email', de: 'Geschäftliche E-Mail' },
      maxLength: 254,
      autocomplete: 'email',
    });
  });

  it('never exposes the Marketo mapping', () => {
    const text = JSON.stringify(publicForm(DEMO_FORMS.get('contact')!, { munchkinId: '123-ABC-456' }));

    expect(text).not.toContain('marketo');
    expect(text).not.toContain('FirstName');
  });

  it('includes help, options, hidden value and redirect when configured', () => {
    const forms = parseForms(
      {
        forms: [
          {
            id: 'demo',
            onSuccess: { redirect: 'https://example.test/thanks' },
            fields: [
              {
                name: 'country',
                type: 'select',
                help: { en: 'Where you work' },
                options: [{ value: 'DE', label: { en: 'Germany' } }],
                label: { en: 'Country' },
                marketo: { soap: 'Country' },
              },
              { name: 'source', type: 'hidden', value: 'web', label: { en: 'Source' }, marketo: { soap: 'LeadSource' } },
            ],
          },
        ],
      },
      { api: 'soap' },
    );
    const form = publicForm(forms.get('demo')!, { munchkinId: '123-ABC-456' });

    expect(form.onSuccess).toEqual({ redirect: 'https://example.test/thanks' });
    expect(form.fields[0]).toMatchObject({ help: { en: 'Where you work' }, options: [{ value: 'DE', label: { en: 'Germany' } }] });
    expect(form.fields[1]).toMatchObject({ type: 'hidden', value: 'web', maxLength: 255 });
  });
});
