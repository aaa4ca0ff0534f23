/**
 * REST Sync Leads (`POST /rest/v1/leads.json`): actions, lookup fields, partitions,
 * record-level reasons 1001–1011, request-level errors, and attributes stored under the SOAP
 * names that the SOAP side reads.
 */
import { describe, expect, it } from "vitest";

import { errorCode, useRestEmulator } from "./rest-test-client.ts";

const PATH = "/rest/v1/leads.json";

describe("REST Sync Leads", () => {
  const emulator = useRestEmulator();

  it("createOrUpdate creates, then updates by email", async () => {
    const created = await emulator.post(PATH, { action: "createOrUpdate", lookupField: "email", input: [{ email: "ana@example.test", firstName: "Ana" }] });
    const updated = await emulator.post(PATH, { input: [{ email: "ANA@example.test", lastName: "Lima" }] });

    expect(created.body).toMatchObject({ success: true, result: [{ id: 1001, status: "created" }] });
    expect(updated.body).toMatchObject({ success: true, result: [{ id: 1001, status: "updated" }] });
    const [lead, ...others] = await emulator.leads();
    expect(others).toEqual([]);
    expect(lead).toMatchObject({ email: "ANA@example.test", anonymous: false, partition: "Default", attributes: { FirstName: "Ana", LastName: "Lima" } });
  });

  it("stores REST names under SOAP names", async () => {
    await emulator.configure({ customFields: [{ name: "ExternalId", type: "string" }] });

    await emulator.post(PATH, { input: [{ email: "ana@example.test", firstName: "Ana", sicCode: "7372", dateOfBirth: "1990-01-02", externalId: "x-1" }] });

    expect((await emulator.leads())[0]?.attributes).toEqual({ FirstName: "Ana", SICCode: "7372", DateofBirth: "1990-01-02", ExternalId: "x-1" });
  });

  it("results follow input order with skips", async () => {
    const reply = await emulator.post(PATH, {
      input: [{ email: "a@example.test" }, { email: "b@example.test", shoeSize: 42 }, { email: "c@example.test" }],
    });

    expect(reply.body.result).toEqual([
      { id: 1001, status: "created" },
      { status: "skipped", reasons: [{ code: "1006", message: "Field 'shoeSize' not found" }] },
      { id: 1002, status: "created" },
    ]);
    expect((await emulator.leads()).map((lead) => lead.email)).toEqual(["a@example.test", "c@example.test"]);
  });

  it("createOnly skips an existing lead with 1005", async () => {
    await emulator.seed({ email: "ana@example.test" });

    const reply = await emulator.post(PATH, { action: "createOnly", input: [{ email: "ana@example.test", firstName: "Ana" }] });

    expect(reply.body.result).toEqual([{ status: "skipped", reasons: [{ code: "1005", message: "Lead already exists" }] }]);
    expect((await emulator.leads())[0]?.attributes).toEqual({});
  });

  it("updateOnly skips an unknown lead with 1004", async () => {
    const reply = await emulator.post(PATH, { action: "updateOnly", input: [{ email: "nobody@example.test" }] });

    expect(reply.body.result).toEqual([{ status: "skipped", reasons: [{ code: "1004", message: "Lead not found" }] }]);
    expect(await emulator.leads()).toEqual([]);
  });

  it("updateOnly with lookupField id updates that lead", async () => {
    const seeded = await emulator.seed({ email: "ana@example.test" });

    const reply = await emulator.post(PATH, { action: "updateOnly", lookupField: "id", input: [{ id: seeded.id, email: "ana.new@example.test" }] });

    expect(reply.body.result).toEqual([{ id: seeded.id, status: "updated" }]);
    expect((await emulator.leads())[0]?.email).toBe("ana.new@example.test");
  });

  it.each(["createOnly", "createOrUpdate"])("id with %s skips the record with 1003", async (action) => {
    const reply = await emulator.post(PATH, { action, input: [{ id: 5, email: "ana@example.test" }] });

    expect(errorCode(reply)).toBe("1003");
    expect(await emulator.leads()).toEqual([]);
  });

  it("a record without the lookup value is skipped with 1003", async () => {
    const reply = await emulator.post(PATH, { input: [{ firstName: "Ana" }] });

    expect(reply.body.result?.[0]?.reasons).toEqual([{ code: "1003", message: "Value for lookup field 'email' not found" }]);
  });

  it("several leads with the lookup value skip the record with 1007", async () => {
    await emulator.seed({ email: "ana@example.test" });
    await emulator.seed({ email: "ana@example.test" });

    const reply = await emulator.post(PATH, { input: [{ email: "ana@example.test", firstName: "Ana" }] });

    expect(errorCode(reply)).toBe("1007");
  });

  it("a custom lookupField matches by that field instead of email", async () => {
    await emulator.configure({ customFields: [{ name: "CrmId", type: "string" }] });
    const seeded = await emulator.seed({ email: "old@example.test", attributes: { CrmId: "crm-7" } });

    const reply = await emulator.post(PATH, { lookupField: "crmId", input: [{ crmId: "crm-7", email: "new@example.test" }] });

    expect(reply.body.result).toEqual([{ id: seeded.id, status: "updated" }]);
    expect((await emulator.leads())[0]?.email).toBe("new@example.test");
  });

  it("an unknown lookupField skips the record with 1006", async () => {
    const reply = await emulator.post(PATH, { lookupField: "crmId", input: [{ email: "ana@example.test" }] });

    expect(reply.body.result?.[0]?.reasons).toEqual([{ code: "1006", message: "Field 'crmId' not found" }]);
  });

  it("a standard field as lookupField skips the record with 1011", async () => {
    const reply = await emulator.post(PATH, { lookupField: "firstName", input: [{ firstName: "Ana" }] });

    expect(reply.body.result?.[0]?.reasons).toEqual([{ code: "1011", message: "Field 'firstName' not supported" }]);
  });

  it("a value of the wrong type skips the record with 1001", async () => {
    const reply = await emulator.post(PATH, { input: [{ email: "ana@example.test", numberOfEmployees: "many" }] });

    expect(reply.body.result?.[0]?.reasons).toEqual([{ code: "1001", message: "Invalid value 'many'. Required of type 'integer'" }]);
  });

  it("JSON booleans and numbers are stored as text", async () => {
    await emulator.post(PATH, { input: [{ email: "ana@example.test", unsubscribed: true, numberOfEmployees: 12, annualRevenue: "1.5" }] });

    expect((await emulator.leads())[0]?.attributes).toEqual({ Unsubscribed: "true", NumberOfEmployees: "12", AnnualRevenue: "1.5" });
  });

  it("cookies field rejected with 1003", async () => {
    const reply = await emulator.post(PATH, { input: [{ email: "ana@example.test", cookies: "_mch-example.test-1700000000000-12345" }] });

    expect(errorCode(reply)).toBe("1003");
    expect(reply.body.result?.[0]?.reasons?.[0]?.message).toContain("Associate Lead");
  });

  describe("partitionName", () => {
    const partitions = { workspacesEnabled: true, partitions: ["Default", "EMEA"], workspaces: [{ name: "Default", primaryPartition: "Default" }, { name: "Europe", primaryPartition: "EMEA" }] };

    it("creates the lead in the named partition", async () => {
      await emulator.configure(partitions);

      const reply = await emulator.post(PATH, { partitionName: "EMEA", input: [{ email: "ana@example.test" }] });

      expect(reply.body.result).toEqual([{ id: 1001, status: "created" }]);
      expect((await emulator.leads())[0]?.partition).toBe("EMEA");
    });

    it("an unknown partition skips the record with 1008", async () => {
      const reply = await emulator.post(PATH, { partitionName: "APAC", input: [{ email: "ana@example.test" }] });

      expect(reply.body.result?.[0]?.reasons).toEqual([{ code: "1008", message: "Access denied to partition 'APAC'" }]);
    });

    it("a blank partition name skips the record with 1009", async () => {
      const reply = await emulator.post(PATH, { partitionName: " ", input: [{ email: "ana@example.test" }] });

      expect(reply.body.result?.[0]?.reasons).toEqual([{ code: "1009", message: "Partition name must be specified" }]);
    });

    it("updating a lead of another partition skips the record with 1010", async () => {
      await emulator.configure(partitions);
      await emulator.seed({ email: "ana@example.test", partition: "Default" });

      const reply = await emulator.post(PATH, { partitionName: "EMEA", input: [{ email: "ana@example.test", firstName: "Ana" }] });

      expect(errorCode(reply)).toBe("1010");
      expect((await emulator.leads())[0]?.attributes).toEqual({});
    });

    it("updateOnly ignores partitionName", async () => {
      await emulator.seed({ email: "ana@example.test" });

      const reply = await emulator.post(PATH, { action: "updateOnly", partitionName: "APAC", input: [{ email: "ana@example.test" }] });

      expect(reply.body.result).toEqual([{ id: 1001, status: "updated" }]);
    });
  });

  describe("request-level errors", () => {
    it("an unknown action fails the call with 1003", async () => {
      const reply = await emulator.post(PATH, { action: "upsert", input: [{ email: "ana@example.test" }] });

      expect(reply.body).toMatchObject({ success: false, errors: [{ code: "1003" }] });
      expect(await emulator.leads()).toEqual([]);
    });

    it("a missing input fails the call with 701", async () => {
      const reply = await emulator.post(PATH, { action: "createOrUpdate" });

      expect(reply.body.errors).toEqual([{ code: "701", message: "input cannot be blank" }]);
    });

    it("more than 300 records fail the call with 1003", async () => {
      const input = Array.from({ length: 301 }, (_, index) => ({ email: `l${index}@example.test` }));

      const reply = await emulator.post(PATH, { input });

      expect(errorCode(reply)).toBe("1003");
      expect(await emulator.leads()).toEqual([]);
    });

    it("a body that is not JSON fails the call with 609", async () => {
      const reply = await emulator.post(PATH, undefined, { rawBody: "{input:" });

      expect(reply.body).toMatchObject({ success: false, errors: [{ code: "609" }] });
    });

    it("a non-JSON content type fails the call with 612", async () => {
      const reply = await emulator.post(PATH, { input: [{ email: "ana@example.test" }] }, { contentType: "text/plain" });

      expect(errorCode(reply)).toBe("612");
    });

    it("GET on Sync Leads gets 605", async () => {
      const response = await fetch(`${emulator.url}${PATH}`);

      expect(response.status).toBe(200);
      expect(((await response.json()) as { errors: Array<{ code: string }> }).errors[0]?.code).toBe("605");
    });

    it("an unknown REST path gets 610", async () => {
      const reply = await emulator.post("/rest/v1/lead.json", { input: [] });

      expect(errorCode(reply)).toBe("610");
    });

    it("a body above the size limit gets HTTP 413", async () => {
      await emulator.configure({ limits: { maxRequestBytes: 100 } });

      const reply = await fetch(`${emulator.url}${PATH}`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${await emulator.token()}` },
        body: JSON.stringify({ input: [{ email: "ana@example.test", comments: "x".repeat(200) }] }),
      });

      expect(reply.status).toBe(413);
      expect(await emulator.leads()).toEqual([]);
    });

    it("a URI above 8 KB gets HTTP 414", async () => {
      const reply = await fetch(`${emulator.url}${PATH}?padding=${"x".repeat(8200)}`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${await emulator.token()}` },
        body: JSON.stringify({ input: [{ email: "ana@example.test" }] }),
      });

      expect(reply.status).toBe(414);
    });
  });

  it("REST lead listed with SOAP attribute names", async () => {
    await emulator.post(PATH, { input: [{ email: "ana@example.test", firstName: "Ana", company: "Lee & Sons <Holdings>" }] });

    expect((await emulator.leads())[0]?.attributes).toEqual({ FirstName: "Ana", Company: "Lee & Sons <Holdings>" });
  });
});
