import { describe, expect, it } from 'vitest';

import { attributeValue, childElement, lookupNamespace, parseXmlTree } from './xml-tree.js';

describe('parseXmlTree', () => {
  it('resolves prefixed and default namespaces', () => {
    const root = parseXmlTree('<a:root xmlns:a="urn:a" xmlns="urn:d"><child/><plain xmlns=""/></a:root>');

    expect(root?.namespace).toBe('urn:a');
    expect(root?.localName).toBe('root');
    expect(root?.children.map((child) => child.namespace)).toEqual(['urn:d', null]);
  });

  it('joins descendant and CDATA text in order', () => {
    const root = parseXmlTree('<r>a<b>b<![CDATA[<c>]]></b><!-- skipped -->d&amp;</r>');
    expect(root?.text).toBe('ab<c>d&');
  });

  it('reads attributes by namespace URI', () => {
    const root = parseXmlTree('<r xmlns:x="urn:x"><e x:nil="true" nil="false"/></r>');
    const element = root === undefined ? undefined : childElement(root, null, 'e');

    expect(element === undefined ? undefined : attributeValue(element, 'urn:x', 'nil')).toBe('true');
    expect(element === undefined ? undefined : attributeValue(element, null, 'nil')).toBe('false');
  });

  it.each(['<r><open></r>', '<p:r/>', '<r>&nbsp;</r>', 'text', '<r/><r/>', '<r>'])('rejects malformed document %s', (source) => {
    expect(parseXmlTree(source)).toBeUndefined();
  });
});

describe('lookupNamespace', () => {
  const root = parseXmlTree('<r xmlns="urn:d" xmlns:p="urn:p"><inner xmlns=""/></r>');
  const inner = root?.children[0];

  it('finds a binding on an ancestor', () => {
    expect(inner === undefined ? undefined : lookupNamespace(inner, 'p')).toBe('urn:p');
    expect(root === undefined ? undefined : lookupNamespace(root, null)).toBe('urn:d');
  });

  it('treats xmlns="" as unbound', () => {
    expect(inner === undefined ? undefined : lookupNamespace(inner, null)).toBeUndefined();
  });

  it('returns undefined for an unbound prefix', () => {
    expect(root === undefined ? undefined : lookupNamespace(root, 'q')).toBeUndefined();
  });
});
