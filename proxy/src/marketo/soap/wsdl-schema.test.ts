import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { DOMParser, XMLSerializer, type Document, type Element } from '@xmldom/xmldom';
import { afterAll, describe, expect, it } from 'vitest';

import type { LeadSync } from '../transport.js';
import { buildSyncLeadEnvelope, MKTOWS_NAMESPACE } from './build-envelope.js';

// The Marketo WSDL (API 2_2) sits in the `shared` folder beside the repository, or where
// LEADSYNC_SHARED_DIR points.
const REPOSITORY = resolve(fileURLToPath(new URL('../../../..', import.meta.url)));
const SHARED = process.env.LEADSYNC_SHARED_DIR ?? resolve(REPOSITORY, '../shared');
const WSDL_PATH = resolve(SHARED, 'marketo/marketo.wsdl');
const XMLLINT = '/usr/bin/xmllint';
const XML_SCHEMA_NAMESPACE = 'http://www.w3.org/2001/XMLSchema';

const hasWsdl = existsSync(WSDL_PATH);
const hasXmllint = existsSync(XMLLINT);

if (!hasWsdl) console.warn(`Skipping WSDL schema tests: ${WSDL_PATH} does not exist.`);
if (!hasXmllint) console.warn(`Skipping xmllint validation: ${XMLLINT} does not exist.`);

const AUTH = {
  userId: 'leadsync_demo_1A2B3C4D5E6F',
  signature: 'a146fe05761bb28ae17c54a59e909c33736884bb',
  timestamp: '2026-01-15T10:00:00-08:00',
};

const LEADS: Record<string, LeadSync> = {
  'every leadRecord element': {
    id: 42,
    email: 'ana@example.test',
    foreignSysPersonId: 'crm-7',
    foreignSysType: 'SFDC',
    attributes: [
      { name: 'FirstName', value: 'Zoë' },
      { name: 'Newsletter', type: 'boolean', value: 'true' },
    ],
    cookie: 'id:123-ABC-456&token:_mch-example.test-1700000000000-12345',
  },
  'hostile strings': {
    email: 'ana@example.test',
    attributes: [
      { name: 'Company', value: 'Lee & Sons <Holdings> "North"' },
      { name: 'Comments', value: '株式会社テスト 🚀 a]]>b\r\nline two' },
    ],
    cookie: 'id:123-ABC-456&token:_mch-example.test-97bf4361ef4433921a6da262e8df45a0',
  },
  'an email only': { email: 'ana@example.test', attributes: [] },
  'a foreign id without type': { foreignSysPersonId: 'crm-7', attributes: [{ name: 'LastName', value: "O'Brien" }] },
};

function parseXml(text: string): Document {
  return new DOMParser({
    onError(level, message) {
      throw new Error(`${level}: ${message}`);
    },
  }).parseFromString(text, 'text/xml');
}

function elementsNS(document: Document | Element, namespace: string, localName: string): Element[] {
  return Array.from(document.getElementsByTagNameNS(namespace, localName)) as Element[];
}

function childElements(element: Element): Element[] {
  return Array.from(element.childNodes).filter((node) => node.nodeType === node.ELEMENT_NODE) as Element[];
}

/** Returns the element names of a WSDL complexType's xs:sequence, in order. */
function wsdlSequence(wsdl: Document, typeName: string): string[] {
  const type = elementsNS(wsdl, XML_SCHEMA_NAMESPACE, 'complexType').find((candidate) => candidate.getAttribute('name') === typeName);
  if (type === undefined) throw new Error(`complexType ${typeName} not found in the WSDL`);
  const sequence = elementsNS(type, XML_SCHEMA_NAMESPACE, 'sequence')[0]!;
  return childElements(sequence)
    .filter((element) => element.localName === 'element')
    .map((element) => element.getAttribute('name') ?? '');
}

/** Checks that `names` appear in the order of `sequence`, allowing optional elements to be absent. */
function followsSequence(names: string[], sequence: string[]): boolean {
  const positions = names.map((name) => sequence.indexOf(name));
  return positions.every((position, index) => position >= 0 && (index === 0 || position > positions[index - 1]!));
}

