import { DOMParser, type Element } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';

import { EnvelopeError } from '../../errors.js';
import type { LeadSync } from '../transport.js';
import { buildSyncLeadEnvelope, MKTOWS_NAMESPACE, SOAP_ENVELOPE_NAMESPACE } from './build-envelope.js';

const AUTH = {
  userId: 'leadsync_demo_1A2B3C4D5E6F',
  signature: 'a146fe05761bb28ae17c54a59e909c33736884bb',
  timestamp: '2026-01-15T10:00:00-08:00',
};

const COOKIE = 'id:123-ABC-456&token:_mch-example.test-1700000000000-12345';

function build(lead: LeadSync, workspace?: string): string {
  return buildSyncLeadEnvelope({ ...AUTH, workspace, lead });
}

function parse(xml: string): Element {
  const document = new DOMParser({
    onError(level, message) {
      throw new Error(`${level}: ${message}`);
    },
  }).parseFromString(xml, 'text/xml');
  return document.documentElement as Element;
}

function children(element: Element): Element[] {
  const result: Element[] = [];
  for (let node = element.firstChild; node !== null; node = node.nextSibling) {
    if (node.nodeType === node.ELEMENT_NODE) result.push(node as Element);
  }
  return result;
}

function childNames(element: Element): string[] {
  return children(element).map((child) => child.localName ?? '');
}

function child(element: Element, name: string): Element {
  const found = children(element).find((candidate) => candidate.localName === name);
  if (found === undefined) throw new Error(`no <${name}> in <${element.localName}>`);
  return found;
}

function paramsSyncLead(xml: string): Element {
  return child(child(parse(xml), 'Body'), 'paramsSyncLead');
}

function attributeValues(xml: string): Map<string, string> {
  const list = child(child(paramsSyncLead(xml), 'leadRecord'), 'leadAttributeList');
  return new Map(children(list).map((attribute) => [child(attribute, 'attrName').textContent ?? '', child(attribute, 'attrValue').textContent ?? '']));
}

const FULL_LEAD: LeadSync = {
  id: 42,
  email: 'ana@example.test',
  foreignSysPersonId: 'crm-7',
  foreignSysType: 'SFDC',
  attributes: [
    { name: 'FirstName', value: 'Ana' },
    { name: 'Newsletter', type: 'boolean', value: 'true' },
  ],
  cookie: COOKIE,
};

describe('buildSyncLeadEnvelope structure', () => {
  it('puts headers and body in the SOAP 1.1 envelope namespace', () => {
    const envelope = parse(build(FULL_LEAD, 'Default'));

    expect(envelope.namespaceURI).toBe(SOAP_ENVELOPE_NAMESPACE);
    expect(envelope.localName).toBe('Envelope');
    expect(childNames(envelope)).toEqual(['Header', 'Body']);
  });

  it('qualifies only the global elements with the mktows namespace', () => {
    const envelope = parse(build(FULL_LEAD, 'Default'));
    const header = child(envelope, 'Header');
    const params = child(child(envelope, 'Body'), 'paramsSyncLead');

    for (const element of [...children(header), params]) expect(element.namespaceURI).toBe(MKTOWS_NAMESPACE);
    for (const element of [...children(child(header, 'AuthenticationHeader')), ...children(params)]) {
      expect(element.namespaceURI).toBeNull();
    }
  });

  it('orders AuthenticationHeader children as the WSDL sequence', () => {
    const header = child(parse(build(FULL_LEAD)), 'Header');
    expect(childNames(child(header, 'AuthenticationHeader'))).toEqual(['mktowsUserId', 'requestSignature', 'requestTimestamp']);
  });

  it('orders paramsSyncLead children as the WSDL sequence', () => {
    expect(childNames(paramsSyncLead(build(FULL_LEAD)))).toEqual(['leadRecord', 'returnLead', 'marketoCookie']);
  });

  it('orders leadRecord children as the WSDL sequence', () => {
    const record = child(paramsSyncLead(build(FULL_LEAD)), 'leadRecord');
    expect(childNames(record)).toEqual(['Id', 'Email', 'ForeignSysPersonId', 'ForeignSysType', 'leadAttributeList']);
  });

  it('orders attribute children as name, type, value', () => {
    const list = child(child(paramsSyncLead(build(FULL_LEAD)), 'leadRecord'), 'leadAttributeList');
    const [plain, typed] = children(list);
    expect(childNames(plain!)).toEqual(['attrName', 'attrValue']);
    expect(childNames(typed!)).toEqual(['attrName', 'attrType', 'attrValue']);
  });

  it('writes the authentication values unchanged', () => {
    const header = child(child(parse(build(FULL_LEAD)), 'Header'), 'AuthenticationHeader');
    expect(child(header, 'mktowsUserId').textContent).toBe(AUTH.userId);
    expect(child(header, 'requestSignature').textContent).toBe(AUTH.signature);
    expect(child(header, 'requestTimestamp').textContent).toBe(AUTH.timestamp);
  });

  it('sends returnLead false', () => {
    expect(child(paramsSyncLead(build(FULL_LEAD)), 'returnLead').textContent).toBe('false');
  });

  it('sends MktowsContextHeader only with a workspace', () => {
    const withWorkspace = child(parse(build(FULL_LEAD, 'Futures Institute')), 'Header');
    expect(childNames(withWorkspace)).toEqual(['AuthenticationHeader', 'MktowsContextHeader']);
    expect(child(child(withWorkspace, 'MktowsContextHeader'), 'targetWorkspace').textContent).toBe('Futures Institute');

    expect(childNames(child(parse(build(FULL_LEAD)), 'Header'))).toEqual(['AuthenticationHeader']);
    expect(childNames(child(parse(build(FULL_LEAD, '')), 'Header'))).toEqual(['AuthenticationHeader']);
  });

  it('omits leadAttributeList without attributes', () => {
    const record = child(paramsSyncLead(build({ email: 'ana@example.test', attributes: [] })), 'leadRecord');
    expect(childNames(record)).toEqual(['Email']);
  });
});

