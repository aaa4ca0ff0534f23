import { describe, expect, it } from 'vitest';

import { classifyFault, REQUEST_EXPIRED, SOAP_FAULTS } from './faults.js';

// Every code of Marketo's published SOAP error-code list.
const DOCUMENTED_CODES = [
  10001, 20011, 20012, 20013, 20014, 20015, 20016, 20017, 20019, 20022, 20023, 20024, 20101, 20102, 20103, 20104,
  20105, 20106, 20107, 20108, 20109, 20110, 20111, 20113, 20114, 20122, 20123,
];

describe('SOAP_FAULTS', () => {
  it('classifies every documented code', () => {
    for (const code of DOCUMENTED_CODES) expect(SOAP_FAULTS.has(code), `code ${code}`).toBe(true);
  });

  it.each([
    [10001, 'unavailable', true],
    [20011, 'unavailable', true],
    [20013, 'auth', false],
    [20014, 'auth', false],
    [20015, 'quota', true],
    [20016, 'expired', true],
    [20023, 'rate', true],
    [20024, 'concurrency', true],
    [20103, 'not_found', false],
    [20105, 'bad_request', false],
    [20106, 'sync_failed', false],
  ])('classifies %i as %s, retryable %s', (code, kind, retryable) => {
    expect(classifyFault(code, 'Client')).toMatchObject({ kind, retryable });
  });

  it('marks only internal, limit and expiry faults retryable', () => {
    const retryable = [...SOAP_FAULTS].filter(([, fault]) => fault.retryable).map(([code]) => code);
    expect(retryable.sort()).toEqual([10001, 20011, 20015, 20016, 20023, 20024]);
  });

  it('names 20016 as the request-expired code', () => {
    expect(REQUEST_EXPIRED).toBe(20016);
  });
});

describe('classifyFault without a known code', () => {
  it('treats an unknown code as unknown and final', () => {
    expect(classifyFault(20999, 'Server')).toMatchObject({ kind: 'unknown', retryable: false });
  });

  it('treats a Server fault without code as transient', () => {
    expect(classifyFault(undefined, 'Server')).toMatchObject({ kind: 'unavailable', retryable: true });
  });

  it('treats a Client fault without code as a rejected request', () => {
    expect(classifyFault(undefined, 'Client')).toMatchObject({ kind: 'bad_request', retryable: false });
    expect(classifyFault(undefined, undefined)).toMatchObject({ kind: 'bad_request', retryable: false });
  });
});
