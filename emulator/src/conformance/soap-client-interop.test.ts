/**
 * Interoperability: the npm `soap` client loads the emulator's WSDL and calls syncLead and
 * getLead with an AuthenticationHeader added through `addSoapHeader`.
 */
import * as soap from "soap";
import { describe, expect, it } from "vitest";

import { useEmulator } from "../testing/emulator-fixture.ts";
import { sign, w3cTimestamp } from "../testing/soap-test-client.ts";

const USER = "leadsync_demo_1A2B3C4D5E6F";
const KEY = "demo-encryption-key";
const COOKIE = "id:123-ABC-456&token:_mch-example.test-1700000000000-12345";

function authenticationHeader(): string {
  const timestamp = w3cTimestamp();
  return (
    `<ns1:AuthenticationHeader xmlns:ns1="http://www.marketo.com/mktows/">` +
    `<mktowsUserId>${USER}</mktowsUserId>` +
    `<requestSignature>${sign(KEY, timestamp, USER)}</requestSignature>` +
    `<requestTimestamp>${timestamp}</requestTimestamp>` +
    `</ns1:AuthenticationHeader>`
  );
}

async function createClient(url: string): Promise<soap.Client> {
  const client = await soap.createClientAsync(`${url}/soap/mktows/3_1?WSDL`);
  client.addSoapHeader(authenticationHeader());
  return client;
}

describe("npm soap client", () => {
  const emulator = useEmulator();

  it("loads the WSDL and describes both operations", async () => {
    const client = await createClient(emulator.url);

    const description = client.describe() as Record<string, Record<string, Record<string, unknown>>>;

    expect(Object.keys(description.MktMktowsApiService?.MktowsApiSoapPort ?? {}).sort()).toEqual(["getLead", "syncLead"]);
  });

  it("creates a lead with syncLead", async () => {
    const client = await createClient(emulator.url);

    const [result] = (await client.syncLeadAsync({
      leadRecord: {
        Email: "ana@example.test",
        leadAttributeList: {
          attribute: [
            { attrName: "FirstName", attrType: "string", attrValue: "Ana" },
            { attrName: "Company", attrType: "string", attrValue: 'Lee & Sons <Holdings> "North"' },
          ],
        },
      },
      returnLead: true,
      marketoCookie: COOKIE,
    })) as [{ result: { leadId: number; syncStatus: { status: string }; leadRecord: { Email: string } } }];

    expect(result.result.syncStatus.status).toBe("CREATED");
    expect(result.result.leadRecord.Email).toBe("ana@example.test");
    const [lead] = await emulator.leads();
    expect(lead?.id).toBe(result.result.leadId);
    expect(lead?.cookies).toEqual([COOKIE]);
    expect(lead?.attributes.Company).toBe('Lee & Sons <Holdings> "North"');
  });

  it("reads a lead with getLead", async () => {
    await emulator.seed({ id: 4242, email: "ana@example.test", attributes: { FirstName: "Ana" } });
    const client = await createClient(emulator.url);

    const [result] = (await client.getLeadAsync({ leadKey: { keyType: "IDNUM", keyValue: "4242" } })) as [
      { result: { count: number; leadRecordList: { leadRecord: Array<{ Id: number; Email: string }> | { Id: number; Email: string } } } },
    ];

    const records = [result.result.leadRecordList.leadRecord].flat();
    expect(result.result.count).toBe(1);
    expect(records[0]?.Id).toBe(4242);
    expect(records[0]?.Email).toBe("ana@example.test");
  });

  it("surfaces a Marketo fault", async () => {
    const client = await createClient(emulator.url);

    const failure = await client
      .getLeadAsync({ leadKey: { keyType: "EMAIL", keyValue: "nobody@example.test" } })
      .then(() => undefined, (error: unknown) => error as { response?: { status: number }; root?: any });

    expect(failure?.response?.status).toBe(500);
    expect(failure?.root?.Envelope?.Body?.Fault?.detail?.serviceException?.code).toBe("20103");
  });
});
