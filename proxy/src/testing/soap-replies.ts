/** SOAP reply bodies shaped like Marketo's, for tests. */

export function successReply(leadId: number, status: 'CREATED' | 'UPDATED' | 'FAILED' = 'CREATED', error?: string): string {
  const errorElement = error === undefined ? '<error xsi:nil="true"/>' : `<error>${error}</error>`;
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" ' +
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:ns1="http://www.marketo.com/mktows/">' +
    '<SOAP-ENV:Body><ns1:successSyncLead><result>' +
    `<leadId>${leadId}</leadId>` +
    `<syncStatus><leadId>${leadId}</leadId><status>${status}</status>${errorElement}</syncStatus>` +
    '<leadRecord xsi:nil="true"/>' +
    '</result></ns1:successSyncLead></SOAP-ENV:Body></SOAP-ENV:Envelope>'
  );
}

export function faultReply(code: number, title: string, message: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/">' +
    '<SOAP-ENV:Body><SOAP-ENV:Fault>' +
    '<faultcode>SOAP-ENV:Client</faultcode>' +
    `<faultstring>${code} - ${title}</faultstring>` +
    '<detail><ns1:serviceException xmlns:ns1="http://www.marketo.com/mktows/">' +
    `<name>mktServiceException</name><message>${message} (${code})</message><code>${code}</code>` +
    '</ns1:serviceException></detail>' +
    '</SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>'
  );
}
