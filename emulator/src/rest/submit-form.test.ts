/**
 * REST Submit Form (`POST /rest/v1/leads/submitForm.json`): one call that upserts by email
 * and joins the cookie's anonymous history; a field the form lacks skips the whole item.
 */
import { describe, expect, it } from "vitest";

import { COOKIE, errorCode, useRestEmulator } from "./rest-test-client.ts";

const PATH = "/rest/v1/leads/submitForm.json";

function form(leadFormFields: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return { formId: 1001, input: [{ leadFormFields, ...extra }] };
}

describe("REST Submit Form", () => {
  const emulator = useRestEmulator();

  it("creates a known lead that takes over the cookie's anonymous visits", async () => {
    await emulator.visit(COOKIE, "https://example.test/");

    const reply = await emulator.post(PATH, form({ email: "ana@example.test", firstName: "Ana" }, {
      cookie: COOKIE,
      visitorData: { pageURL: "https://example.test/contact?utm_source=mail", queryString: "utm_source=mail", leadClientIpAddress: "203.0.113.7", userAgentString: "Test/1.0" },
    }));

    expect(reply.body).toMatchObject({ success: true, result: [{ id: expect.any(Number), status: "created" }] });
    const leads = await emulator.leads();
    expect(leads).toHaveLength(1);
    expect(leads[0]).toMatchObject({ email: "ana@example.test", anonymous: false, cookies: [COOKIE], attributes: { FirstName: "Ana" } });
    expect(leads[0]?.visits.map((visit) => visit.url)).toEqual(["https://example.test/"]);
  });

  it("updates the known lead with the same email", async () => {
    const seeded = await emulator.seed({ email: "ana@example.test" });

    const reply = await emulator.post(PATH, form({ email: "Ana@Example.test", lastName: "Lima" }));

    expect(reply.body.result).toEqual([{ id: seeded.id, status: "updated" }]);
    expect((await emulator.leads())[0]?.attributes).toEqual({ LastName: "Lima" });
  });

  it("a field the form lacks skips the whole item with 1006", async () => {
    await emulator.visit(COOKIE, "https://example.test/");

    const reply = await emulator.post(PATH, form({ email: "ana@example.test", shoeSize: "42" }, { cookie: COOKIE }));

    expect(reply.body.result).toEqual([{ status: "skipped", reasons: [{ code: "1006", message: "Field 'shoeSize' not found" }] }]);
    expect((await emulator.leads()).map((lead) => lead.anonymous)).toEqual([true]);
  });

  it("an item without email is skipped with 1002", async () => {
    const reply = await emulator.post(PATH, form({ firstName: "Ana" }));

    expect(reply.body.result?.[0]?.reasons).toEqual([{ code: "1002", message: "Missing value for the required parameter 'email'" }]);
  });

  it("an invalid cookie skips the item with 1012", async () => {
    const reply = await emulator.post(PATH, form({ email: "ana@example.test" }, { cookie: "id:123-ABC-456" }));

    expect(errorCode(reply)).toBe("1012");
    expect(await emulator.leads()).toEqual([]);
  });

  it("visitorData with a non-string member skips the item with 1003", async () => {
    const reply = await emulator.post(PATH, form({ email: "ana@example.test" }, { visitorData: { pageURL: 42 } }));

    expect(errorCode(reply)).toBe("1003");
  });

  it("a missing formId fails the call with 701", async () => {
    const reply = await emulator.post(PATH, { input: [{ leadFormFields: { email: "ana@example.test" } }] });

    expect(reply.body).toMatchObject({ success: false, errors: [{ code: "701", message: "formId cannot be blank" }] });
  });

  it("a formId that is not a positive integer fails the call with 1003", async () => {
    const reply = await emulator.post(PATH, { formId: "contact", input: [{ leadFormFields: { email: "ana@example.test" } }] });

    expect(reply.body).toMatchObject({ success: false, errors: [{ code: "1003" }] });
  });

  it("a missing input fails the call with 701", async () => {
    const reply = await emulator.post(PATH, { formId: 1001 });

    expect(reply.body.errors).toEqual([{ code: "701", message: "input cannot be blank" }]);
  });
});
