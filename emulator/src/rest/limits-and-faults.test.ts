/**
 * REST limits (606 rate, 607 daily quota, 615 concurrency) and fault injection through
 * `/_emulator/config`, shared with SOAP: each transport has its own counters and queue entries.
 */
import { describe, expect, it } from "vitest";

import { postSoap, syncLeadEnvelope } from "../testing/soap-test-client.ts";
import { COOKIE, errorCode, useRestEmulator } from "./rest-test-client.ts";

const PATH = "/rest/v1/leads.json";
const lead = (email: string) => ({ input: [{ email }] });

describe("REST limits", () => {
  const emulator = useRestEmulator();

  it("a call over the rate limit gets 606 with Marketo's wording", async () => {
    await emulator.configure({ limits: { rateLimit: { maxCalls: 2, windowSeconds: 20 } } });
    const token = await emulator.token();

    await emulator.post(PATH, lead("a@example.test"), { token });
    await emulator.post(PATH, lead("b@example.test"), { token });
    const third = await emulator.post(PATH, lead("c@example.test"), { token });

    expect(third.body).toMatchObject({ success: false, errors: [{ code: "606", message: "Max rate limit '2' exceeded with in '20' secs" }] });
    expect(await emulator.leads()).toHaveLength(2);
  });

  it("the rate window frees after its length", async () => {
    await emulator.configure({ limits: { rateLimit: { maxCalls: 1, windowSeconds: 20 } } });
    const token = await emulator.token();
    await emulator.post(PATH, lead("a@example.test"), { token });
    emulator.advance(20_000);

    const reply = await emulator.post(PATH, lead("b@example.test"), { token });

    expect(reply.body.success).toBe(true);
  });

  it("a call over the daily quota gets 607", async () => {
    await emulator.configure({ limits: { dailyQuota: 1 } });
    const token = await emulator.token();
    await emulator.post(PATH, lead("a@example.test"), { token });

    const reply = await emulator.post(PATH, lead("b@example.test"), { token });

    expect(reply.body.errors).toEqual([{ code: "607", message: "Daily quota reached" }]);
  });

  it("the 11th concurrent call gets 615", async () => {
    await emulator.configure({ faults: { latencyMs: 400 } });
    const token = await emulator.token();

    const replies = await Promise.all(Array.from({ length: 11 }, (_, index) => emulator.post(PATH, lead(`c${index}@example.test`), { token })));

    expect(replies.map(errorCode).filter((code) => code !== undefined)).toEqual(["615"]);
    expect(await emulator.leads()).toHaveLength(10);
  });

  it("SOAP calls do not use up the REST rate limit", async () => {
    await emulator.configure({ limits: { rateLimit: { maxCalls: 1, windowSeconds: 20 } } });
    const soap = await postSoap(emulator.url, syncLeadEnvelope({ email: "soap@example.test" }));

    const reply = await emulator.post(PATH, lead("a@example.test"));

    expect(soap.status).toBe(200);
    expect(reply.body.success).toBe(true);
  });
});

describe("REST fault injection", () => {
  const emulator = useRestEmulator();

  it.each([601, 602, 606, 607, 615])("an injected %i fails the call in Marketo's shape", async (code) => {
    await emulator.configure({ faults: { queue: [{ kind: "fault", code, transport: "rest" }] } });

    const reply = await emulator.post(PATH, lead("a@example.test"));

    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ success: false, errors: [{ code: String(code), message: expect.stringContaining("injected") }] });
    expect(await emulator.leads()).toEqual([]);
  });

  it.each([1004, 1006])("an injected %i skips the Sync Leads record", async (code) => {
    await emulator.configure({ faults: { queue: [{ kind: "fault", code, transport: "rest" }] } });

    const reply = await emulator.post(PATH, lead("a@example.test"));

    expect(reply.body).toMatchObject({ success: true, result: [{ status: "skipped", reasons: [{ code: String(code) }] }] });
  });

  it("an injected 1012 fails Associate Lead with errors[]", async () => {
    const created = await emulator.post(PATH, lead("a@example.test"));
    await emulator.configure({ faults: { queue: [{ kind: "fault", code: 1012, transport: "rest" }] } });

    const reply = await emulator.associate(created.body.result?.[0]?.id ?? 0, encodeURIComponent(COOKIE));

    expect(reply.body).toMatchObject({ success: false, errors: [{ code: "1012" }] });
  });

  it("an injected fault is consumed by one call and logged", async () => {
    await emulator.configure({ faults: { queue: [{ kind: "fault", code: 606, transport: "rest", count: 1 }] } });
    const token = await emulator.token();

    const first = await emulator.post(PATH, lead("a@example.test"), { token });
    const second = await emulator.post(PATH, lead("a@example.test"), { token });

    expect([errorCode(first), second.body.success]).toEqual(["606", true]);
    expect((await emulator.calls()).filter((call) => call.operation === "syncLeads").map((call) => call.outcome)).toEqual(["injected", "ok"]);
  });

  it("a SOAP entry of the queue does not hit REST calls", async () => {
    await emulator.configure({ faults: { queue: [{ kind: "fault", code: 20023, transport: "soap" }] } });

    const reply = await emulator.post(PATH, lead("a@example.test"));

    expect(reply.body.success).toBe(true);
  });

  it("an injected html500 returns HTTP 500 with HTML", async () => {
    await emulator.configure({ faults: { queue: [{ kind: "html500", transport: "rest" }] } });

    const response = await fetch(`${emulator.url}${PATH}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${await emulator.token()}` },
      body: JSON.stringify(lead("a@example.test")),
    });

    expect(response.status).toBe(500);
    expect(response.headers.get("content-type")).toContain("text/html");
  });

  it("an injected drop closes the connection without applying the call", async () => {
    await emulator.configure({ faults: { queue: [{ kind: "drop", transport: "rest" }] } });

    await expect(emulator.post(PATH, lead("a@example.test"))).rejects.toThrow();
    expect(await emulator.leads()).toEqual([]);
  });

  it("an injected dropAfterApply applies the call, then closes the connection", async () => {
    await emulator.configure({ faults: { queue: [{ kind: "dropAfterApply", transport: "rest" }] } });

    await expect(emulator.post(PATH, lead("a@example.test"))).rejects.toThrow();
    expect((await emulator.leads()).map((stored) => stored.email)).toEqual(["a@example.test"]);
  });

  it("identity takes no injected fault", async () => {
    await emulator.configure({ faults: { queue: [{ kind: "html500" }] } });

    const token = await emulator.token();

    expect(token).toMatch(/:emu$/);
  });
});
