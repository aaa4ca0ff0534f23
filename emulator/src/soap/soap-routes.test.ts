import { describe, expect, it } from "vitest";

import { useEmulator } from "../testing/emulator-fixture.ts";
import {
  envelope,
  getLeadEnvelope,
  postSoap,
  readFault,
  readGetLeadResult,
  readSyncResult,
  sign,
  syncLeadEnvelope,
  w3cTimestamp,
} from "../testing/soap-test-client.ts";

const COOKIE = "id:123-ABC-456&token:_mch-example.test-1700000000000-12345";

describe("SOAP syncLead", () => {
  const emulator = useEmulator();

  it("creates a lead and answers CREATED", async () => {
    const reply = await postSoap(emulator.url, syncLeadEnvelope({ email: "ana@example.test", attributes: { FirstName: "Ana" } }));

    const result = readSyncResult(reply);
    expect(reply.status).toBe(200);
    expect(result.status).toBe("CREATED");
    expect(result.errorIsNil).toBe(true);
    expect(result.leadRecord).toBeNull();
    const [lead] = await emulator.leads();
    expect(lead?.id).toBe(result.leadId);
    expect(lead?.email).toBe("ana@example.test");
    expect(lead?.attributes).toEqual({ FirstName: "Ana" });
    expect(lead?.anonymous).toBe(false);
  });

  it("updates the same lead and answers UPDATED", async () => {
    const first = readSyncResult(await postSoap(emulator.url, syncLeadEnvelope({ email: "ana@example.test" })));

    const second = readSyncResult(
      await postSoap(emulator.url, syncLeadEnvelope({ email: "ana@example.test", attributes: { Company: "Acme" } })),
    );

    expect(second.status).toBe("UPDATED");
    expect(second.leadId).toBe(first.leadId);
    expect(await emulator.leads()).toHaveLength(1);
  });

  it("returns the lead record with returnLead=true", async () => {
    const reply = await postSoap(
      emulator.url,
      syncLeadEnvelope({ email: "ana@example.test", returnLead: true, attributes: { FirstName: "Ana", Website: "https://ana.test" } }),
    );

    const record = readSyncResult(reply).leadRecord;
    expect(record?.email).toBe("ana@example.test");
    expect(record?.foreignSysPersonId).toBeNull();
    expect(record?.attributes.FirstName).toEqual({ type: "string", value: "Ana" });
    expect(record?.attributes.Website).toEqual({ type: "url", value: "https://ana.test" });
  });

  it("uses Marketo's response prefixes", async () => {
    const reply = await postSoap(emulator.url, syncLeadEnvelope({ email: "ana@example.test" }));

    expect(reply.text.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    expect(reply.text).toContain("<SOAP-ENV:Envelope");
    expect(reply.text).toContain("<ns1:successSyncLead>");
    expect(reply.text).toContain('<leadRecord xsi:nil="true"/>');
  });

  it("accepts any envelope prefixes", async () => {
    const timestamp = `${new Date().toISOString().slice(0, 19)}Z`;
    const body =
      `<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/">` +
      `<e:Header><AuthenticationHeader xmlns="http://www.marketo.com/mktows/">` +
      `<mktowsUserId xmlns="">leadsync_demo_1A2B3C4D5E6F</mktowsUserId>` +
      `<requestSignature xmlns="">${sign("demo-encryption-key", timestamp, "leadsync_demo_1A2B3C4D5E6F")}</requestSignature>` +
      `<requestTimestamp xmlns="">${timestamp}</requestTimestamp></AuthenticationHeader></e:Header>` +
      `<e:Body><tns:paramsSyncLead xmlns:tns="http://www.marketo.com/mktows/"><leadRecord><Email>p@example.test</Email></leadRecord>` +
      `<returnLead>false</returnLead></tns:paramsSyncLead></e:Body></e:Envelope>`;

    const reply = await postSoap(emulator.url, body);

    expect(readSyncResult(reply).status).toBe("CREATED");
  });

  it("stores the marketoCookie on the lead", async () => {
    await postSoap(emulator.url, syncLeadEnvelope({ email: "ana@example.test", cookie: COOKIE }));

    const [lead] = await emulator.leads();
    expect(lead?.cookies).toEqual([COOKIE]);
  });

  it("makes the cookie's anonymous lead known", async () => {
    const anonymous = await emulator.seed({ anonymous: true, cookies: [COOKIE], visits: [{ url: "https://example.test/pricing" }] });

    const result = readSyncResult(await postSoap(emulator.url, syncLeadEnvelope({ email: "ana@example.test", cookie: COOKIE })));

    expect(result.leadId).toBe(anonymous.id);
    expect(result.status).toBe("UPDATED");
    const [lead] = await emulator.leads();
    expect(lead?.anonymous).toBe(false);
    expect(lead?.email).toBe("ana@example.test");
    expect(lead?.visits.map((visit) => visit.url)).toEqual(["https://example.test/pricing"]);
  });

  it("rejects a wrong signature with 20014", async () => {
    const reply = await postSoap(emulator.url, syncLeadEnvelope({ email: "ana@example.test" }, { signature: "0".repeat(40) }));

    const fault = readFault(reply);
    expect(reply.status).toBe(500);
    expect(fault.code).toBe(20014);
    expect(fault.faultstring).toBe("20014 - Authentication failed");
    expect(fault.faultcode).toBe("SOAP-ENV:Client");
    expect(fault.name).toBe("mktServiceException");
    expect(fault.message).toMatch(/\(20014\)$/);
    expect(await emulator.leads()).toEqual([]);
  });

  it("rejects an unknown user with 20014", async () => {
    const reply = await postSoap(emulator.url, syncLeadEnvelope({ email: "ana@example.test" }, { userId: "someone_else" }));

    expect(readFault(reply).code).toBe(20014);
    expect(readFault(reply).message).toContain("someone_else");
  });

  it("never echoes the signature or key in a fault", async () => {
    const signature = "f".repeat(40);

    const reply = await postSoap(emulator.url, syncLeadEnvelope({ email: "ana@example.test" }, { signature }));

    expect(reply.text).not.toContain(signature);
    expect(reply.text).not.toContain("demo-encryption-key");
  });
});

describe("SOAP getLead", () => {
  const emulator = useEmulator();

  it.each([
    ["IDNUM", "4242"],
    ["EMAIL", "ana@example.test"],
    ["COOKIE", COOKIE],
  ])("finds a lead by %s", async (keyType, keyValue) => {
    await emulator.seed({ id: 4242, email: "ana@example.test", cookies: [COOKIE], attributes: { LastName: "Lima", FirstName: "" } });

    const reply = await postSoap(emulator.url, getLeadEnvelope(keyType, keyValue));

    const result = readGetLeadResult(reply);
    expect(reply.status).toBe(200);
    expect(result.count).toBe(1);
    expect(result.leads[0]?.id).toBe(4242);
    expect(result.leads[0]?.email).toBe("ana@example.test");
    expect(result.leads[0]?.attributes).toEqual({ LastName: { type: "string", value: "Lima" } });
  });

  it("returns every lead sharing an e-mail", async () => {
    await emulator.seed({ id: 7, email: "shared@example.test" });
    await emulator.seed({ id: 3, email: "Shared@Example.test" });

    const result = readGetLeadResult(await postSoap(emulator.url, getLeadEnvelope("EMAIL", "shared@example.test")));

    expect(result.count).toBe(2);
    expect(result.leads.map((lead) => lead.id)).toEqual([3, 7]);
  });

  it("faults 20103 when nothing matches", async () => {
    const fault = readFault(await postSoap(emulator.url, getLeadEnvelope("IDNUM", "9")));

    expect(fault.code).toBe(20103);
    expect(fault.message).toBe("No lead found with IDNUM = 9 (20103)");
  });

  it("faults 20102 for an unsupported key type", async () => {
    const fault = readFault(await postSoap(emulator.url, getLeadEnvelope("SFDCLEADID", "00Q1")));

    expect(fault.code).toBe(20102);
  });

  it("faults 20101 without a leadKey", async () => {
    const fault = readFault(await postSoap(emulator.url, envelope("<mkt:paramsGetLead/>")));

    expect(fault.code).toBe(20101);
  });
});

describe("SOAP endpoint", () => {
  const emulator = useEmulator();

  it("serves the WSDL with its own address", async () => {
    for (const method of ["GET", "POST"]) {
      const response = await fetch(`${emulator.url}/soap/mktows/3_1?WSDL`, { method });
      const text = await response.text();

      expect(response.status).toBe(200);
      expect(text).toContain(`<soap:address location="${emulator.url}/soap/mktows/3_1"/>`);
    }
  });

  it("rejects a malformed version path", async () => {
    const response = await fetch(`${emulator.url}/soap/mktows/latest`, { method: "POST" });

    expect(response.status).toBe(404);
  });

  it("answers GET without ?WSDL with 405", async () => {
    const response = await fetch(`${emulator.url}/soap/mktows/2_9`);

    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
  });

  it.each([
    ["absent", undefined],
    ["empty", ""],
    ["the declared action", "http://www.marketo.com/mktows/syncLead"],
    ["the quoted declared action", '"http://www.marketo.com/mktows/syncLead"'],
  ])("accepts a SOAPAction that is %s", async (_case, action) => {
    const headers: Record<string, string> = action === undefined ? {} : { soapaction: action };
    const response = await fetch(`${emulator.url}/soap/mktows/2_9`, {
      method: "POST",
      headers: { "content-type": "text/xml", ...headers },
      body: syncLeadEnvelope({ email: "ana@example.test" }),
    });

    expect(response.status).toBe(200);
  });

  it("rejects a SOAPAction of another operation", async () => {
    const reply = await postSoap(emulator.url, syncLeadEnvelope({ email: "ana@example.test" }), {
      soapaction: "http://www.marketo.com/mktows/getLead",
    });

    expect(readFault(reply).code).toBe(20012);
    expect(await emulator.leads()).toEqual([]);
  });

  it("rejects an unimplemented operation with 20019", async () => {
    const reply = await postSoap(emulator.url, envelope("<mkt:paramsSyncMultipleLeads/>"));

    expect(readFault(reply).code).toBe(20019);
  });

  it("rejects a SOAP 1.2 envelope with 20012", async () => {
    const reply = await postSoap(
      emulator.url,
      `<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body/></e:Envelope>`,
    );

    expect(readFault(reply).code).toBe(20012);
    expect(readFault(reply).message).toContain("SOAP 1.2");
  });

  it("logs every call for tests", async () => {
    await postSoap(emulator.url, syncLeadEnvelope({ email: "ana@example.test" }));
    await postSoap(emulator.url, getLeadEnvelope("IDNUM", "1"));

    const calls = (await (await fetch(`${emulator.url}/_emulator/calls`)).json()) as Array<Record<string, unknown>>;

    expect(calls.map((call) => [call.operation, call.outcome, call.code ?? call.status])).toEqual([
      ["syncLead", "ok", "created"],
      ["getLead", "fault", 20103],
    ]);
  });

  it("renders timestamps from the test helper", () => {
    expect(w3cTimestamp(new Date("2026-01-15T18:00:00Z"))).toBe("2026-01-15T10:00:00-08:00");
  });
});
