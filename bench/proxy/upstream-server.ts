/**
 * The server of `upstream-client.ts`: it replies to every request with a syncLead-sized SOAP reply and
 * sends its port to the parent process over IPC.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const REPLY = `<?xml version="1.0" encoding="UTF-8"?>
<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns1="http://www.marketo.com/mktows/"><SOAP-ENV:Body><ns1:successSyncLead><result><leadId>4242</leadId><syncStatus><leadId>4242</leadId><status>UPDATED</status><error xsi:nil="true" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/></syncStatus><leadRecord xsi:nil="true" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/></result></ns1:successSyncLead></SOAP-ENV:Body></SOAP-ENV:Envelope>`;

const server = createServer((request, response) => {
  request.resume();
  request.once('end', () => {
    response.writeHead(200, { 'Content-Type': 'text/xml;charset=UTF-8', 'Content-Length': Buffer.byteLength(REPLY) });
    response.end(REPLY);
  });
});

server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.address() as AddressInfo).port });
});
process.once('disconnect', () => process.exit(0));
