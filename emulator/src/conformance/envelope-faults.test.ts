/** Faults for requests that are not a readable SOAP 1.1 envelope (20012), with nothing applied. */
import { describe, expect, it } from "vitest";

import { useEmulator } from "../testing/emulator-fixture.ts";
import { parseXml } from "../xml/parse-xml.ts";
import { envelope, postSoap, readFault, syncLeadEnvelope } from "../testing/soap-test-client.ts";

const BARE_AMPERSAND = syncLeadEnvelope({ email: "a@example.test", attributes: { Company: "PLACEHOLDER" } }).replace(
  "PLACEHOLDER",
  "Lee & Sons",
);

const cases: Array<[rule: string, body: string | Blob, message: RegExp]> = [
  ["a bare & faults 20012", BARE_AMPERSAND, /not well-formed XML/],
  ["an undeclared prefix faults 20012", envelope("<undeclared:paramsSyncLead/>"), /not well-formed XML/],
  ["an unknown entity faults 20012", envelope("<mkt:paramsSyncLead>&nbsp;</mkt:paramsSyncLead>"), /not well-formed XML/],
  [
    "a DOCTYPE faults 20012",
    `<!DOCTYPE x [<!ENTITY e "boom">]>${envelope("<mkt:paramsSyncLead/>")}`,
    /DOCTYPE is not allowed/,
  ],
  ["a truncated envelope faults 20012", BARE_AMPERSAND.slice(0, 200), /not well-formed XML/],
  ["an empty body faults 20012", "", /not well-formed XML/],
  ["invalid UTF-8 faults 20012", new Blob([Uint8Array.from([0x3c, 0x61, 0x3e, 0xff, 0x3c, 0x2f, 0x61, 0x3e])]), /not valid UTF-8/],
  ["a root other than Envelope faults 20012", "<paramsSyncLead/>", /expected a SOAP 1\.1 Envelope/],
  [
    "a Body without content faults 20012",
    `<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body/></e:Envelope>`,
    /Body is missing or empty/,
  ],
  [
    "a params element outside the Marketo namespace faults 20012",
    envelope(`<paramsSyncLead xmlns="urn:other"/>`),
    /is not in the Marketo namespace/,
  ],
];

describe("malformed SOAP requests", () => {
  const emulator = useEmulator();

  it.each(cases)("%s", async (_rule, body, message) => {
    const response = await fetch(`${emulator.url}/soap/mktows/2_9`, {
      method: "POST",
      headers: { "content-type": "text/xml;charset=UTF-8" },
      body,
    });
    const text = await response.text();

    const fault = readFault({ status: response.status, text, document: parseXml(text) });
    expect(response.status).toBe(500);
    expect(fault.code).toBe(20012);
    expect(fault.faultstring).toBe("20012 - Request Not Understood");
    expect(fault.message).toMatch(message);
    expect(await emulator.leads()).toEqual([]);
  });

  it("a body over the size limit faults 20012", async () => {
    await emulator.configure({ limits: { maxRequestBytes: 2000 } });

    const reply = await postSoap(emulator.url, syncLeadEnvelope({ email: "a@example.test", attributes: { Comments: "x".repeat(3000) } }));

    expect(readFault(reply).code).toBe(20012);
    expect(readFault(reply).message).toMatch(/exceeds the limit of 2000 bytes/);
    expect(await emulator.leads()).toEqual([]);
  });

  it("a fault has Marketo's shape", async () => {
    const reply = await postSoap(emulator.url, BARE_AMPERSAND);

    expect(reply.text).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<SOAP-ENV:Envelope xmlns:SOAP-ENV="http:\/\/schemas\.xmlsoap\.org\/soap\/envelope\/">/);
    expect(reply.text).toContain('<detail><ns1:serviceException xmlns:ns1="http://www.marketo.com/mktows/"><name>mktServiceException</name>');
    expect(reply.text).toContain("<code>20012</code>");
    expect(readFault(reply).faultcode).toBe("SOAP-ENV:Client");
  });
});