describe('buildSyncLeadEnvelope escaping', () => {
  it('escapes & < > " \' in values', () => {
    const xml = build({ email: 'a@example.test', attributes: [{ name: 'Company', value: `Lee & Sons <Holdings> "North" 'n'` }] });

    expect(xml).toContain('<attrValue>Lee &amp; Sons &lt;Holdings&gt; &quot;North&quot; &apos;n&apos;</attrValue>');
    expect(attributeValues(xml).get('Company')).toBe(`Lee & Sons <Holdings> "North" 'n'`);
  });

  it('keeps non-ASCII text as raw UTF-8', () => {
    const xml = build({ attributes: [{ name: 'FirstName', value: 'Zoë' }] });

    expect(xml).toContain('<attrValue>Zoë</attrValue>');
    expect(xml).not.toMatch(/&#|&[a-z]+;/i);
  });

  it('carries CJK, emoji and "]]>" exactly', () => {
    const comments = '株式会社テスト 🚀 a]]>b';
    const xml = build({ attributes: [{ name: 'Comments', value: comments }] });

    expect(xml).toContain('<attrValue>株式会社テスト 🚀 a]]&gt;b</attrValue>');
    expect(attributeValues(xml).get('Comments')).toBe(comments);
  });

  it('keeps a carriage return through XML line-end normalization', () => {
    const xml = build({ attributes: [{ name: 'Comments', value: 'line one\r\nline two' }] });

    expect(xml).toContain('line one&#xD;\nline two');
    expect(attributeValues(xml).get('Comments')).toBe('line one\r\nline two');
  });

  it('escapes the & of the cookie', () => {
    const xml = build({ email: 'a@example.test', attributes: [], cookie: COOKIE });

    expect(xml).toContain('<marketoCookie>id:123-ABC-456&amp;token:_mch-example.test-1700000000000-12345</marketoCookie>');
    expect(child(paramsSyncLead(xml), 'marketoCookie').textContent).toBe(COOKIE);
  });

  it('writes marketoCookie once', () => {
    const xml = build({ email: 'a@example.test', attributes: [], cookie: COOKIE });
    expect(xml.match(/<marketoCookie>/g)).toHaveLength(1);
  });

  it.each([undefined, '', '  ', 'undefined', 'null'])('omits marketoCookie for %j', (cookie) => {
    const lead: LeadSync = { email: 'a@example.test', attributes: [], ...(cookie !== undefined && { cookie }) };
    const xml = build(lead);

    expect(xml).not.toContain('marketoCookie');
    expect(childNames(paramsSyncLead(xml))).toEqual(['leadRecord', 'returnLead']);
  });
});

describe('buildSyncLeadEnvelope rejections', () => {
  it.each([
    ['a NUL', 'a\u0000b', 'U+0000'],
    ['a vertical tab', 'a\u000Bb', 'U+000B'],
    ['an escape', 'a\u001Bb', 'U+001B'],
    ['a lone high surrogate', 'a\uD83Db', 'U+D83D'],
    ['a lone low surrogate', 'a\uDE80b', 'U+DE80'],
    ['U+FFFE', 'a\uFFFEb', 'U+FFFE'],
  ])('rejects %s naming the field', (_name, value, codePoint) => {
    const lead: LeadSync = { attributes: [{ name: 'Comments', value }] };

    expect(() => build(lead)).toThrow(EnvelopeError);
    expect(() => build(lead)).toThrow(`Invalid character in Comments: ${codePoint}`);
  });

  it('names Email when the address holds a bad character', () => {
    expect(() => build({ email: 'a\u0007@example.test', attributes: [] })).toThrow(/in Email: U\+0007/);
  });

  it('accepts tab and line feed', () => {
    expect(attributeValues(build({ attributes: [{ name: 'Comments', value: 'a\tb\nc' }] })).get('Comments')).toBe('a\tb\nc');
  });

  it.each([1.5, 0, -3, 2_147_483_648, Number.NaN])('rejects lead Id %s before sending', (id) => {
    expect(() => build({ id, attributes: [] })).toThrow(/Invalid lead Id: expected an integer from 1 to 2147483647/);
  });

  it('accepts the largest xs:int as lead Id', () => {
    const record = child(paramsSyncLead(build({ id: 2_147_483_647, attributes: [] })), 'leadRecord');
    expect(child(record, 'Id').textContent).toBe('2147483647');
  });

  it('sends ForeignSysType CUSTOM when only ForeignSysPersonId is given', () => {
    const record = child(paramsSyncLead(build({ foreignSysPersonId: 'crm-7', attributes: [] })), 'leadRecord');
    expect(childNames(record)).toEqual(['ForeignSysPersonId', 'ForeignSysType']);
    expect(child(record, 'ForeignSysType').textContent).toBe('CUSTOM');
  });

  it('rejects an unknown ForeignSysType', () => {
    const lead = { foreignSysPersonId: 'crm-7', foreignSysType: 'HUBSPOT', attributes: [] } as unknown as LeadSync;
    expect(() => build(lead)).toThrow(/ForeignSysType: expected one of CUSTOM, SFDC, NETSUITE, got "HUBSPOT"/);
  });
});
