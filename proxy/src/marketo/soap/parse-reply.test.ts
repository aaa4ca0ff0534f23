import { describe, expect, it } from 'vitest';

import { MarketoError } from '../../errors.js';
import { faultReply, successReply } from '../../testing/soap-replies.js';
import { parseSyncLeadReply } from './parse-reply.js';

function failure(status: number, body: string): MarketoError {
  try {
    parseSyncLeadReply({ status, body });
  } catch (error) {
    if (error instanceof MarketoError) return error;
    throw error;
  }
  throw new Error('parseSyncLeadReply returned instead of throwing');
}

describe('parseSyncLeadReply success', () => {
  it('reads a created lead without leadRecord', () => {
    expect(parseSyncLeadReply({ status: 200, body: successReply(4242, 'CREATED') })).toEqual({ leadId: 4242, status: 'created' });
  });

  it('reads an updated lead', () => {
    expect(parseSyncLeadReply({ status: 200, body: successReply(7, 'UPDATED') })).toEqual({ leadId: 7, status: 'updated' });
  });

  it('reads a reply that returns the lead record', () => {
    const body = `<?xml version="1.0" encoding="UTF-8"?>
<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:ns1="http://www.marketo.com/mktows/">
  <SOAP-ENV:Body>
    <ns1:successSyncLead>
      <result>
        <leadId>4242</leadId>
        <syncStatus><leadId>4242</leadId><status>UPDATED</status><error xsi:nil="true"/></syncStatus>
        <leadRecord>
          <Id>4242</Id>
          <Email>jane.doe@example.org</Email>
          <ForeignSysPersonId xsi:nil="true"/>
          <ForeignSysType xsi:nil="true"/>
          <leadAttributeList>
            <attribute><attrName>FirstName</attrName><attrType>string</attrType><attrValue>Jane</attrValue></attribute>
          </leadAttributeList>
        </leadRecord>
      </result>
    </ns1:successSyncLead>
  </SOAP-ENV:Body>
</SOAP-ENV:Envelope>`;

    expect(parseSyncLeadReply({ status: 200, body })).toEqual({ leadId: 4242, status: 'updated' });
  });

  it('matches namespaces, not prefixes', () => {
    const body =
      '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:mkt="http://www.marketo.com/mktows/">' +
      '<soapenv:Body><mkt:successSyncLead><result><leadId>9</leadId>' +
      '<syncStatus><leadId>9</leadId><status>CREATED</status></syncStatus>' +
      '</result></mkt:successSyncLead></soapenv:Body></soapenv:Envelope>';

    expect(parseSyncLeadReply({ status: 200, body })).toEqual({ leadId: 9, status: 'created' });
  });

  it('accepts a default namespace instead of a prefix', () => {
    const body =
      '<Envelope xmlns="http://schemas.xmlsoap.org/soap/envelope/"><Body>' +
      '<successSyncLead xmlns="http://www.marketo.com/mktows/"><result xmlns=""><leadId>3</leadId>' +
      '<syncStatus><leadId>3</leadId><status>UPDATED</status></syncStatus></result></successSyncLead>' +
      '</Body></Envelope>';

    expect(parseSyncLeadReply({ status: 200, body })).toEqual({ leadId: 3, status: 'updated' });
  });

  it('rejects the right local names in a wrong namespace', () => {
    const body =
      '<x:Envelope xmlns:x="urn:not-soap"><x:Body><m:successSyncLead xmlns:m="http://www.marketo.com/mktows/">' +
      '<result><leadId>9</leadId><syncStatus><status>CREATED</status></syncStatus></result>' +
      '</m:successSyncLead></x:Body></x:Envelope>';

    const error = failure(200, body);
    expect(error.kind).toBe('invalid_reply');
  });
});

