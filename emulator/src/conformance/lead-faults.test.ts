/**
 * Faults for the content of paramsSyncLead: 20104 missing leadRecord, 20105 unknown field
 * (standard SOAP field names plus configured custom fields), 20109 missing parameter,
 * 20110 bad value. Elements are matched by the WSDL's exact spelling; any other element
 * inside leadRecord is reported as an unknown field.
 */
import { describe, expect, it } from "vitest";

import { useEmulator } from "../testing/emulator-fixture.ts";
import { envelope, postSoap, readFault, readSyncResult, syncLeadEnvelope } from "../testing/soap-test-client.ts";

const cases: Array<[rule: string, body: string, code: number, message: RegExp]> = [
  [
    "a missing leadRecord faults 20104",
    envelope("<mkt:paramsSyncLead><returnLead>false</returnLead></mkt:paramsSyncLead>"),
    20104,
    /paramsSyncLead has no leadRecord/,
  ],
  [
    "a nil leadRecord faults 20104",
    envelope(
      `<mkt:paramsSyncLead xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><leadRecord xsi:nil="true"/>` +
        "<returnLead>false</returnLead></mkt:paramsSyncLead>",
    ),
    20104,
    /paramsSyncLead has no leadRecord/,
  ],
  [
    "a qualified leadRecord faults 20104",
    envelope("<mkt:paramsSyncLead><mkt:leadRecord><Email>a@example.test</Email></mkt:leadRecord><returnLead>false</returnLead></mkt:paramsSyncLead>"),
    20104,
    /paramsSyncLead has no leadRecord/,
  ],
  [
    "an unknown attribute faults 20105 naming it",
    syncLeadEnvelope({ email: "a@example.test", attributes: { pants: "blue" } }),
    20105,
    /^syncLead operation failed: unknown fields for import: pants \(20105\)$/,
  ],
  [
    "several unknown attributes are all named",
    syncLeadEnvelope({ email: "a@example.test", attributes: { FirstName: "Ana", Shoe: "42", Hat: "L" } }),
    20105,
    /unknown fields for import: Shoe, Hat \(20105\)$/,
  ],
  [
    "attribute names are case-sensitive",
    syncLeadEnvelope({ email: "a@example.test", attributes: { firstName: "Ana" } }),
    20105,
    /unknown fields for import: firstName/,
  ],
  [
    "Email as an attribute faults 20105",
    syncLeadEnvelope({ attributes: { Email: "a@example.test" } }),
    20105,
    /unknown fields for import: Email/,
  ],
  [
    "a leadId element faults 20105",
    syncLeadEnvelope({ email: "a@example.test", leadRecordExtra: "<leadId>4242</leadId>" }),
    20105,
    /unknown fields for import: leadId/,
  ],
  [
    "a lower-case foreignSysPersonId faults 20105",
    syncLeadEnvelope({ email: "a@example.test", leadRecordExtra: "<foreignSysPersonId>F-1</foreignSysPersonId>" }),
    20105,
    /unknown fields for import: foreignSysPersonId/,
  ],
  [
    "a qualified Email element faults 20105",
    syncLeadEnvelope({ leadRecordExtra: "<mkt:Email>a@example.test</mkt:Email>" }),
    20105,
    /unknown fields for import: \{http:\/\/www\.marketo\.com\/mktows\/\}Email/,
  ],
  [
    "a missing returnLead faults 20109",
    envelope("<mkt:paramsSyncLead><leadRecord><Email>a@example.test</Email></leadRecord></mkt:paramsSyncLead>"),
    20109,
    /missing paramsSyncLead\/returnLead/,
  ],
  [
    "a foreign id without ForeignSysType faults 20109",
    envelope(
      "<mkt:paramsSyncLead><leadRecord><ForeignSysPersonId>F-1</ForeignSysPersonId></leadRecord>" +
        "<returnLead>false</returnLead></mkt:paramsSyncLead>",
    ),
    20109,
    /ForeignSysType; it is required when ForeignSysPersonId is present/,
  ],
  [
    "an attribute without attrValue faults 20109",
    syncLeadEnvelope({ email: "a@example.test", leadRecordExtra: "" }).replace(
      "</leadRecord>",
      "<leadAttributeList><attribute><attrName>City</attrName></attribute></leadAttributeList></leadRecord>",
    ),
    20109,
    /missing attrValue of attribute 'City'/,
  ],
  ["a non-numeric Id faults 20110", syncLeadEnvelope({ id: "abc" }), 20110, /leadRecord\/Id 'abc' is not an xs:int/],
  ["an Id beyond 32 bits faults 20110", syncLeadEnvelope({ id: "2147483648" }), 20110, /is not an xs:int/],
  [
    "an unknown ForeignSysType faults 20110",
    syncLeadEnvelope({ foreignSysPersonId: "F-1", foreignSysType: "HUBSPOT" }),
    20110,
    /ForeignSysType 'HUBSPOT' is invalid; use CUSTOM, SFDC, NETSUITE/,
  ],
  [
    "a returnLead that is not a boolean faults 20110",
    syncLeadEnvelope({ email: "a@example.test" }).replace("<returnLead>false</returnLead>", "<returnLead>yes</returnLead>"),
    20110,
    /returnLead 'yes' is not an xs:boolean/,
  ],
];

describe("syncLead content faults", () => {
  const emulator = useEmulator();

  it.each(cases)("%s", async (_rule, body, code, message) => {
    const reply = await postSoap(emulator.url, body);

    const fault = readFault(reply);
    expect(reply.status).toBe(500);
    expect(fault.code).toBe(code);
    expect(fault.message).toMatch(message);
    expect(await emulator.leads()).toEqual([]);
  });

  it("20105 uses Marketo's faultstring", async () => {
    const reply = await postSoap(emulator.url, syncLeadEnvelope({ email: "a@example.test", attributes: { pants: "blue" } }));

    expect(readFault(reply).faultstring).toBe("20105 - Unknown lead field");
  });

  it("a configured custom field is accepted", async () => {
    const body = syncLeadEnvelope({ email: "a@example.test", attributes: { LeadsyncSubmissionId: "b7f0", Shoe_Size: "42" } });
    expect(readFault(await postSoap(emulator.url, body)).code).toBe(20105);

    await emulator.configure({
      customFields: [
        { name: "LeadsyncSubmissionId", type: "string" },
        { name: "Shoe_Size", type: "integer" },
      ],
    });
    const reply = await postSoap(emulator.url, body.replace("<returnLead>false</returnLead>", "<returnLead>true</returnLead>"));

    const record = readSyncResult(reply).leadRecord;
    expect(record?.attributes.LeadsyncSubmissionId).toEqual({ type: "string", value: "b7f0" });
    expect(record?.attributes.Shoe_Size).toEqual({ type: "integer", value: "42" });
  });

  it.each(["1", "0", " true "])("returnLead accepts the xs:boolean %j", async (value) => {
    const body = syncLeadEnvelope({ email: "a@example.test" }).replace(
      "<returnLead>false</returnLead>",
      `<returnLead>${value}</returnLead>`,
    );

    const result = readSyncResult(await postSoap(emulator.url, body));

    expect(result.leadRecord === null).toBe(value === "0");
  });

  it("an empty marketoCookie is ignored", async () => {
    const body = syncLeadEnvelope({ email: "a@example.test" }).replace(
      "</returnLead>",
      "</returnLead><marketoCookie></marketoCookie>",
    );

    readSyncResult(await postSoap(emulator.url, body));

    expect((await emulator.leads())[0]?.cookies).toEqual([]);
  });
});
