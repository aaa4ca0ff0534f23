/**
 * REST Associate Lead (`POST /rest/v1/leads/{id}/associate.json?cookie=…`): the anonymous
 * history moves to the known lead and the cookie then belongs to it. Marketo documents no
 * failure shape for this call, so the emulator returns its general one: HTTP 200 with
 * `success: false` and `errors[]`.
 */
import { describe, expect, it } from "vitest";

import { COOKIE, OTHER_COOKIE, errorCode, useRestEmulator } from "./rest-test-client.ts";

describe("REST Associate Lead", () => {
  const emulator = useRestEmulator();

  async function knownLead(email = "ana@example.test"): Promise<number> {
    const reply = await emulator.post("/rest/v1/leads.json", { input: [{ email }] });
    return reply.body.result?.[0]?.id ?? Number.NaN;
  }

  it("merges anonymous lead and its visits", async () => {
    await emulator.visit(COOKIE, "https://example.test/");
    await emulator.visit(COOKIE, "https://example.test/pricing");
    const leadId = await knownLead();

    const reply = await emulator.associate(leadId, encodeURIComponent(COOKIE));

    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ requestId: expect.any(String), success: true });
    const leads = await emulator.leads();
    expect(leads).toHaveLength(1);
    expect(leads[0]).toMatchObject({ id: leadId, anonymous: false, cookies: [COOKIE] });
    expect(leads[0]?.visits.map((visit) => visit.url)).toEqual(["https://example.test/", "https://example.test/pricing"]);
  });

  it("later visits go to the known lead", async () => {
    const leadId = await knownLead();
    await emulator.associate(leadId, encodeURIComponent(COOKIE));

    await emulator.visit(COOKIE, "https://example.test/after");

    expect((await emulator.leads())[0]?.visits.map((visit) => visit.url)).toEqual(["https://example.test/after"]);
  });

  it("known holder loses cookie, keeps visits", async () => {
    const first = await emulator.seed({ email: "first@example.test", cookies: [COOKIE], visits: [{ url: "https://example.test/old" }] });
    const second = await knownLead("second@example.test");

    await emulator.associate(second, encodeURIComponent(COOKIE));

    const leads = await emulator.leads();
    expect(leads.find((lead) => lead.id === first.id)).toMatchObject({ cookies: [], visits: [expect.objectContaining({ url: "https://example.test/old" })] });
    expect(leads.find((lead) => lead.id === second)).toMatchObject({ cookies: [COOKIE], visits: [] });
  });

  it("unencoded & splits cookie, 1012", async () => {
    const leadId = await knownLead();

    const reply = await emulator.associate(leadId, COOKIE);

    expect(reply.body).toEqual({
      requestId: expect.any(String),
      success: false,
      errors: [{ code: "1012", message: "Invalid cookie value 'id:123-ABC-456'" }],
    });
  });

  it("a twice-encoded cookie gets 1012", async () => {
    const leadId = await knownLead();

    const reply = await emulator.associate(leadId, encodeURIComponent(encodeURIComponent(COOKIE)));

    expect(errorCode(reply)).toBe("1012");
  });

  it("a cookie of another Munchkin id gets 1012", async () => {
    const leadId = await knownLead();

    const reply = await emulator.associate(leadId, encodeURIComponent(COOKIE.replace("123-ABC-456", "999-XYZ-999")));

    expect(errorCode(reply)).toBe("1012");
    expect(reply.body.errors?.[0]?.message).toContain("belongs to Munchkin id 999-XYZ-999");
  });

  it("a hex-token cookie is accepted", async () => {
    const leadId = await knownLead();

    const reply = await emulator.associate(leadId, encodeURIComponent(OTHER_COOKIE));

    expect(reply.body.success).toBe(true);
  });

  it("a missing cookie parameter gets 701", async () => {
    const leadId = await knownLead();

    const reply = await emulator.associate(leadId, undefined);

    expect(reply.body.errors).toEqual([{ code: "701", message: "cookie cannot be blank" }]);
  });

  it("an unknown lead id gets 1004", async () => {
    const reply = await emulator.associate(4242, encodeURIComponent(COOKIE));

    expect(reply.body).toMatchObject({ success: false, errors: [{ code: "1004" }] });
  });

  it("a path id that is not a number gets 610", async () => {
    const reply = await emulator.associate("abc", encodeURIComponent(COOKIE));

    expect(errorCode(reply)).toBe("610");
  });

  it("failure changes nothing", async () => {
    await emulator.visit(COOKIE, "https://example.test/");
    const leadId = await knownLead();
    const before = await emulator.leads();

    await emulator.associate(leadId, COOKIE);

    expect(await emulator.leads()).toEqual(before);
  });
});