describe('parseSyncLeadReply failures', () => {
  it('treats status FAILED in HTTP 200 as a non-retryable failure', () => {
    const error = failure(200, successReply(5, 'FAILED', 'Lead is in another partition'));

    expect(error.kind).toBe('sync_failed');
    expect(error.code).toBe('upstream_rejected');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('Lead is in another partition');
  });

  it('reads code and message from a fault detail', () => {
    const error = failure(500, faultReply(20014, 'Authentication failed', 'Authentication failed'));

    expect(error.faultCode).toBe(20014);
    expect(error.kind).toBe('auth');
    expect(error.code).toBe('upstream_auth');
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(
      'Marketo fault 20014 (Authentication failed): "Authentication failed (20014)". ' +
        'Fix: check MARKETO_USER_ID and MARKETO_ENCRYPTION_KEY against Admin > Integration > Web Services.',
    );
  });

  it('classifies a rate-limit fault as retryable', () => {
    const error = failure(500, faultReply(20023, 'Rate Limit Exceeded', 'Rate limit exceeded'));

    expect(error.kind).toBe('rate');
    expect(error.retryable).toBe(true);
    expect(error.code).toBe('upstream_rate_limited');
  });

  it('masks e-mail addresses quoted from a fault', () => {
    const error = failure(500, faultReply(20103, 'Lead not found', 'No lead found with EMAIL = ana.lopez@example.test'));

    expect(error.message).toContain('a***@example.test');
    expect(error.message).not.toContain('ana.lopez');
  });

  it('reads a fault with a detail in other prefixes', () => {
    const body =
      '<env:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope/"><env:Body><env:Fault>' +
      '<faultcode>env:Client</faultcode><faultstring>20105 - Unknown lead field</faultstring>' +
      '<detail><m:serviceException xmlns:m="http://www.marketo.com/mktows/"><name>mktServiceException</name>' +
      '<message>syncLead operation failed: unknown fields for import: pants (20105)</message><code>20105</code>' +
      '</m:serviceException></detail></env:Fault></env:Body></env:Envelope>';

    const error = failure(500, body);
    expect(error.faultCode).toBe(20105);
    expect(error.kind).toBe('bad_request');
    expect(error.message).toContain('unknown fields for import: pants');
  });

  it('reads a fault without detail as a rejected request', () => {
    const body =
      '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Body><SOAP-ENV:Fault>' +
      '<faultcode>SOAP-ENV:Client</faultcode><faultstring>Bad Request</faultstring>' +
      '</SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>';

    const error = failure(500, body);
    expect(error.faultCode).toBeUndefined();
    expect(error.kind).toBe('bad_request');
    expect(error.retryable).toBe(false);
    expect(error.message).toBe('Marketo fault without a code (Client fault): "Bad Request".');
  });

  it('takes the code from the faultstring when detail is missing', () => {
    const body =
      '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Body><SOAP-ENV:Fault>' +
      '<faultcode>SOAP-ENV:Client</faultcode><faultstring>20016 - Request expired</faultstring>' +
      '</SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>';

    expect(failure(500, body).faultCode).toBe(20016);
  });

  it('treats a Server fault without a code as retryable', () => {
    const body =
      '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault>' +
      '<faultcode>s:Server</faultcode><faultstring>Internal error</faultstring></s:Fault></s:Body></s:Envelope>';

    const error = failure(500, body);
    expect(error.kind).toBe('unavailable');
    expect(error.retryable).toBe(true);
  });

  it('reads a fault even in HTTP 200', () => {
    expect(failure(200, faultReply(20024, 'Concurrency Limit Exceeded', 'Too many')).kind).toBe('concurrency');
  });

  it('classifies an unknown fault code as unknown and not retryable', () => {
    const error = failure(500, faultReply(29999, 'Something new', 'New'));
    expect(error.kind).toBe('unknown');
    expect(error.retryable).toBe(false);
    expect(error.faultCode).toBe(29999);
  });

  it('treats an HTML 500 page as upstream_unavailable', () => {
    const error = failure(500, '<html><head><title>500 Internal Server Error</title></head><body><h1>Oops</h1></body></html>');

    expect(error.code).toBe('upstream_unavailable');
    expect(error.kind).toBe('unavailable');
    expect(error.retryable).toBe(true);
    expect(error.message).not.toContain('Oops');
  });

  it('names the fix for a redirect', () => {
    const error = failure(301, '');

    expect(error.kind).toBe('bad_request');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('Set MARKETO_SOAP_ENDPOINT to the address it redirects to');
  });

  it('treats malformed HTML in a 502 as upstream_unavailable', () => {
    expect(failure(502, '<html><body><p>Bad gateway<br></body></html>').code).toBe('upstream_unavailable');
  });

  it.each([500, 503])('treats an empty %i body as upstream_unavailable', (status) => {
    const error = failure(status, '');
    expect(error.code).toBe('upstream_unavailable');
    expect(error.retryable).toBe(true);
  });

  it('treats an unparseable HTTP 200 as a retryable invalid reply', () => {
    const error = failure(200, 'OK');
    expect(error.kind).toBe('invalid_reply');
    expect(error.retryable).toBe(true);
  });

  it('treats a 404 page as a rejected request naming the endpoint variable', () => {
    const error = failure(404, 'Not Found');
    expect(error.kind).toBe('bad_request');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('MARKETO_SOAP_ENDPOINT');
  });

  it('treats HTTP 429 without a fault as rate limited', () => {
    expect(failure(429, '').kind).toBe('rate');
  });

  it('rejects a success without a numeric leadId', () => {
    const body = successReply(1, 'CREATED').replace('<leadId>1</leadId><syncStatus>', '<leadId>x</leadId><syncStatus>');
    expect(failure(200, body).kind).toBe('invalid_reply');
  });
});
