/**
 * The route a Node developer would otherwise write: a Hono route that takes the widget's JSON
 * and calls syncLead through the npm `soap` client, built from the emulator's WSDL, with the
 * AuthenticationHeader signed per call.
 */
import { createHmac } from 'node:crypto';

import * as soap from 'soap';

import { Hono, serve } from '../hono.ts';
import { announceReady } from './ready.ts';

const endpoint = process.env.BENCH_SOAP_ENDPOINT;
if (endpoint === undefined) throw new Error('BENCH_SOAP_ENDPOINT is missing; the bench runner sets it to the emulator SOAP URL.');

const USER_ID = 'leadsync_demo_1A2B3C4D5E6F';
const ENCRYPTION_KEY = 'demo-encryption-key';

function authenticationHeader(): string {
  const timestamp = `${new Date().toISOString().slice(0, 19)}+00:00`;
  const signature = createHmac('sha1', ENCRYPTION_KEY).update(timestamp + USER_ID).digest('hex');
  return (
    '<ns1:AuthenticationHeader xmlns:ns1="http://www.marketo.com/mktows/">' +
    `<mktowsUserId>${USER_ID}</mktowsUserId><requestSignature>${signature}</requestSignature><requestTimestamp>${timestamp}</requestTimestamp>` +
    '</ns1:AuthenticationHeader>'
  );
}

interface Submission {
  submissionId: string;
  fields: { email: string; firstName?: string; lastName?: string; company?: string };
  mktoTrk?: string;
}

const client = await soap.createClientAsync(`${endpoint}?WSDL`);
client.setEndpoint(endpoint);
// A function header is rendered for every call, so each request carries a fresh signature.
client.addSoapHeader(() => authenticationHeader());

const app = new Hono();

app.post('/v1/forms/:formId/submissions', async (c) => {
  const submission = await c.req.json<Submission>();
  const { email, ...attributes } = submission.fields;

  const [reply] = (await client.syncLeadAsync({
    leadRecord: {
      Email: email,
      leadAttributeList: {
        attribute: [
          { attrName: 'FirstName', attrValue: attributes.firstName ?? '' },
          { attrName: 'LastName', attrValue: attributes.lastName ?? '' },
          { attrName: 'Company', attrValue: attributes.company ?? '' },
        ],
      },
    },
    returnLead: false,
    marketoCookie: submission.mktoTrk,
  })) as [{ result: { leadId: number; syncStatus: { status: string } } }];

  return c.json({ submissionId: submission.submissionId, status: reply.result.syncStatus.status.toLowerCase(), leadId: reply.result.leadId });
});

const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info: { port: number }) => {
  announceReady(`http://127.0.0.1:${info.port}`);
});
process.once('SIGTERM', () => {
  server.close(() => process.exit(0));
});
