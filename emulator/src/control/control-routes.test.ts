import { describe, expect, it } from "vitest";

import { useEmulator } from "../testing/emulator-fixture.ts";

describe("/_emulator/leads", () => {
  const emulator = useEmulator();

  it("lists leads in the documented shape", async () => {
    await emulator.seed({
      id: 4242,
      email: "ana@example.test",
      cookies: ["id:123-ABC-456&token:_mch-example.test-1700000000000-12345"],
      attributes: { FirstName: "Ana" },
      visits: [{ url: "https://example.test/", at: "2026-01-15T10:00:00Z" }],
    });

    const [lead] = await emulator.leads();

    expect(lead).toMatchObject({
      id: 4242,
      email: "ana@example.test",
      anonymous: false,
      cookies: ["id:123-ABC-456&token:_mch-example.test-1700000000000-12345"],
      partition: "Default",
      attributes: { FirstName: "Ana" },
      visits: [{ url: "https://example.test/", at: "2026-01-15T10:00:00.000Z" }],
    });
    expect(typeof lead?.createdAt).toBe("string");
  });

  it("seeds a lead with a chosen id", async () => {
    const lead = await emulator.seed({ id: 2_147_483_647, email: "max@example.test" });

    expect(lead.id).toBe(2_147_483_647);
  });

  it.each([
    ["an id beyond 32 bits", { id: 2_147_483_648 }, "lead.id"],
    ["an unknown attribute", { attributes: { ShoeSize: "42" } }, "ShoeSize"],
    ["an unknown key", { mail: "a@example.test" }, "lead.mail"],
    ["an unknown partition", { partition: "EMEA" }, "EMEA"],
    ["a non-string attribute", { attributes: { FirstName: 1 } }, "lead.attributes.FirstName"],
  ])("rejects a seed with %s", async (_case, body, named) => {
    const response = await fetch(`${emulator.url}/_emulator/leads`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const error = (await response.json()) as { error: { code: string; message: string } };

    expect(response.status).toBe(400);
    expect(error.error.message).toContain(named);
  });

  it("rejects a taken id with 409", async () => {
    await emulator.seed({ id: 7 });

    const response = await fetch(`${emulator.url}/_emulator/leads`, { method: "POST", body: JSON.stringify({ id: 7 }) });

    expect(response.status).toBe(409);
  });

  it("rejects a body that is not JSON", async () => {
    const response = await fetch(`${emulator.url}/_emulator/leads`, { method: "POST", body: "{id:" });

    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("invalid_json");
  });
});

describe("/_emulator/reset", () => {
  const emulator = useEmulator();

  it("clears leads and restores the config", async () => {
    await emulator.seed({ email: "ana@example.test" });
    await emulator.configure({ workspacesEnabled: true, limits: { dailyQuota: 1 } });

    const response = await fetch(`${emulator.url}/_emulator/reset`, { method: "POST" });
    const config = (await (await fetch(`${emulator.url}/_emulator/config`)).json()) as Record<string, any>;

    expect(response.status).toBe(200);
    expect(await emulator.leads()).toEqual([]);
    expect(config.workspacesEnabled).toBe(false);
    expect(config.limits.dailyQuota).toBe(10_000);
  });
});

describe("/_emulator/config", () => {
  const emulator = useEmulator();

  it("leaves the secrets out", async () => {
    const text = await (await fetch(`${emulator.url}/_emulator/config`)).text();
    const config = JSON.parse(text) as Record<string, any>;

    expect(config.credentials).toEqual({
      soapUserId: "leadsync_demo_1A2B3C4D5E6F",
      munchkinId: "123-ABC-456",
      restClientId: "demo-client-id",
    });
    expect(text).not.toContain("demo-encryption-key");
    expect(text).not.toContain("demo-client-secret");
  });

  it("merges a patch and returns the result", async () => {
    const response = await emulator.configure({ limits: { rateLimit: { maxCalls: 5 } }, customFields: [{ name: "Shoe_Size", type: "integer" }] });
    const config = (await response.json()) as Record<string, any>;

    expect(response.status).toBe(200);
    expect(config.limits.rateLimit).toEqual({ maxCalls: 5, windowSeconds: 20 });
    expect(config.limits.dailyQuota).toBe(10_000);
    expect(config.customFields).toEqual([{ name: "Shoe_Size", type: "integer" }]);
  });

  it.each([
    ["an unknown key", { workspaceEnabled: true }, "config.workspaceEnabled: unknown key"],
    ["a wrong type", { limits: { dailyQuota: "many" } }, 'config.limits.dailyQuota: expected an integer from 0 to 1000000000, got "many"'],
    ["a workspace without partition", { workspaces: [{ name: "Default", primaryPartition: "Default" }, { name: "EU", primaryPartition: "EMEA" }] }, "partition 'EMEA' is not in config.partitions"],
    ["no Default workspace", { workspaces: [] }, "the 'Default' workspace is missing"],
    ["a rule on an unknown field", { assignmentRules: [{ field: "Shoe", values: ["1"], partition: "Default" }] }, "'Shoe' is not a known lead field"],
    ["a standard custom field", { customFields: [{ name: "Country", type: "string" }] }, "already a standard field"],
    ["an invalid Munchkin id", { credentials: { munchkinId: "123abc456" } }, "a Munchkin id such as 123-ABC-456"],
    ["a fault without transport", { faults: { queue: [{ kind: "fault", code: 20014 }] } }, "transport: required"],
    ["an unknown SOAP fault code", { faults: { queue: [{ kind: "fault", code: 12345, transport: "soap" }] } }, "12345 is not a known soap error code"],
    ["a code on a drop", { faults: { queue: [{ kind: "drop", code: 20014 }] } }, 'only kind "fault" takes a code'],
  ])("rejects %s and keeps the config", async (_case, patch, message) => {
    const before = await (await fetch(`${emulator.url}/_emulator/config`)).text();

    const response = await emulator.configure(patch);
    const error = (await response.json()) as { error: { code: string; message: string } };

    expect(response.status).toBe(400);
    expect(error.error.code).toBe("invalid_config");
    expect(error.error.message).toContain(message);
    expect(await (await fetch(`${emulator.url}/_emulator/config`)).text()).toBe(before);
  });

  it("changes SOAP credentials", async () => {
    await emulator.configure({ credentials: { soapUserId: "other_user", soapEncryptionKey: "other-key" } });

    const config = (await (await fetch(`${emulator.url}/_emulator/config`)).json()) as Record<string, any>;

    expect(config.credentials.soapUserId).toBe("other_user");
    expect(JSON.stringify(config)).not.toContain("other-key");
  });
});

describe("unknown paths", () => {
  const emulator = useEmulator();

  it("answer 404 naming the served paths", async () => {
    const response = await fetch(`${emulator.url}/nope`);

    expect(response.status).toBe(404);
    expect(await response.text()).toContain("/soap/mktows/{version}");
  });
});