describe.skipIf(!hasWsdl)('syncLead envelope against the WSDL sequences', () => {
  const wsdl = hasWsdl ? parseXml(readFileSync(WSDL_PATH, 'utf8')) : undefined;

  it.each(Object.entries(LEADS))('orders %s as the WSDL types', (_case, lead) => {
    const envelope = parseXml(buildSyncLeadEnvelope({ ...AUTH, workspace: 'Default', lead }));
    const params = elementsNS(envelope, MKTOWS_NAMESPACE, 'paramsSyncLead')[0]!;
    const header = elementsNS(envelope, MKTOWS_NAMESPACE, 'AuthenticationHeader')[0]!;
    const record = childElements(params)[0]!;
    const names = (element: Element) => childElements(element).map((child) => child.localName ?? '');

    expect(names(params)).toSatisfy((found: string[]) => followsSequence(found, wsdlSequence(wsdl!, 'ParamsSyncLead')));
    expect(names(record)).toSatisfy((found: string[]) => followsSequence(found, wsdlSequence(wsdl!, 'LeadRecord')));
    expect(names(header)).toSatisfy((found: string[]) => followsSequence(found, wsdlSequence(wsdl!, 'AuthenticationHeaderInfo')));
    for (const attribute of Array.from(record.getElementsByTagName('attribute')) as Element[]) {
      expect(names(attribute)).toSatisfy((found: string[]) => followsSequence(found, wsdlSequence(wsdl!, 'Attribute')));
    }
  });
});

describe.skipIf(!hasWsdl || !hasXmllint)('syncLead envelope validated by xmllint --schema', () => {
  const directory = mkdtempSync(join(tmpdir(), 'leadsync-wsdl-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  /**
   * Copies the WSDL's inline xs:schema to a standalone .xsd. The serializer declares the `xs`
   * prefix of the element names itself, but not `tns`, which appears only inside attribute
   * values such as `type="tns:LeadRecord"`, so `tns` is declared here.
   */
  function writeSchema(): string {
    const wsdl = parseXml(readFileSync(WSDL_PATH, 'utf8'));
    const schema = elementsNS(wsdl, XML_SCHEMA_NAMESPACE, 'schema')[0]!;
    schema.setAttributeNS('http://www.w3.org/2000/xmlns/', 'xmlns:tns', MKTOWS_NAMESPACE);

    const path = join(directory, 'mktows.xsd');
    writeFileSync(path, `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(schema)}`);
    return path;
  }

  /** Runs xmllint and returns its combined output; a validation failure makes it exit non-zero. */
  function validate(schemaPath: string, documents: string[]): { ok: boolean; output: string } {
    try {
      const output = execFileSync(XMLLINT, ['--noout', '--schema', schemaPath, ...documents], { encoding: 'utf8', stdio: 'pipe' });
      return { ok: true, output };
    } catch (error) {
      const failure = error as { stdout?: string; stderr?: string };
      return { ok: false, output: `${failure.stdout ?? ''}${failure.stderr ?? ''}` };
    }
  }

  /** Writes the body element and each header of the envelope as standalone documents. */
  function writeParts(name: string, envelopeText: string): string[] {
    const envelope = parseXml(envelopeText);
    const parts = [
      ...elementsNS(envelope, MKTOWS_NAMESPACE, 'paramsSyncLead'),
      ...elementsNS(envelope, MKTOWS_NAMESPACE, 'AuthenticationHeader'),
      ...elementsNS(envelope, MKTOWS_NAMESPACE, 'MktowsContextHeader'),
    ];

    return parts.map((part) => {
      const path = join(directory, `${name}-${part.localName}.xml`);
      writeFileSync(path, `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(part)}`);
      return path;
    });
  }

  // describe.skipIf still runs this body to collect the tests, so the schema is read only when it exists.
  const schemaPath = hasWsdl && hasXmllint ? writeSchema() : '';

  it.each(Object.entries(LEADS))('validates the body and headers for %s', (name, lead) => {
    const files = writeParts(name.replace(/\W+/g, '-'), buildSyncLeadEnvelope({ ...AUTH, workspace: 'Default', lead }));

    expect(files).toHaveLength(3);
    const result = validate(schemaPath, files);
    expect(result.output).not.toContain('fails to validate');
    expect(result.ok).toBe(true);
  });

  it('rejects an envelope with elements out of order', () => {
    const envelope = buildSyncLeadEnvelope({ ...AUTH, lead: LEADS['an email only']! }).replace(
      '<returnLead>false</returnLead>',
      '',
    ).replace('<leadRecord>', '<returnLead>false</returnLead><leadRecord>');
    const files = writeParts('out-of-order', envelope);

    const result = validate(schemaPath, files);
    expect(result.ok).toBe(false);
    expect(result.output).toContain('fails to validate');
  });
});
