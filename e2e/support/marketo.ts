/**
 * Test-side access to the Marketo emulator: its JSON control paths, and SOAP `getLead` through
 * the independent npm `soap` client, so an end-to-end test checks the lead the way a Marketo
 * integration would read it.
 */
import { createHmac } from 'node:crypto';
import soap from 'soap';
import { urls } from './ports.ts';

export const DEMO_SOAP_USER = 'leadsync_demo_1A2B3C4D5E6F';
export const DEMO_SOAP_KEY = 'demo-encryption-key';
export const MARKETO_NAMESPACE = 'http://www.marketo.com/mktows/';

export interface EmulatorLead {
  id: number;
  email: string | null;
  anonymous: boolean;
  cookies: string[];
  partition: string;
  attributes: Record<string, string>;
  visits: Array<{ url: string; at: string }>;
}

export async function resetEmulator(): Promise<void> {
  const response = await fetch(`${urls.emulator}/_emulator/reset`, { method: 'POST' });
  if (!response.ok) throw new Error(`emulator reset answered ${response.status}`);
}

export async function emulatorLeads(): Promise<EmulatorLead[]> {
  const response = await fetch(`${urls.emulator}/_emulator/leads`);
  if (!response.ok) throw new Error(`emulator leads answered ${response.status}`);
  return (await response.json()) as EmulatorLead[];
}

export async function configureEmulator(config: unknown): Promise<void> {
  const response = await fetch(`${urls.emulator}/_emulator/config`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(config),
  });
  if (!response.ok) throw new Error(`emulator config answered ${response.status}: ${await response.text()}`);
}

function authenticationHeader() {
  const timestamp = new Date().toISOString().slice(0, 19) + '+00:00';
  const signature = createHmac('sha1', DEMO_SOAP_KEY).update(timestamp + DEMO_SOAP_USER).digest('hex');
  return { mktowsUserId: DEMO_SOAP_USER, requestSignature: signature, requestTimestamp: timestamp };
}

export interface SoapLeadRecord {
  Id: number;
  Email?: string;
  attributes: Record<string, string>;
}

/** Calls SOAP getLead with a COOKIE lead key and returns the leads the emulator found. */
export async function getLeadByCookie(cookie: string): Promise<SoapLeadRecord[]> {
  const endpoint = `${urls.emulator}/soap/mktows/2_9`;
  const client = await soap.createClientAsync(`${endpoint}?WSDL`, { endpoint });
  client.addSoapHeader({ AuthenticationHeader: authenticationHeader() }, '', 'ns1', MARKETO_NAMESPACE);
  const [result] = await client.getLeadAsync({ leadKey: { keyType: 'COOKIE', keyValue: cookie } });
  const records = result?.result?.leadRecordList?.leadRecord ?? [];
  return (Array.isArray(records) ? records : [records]).map((record: any) => {
    const list = record.leadAttributeList?.attribute ?? [];
    const attributes = Object.fromEntries((Array.isArray(list) ? list : [list]).map((attribute: any) => [attribute.attrName, String(attribute.attrValue)]));
    return { Id: Number(record.Id), Email: record.Email ?? undefined, attributes };
  });
}
