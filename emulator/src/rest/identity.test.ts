/**
 * REST identity and bearer authentication: OAuth client credentials in the query string,
 * HTTP 401 for bad credentials, one token until it expires, and 600/601/602 on API calls.
 */
import { describe, expect, it } from "vitest";

import { CLIENT_ID, CLIENT_SECRET, errorCode, useRestEmulator } from "./rest-test-client.ts";

const LEAD = { input: [{ email: "ana@example.test" }] };

describe("REST identity", () => {
  const emulator = useRestEmulator();

  async function requestToken(method: "GET" | "POST", query: Record<string, string>) {
    const response = await fetch(`${emulator.url}/identity/oauth/token?${new URLSearchParams(query)}`, { method });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  const credentials = { grant_type: "client_credentials", client_id: CLIENT_ID, client_secret: CLIENT_SECRET };

  it.each(["GET", "POST"] as const)("token request by %s returns a bearer token", async (method) => {
    const reply = await requestToken(method, credentials);

    expect(reply.status).toBe(200);
    expect(reply.body.access_token).toMatch(/^[0-9a-f-]{36}:emu$/);
    expect(reply.body.token_type).toBe("bearer");
    expect(reply.body.expires_in).toBe(3600);
    expect(typeof reply.body.scope).toBe("string");
  });

  it.each([
    ["client id", { ...credentials, client_id: "wrong" }],
    ["client secret", { ...credentials, client_secret: "wrong" }],
  ])("token request with a wrong %s gets HTTP 401", async (_name, query) => {
    const reply = await requestToken("GET", query);

    expect(reply.status).toBe(401);
    expect(reply.body).toEqual({ error: "invalid_client", error_description: "Bad client credentials" });
  });

  it("token request without grant_type client_credentials gets HTTP 400", async () => {
    const reply = await requestToken("GET", { ...credentials, grant_type: "password" });

    expect(reply.status).toBe(400);
    expect(reply.body.error).toBe("unsupported_grant_type");
  });

  it("token request before expiry returns the same token with expires_in counting down", async () => {
    const first = await requestToken("GET", credentials);
    emulator.advance(1_500);
    const second = await requestToken("POST", credentials);

    expect(second.body.access_token).toBe(first.body.access_token);
    expect(second.body.expires_in).toBe(3598);
  });

  it("token request after expiry returns a new token", async () => {
    await emulator.configure({ accessTokenLifetimeSeconds: 2 });
    const first = await requestToken("GET", credentials);
    emulator.advance(2_000);
    const second = await requestToken("GET", credentials);

    expect(first.body.expires_in).toBe(2);
    expect(second.body.access_token).not.toBe(first.body.access_token);
    expect(second.body.expires_in).toBe(2);
  });

  it("token lifetime rejects a value outside 1 to 86400 seconds", async () => {
    const response = await fetch(`${emulator.url}/_emulator/config`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ accessTokenLifetimeSeconds: 0 }),
    });

    expect(response.status).toBe(400);
    expect(await response.text()).toContain("config.accessTokenLifetimeSeconds: expected an integer from 1 to 86400, got 0");
  });

  it("reset forgets the issued token", async () => {
    const token = await emulator.token();
    await fetch(`${emulator.url}/_emulator/reset`, { method: "POST" });

    const reply = await emulator.post("/rest/v1/leads.json", LEAD, { token });

    expect(errorCode(reply)).toBe("601");
  });

  it("identity calls appear in the call log as identity", async () => {
    await emulator.token();
    await requestToken("GET", { ...credentials, client_secret: "wrong" });

    expect(await emulator.calls()).toEqual([
      expect.objectContaining({ operation: "identity", outcome: "ok" }),
      expect.objectContaining({ operation: "identity", outcome: "fault", code: 401 }),
    ]);
  });
});

describe("REST bearer authentication", () => {
  const emulator = useRestEmulator();

  it("API call without Authorization gets 600 in HTTP 200", async () => {
    const reply = await emulator.post("/rest/v1/leads.json", LEAD, { token: null });

    expect(reply.status).toBe(200);
    expect(reply.body.success).toBe(false);
    expect(reply.body.errors).toEqual([{ code: "600", message: expect.stringContaining("Access token not specified") }]);
    expect(await emulator.leads()).toEqual([]);
  });

  it("API call with an unknown token gets 601", async () => {
    const reply = await emulator.post("/rest/v1/leads.json", LEAD, { token: "not-a-token" });

    expect(reply.body).toMatchObject({ success: false, errors: [{ code: "601", message: "Access token invalid" }] });
    expect(reply.body.requestId).toMatch(/^[0-9a-f]{4}#[0-9a-f]+$/);
  });

  it("API call with an expired token gets 602", async () => {
    await emulator.configure({ accessTokenLifetimeSeconds: 5 });
    const token = await emulator.token();
    emulator.advance(5_000);

    const reply = await emulator.post("/rest/v1/leads.json", LEAD, { token });

    expect(reply.body).toMatchObject({ success: false, errors: [{ code: "602", message: "Access token expired" }] });
  });

  it("API call with the token in the query string gets 601", async () => {
    const token = await emulator.token();
    const response = await fetch(`${emulator.url}/rest/v1/leads.json?access_token=${token}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(LEAD),
    });
    const body = (await response.json()) as { errors: Array<{ code: string; message: string }> };

    expect(body.errors[0]?.code).toBe("601");
    expect(body.errors[0]?.message).toContain("Authorization: Bearer");
  });

  it("API call with a token in a non-Bearer header gets 601", async () => {
    const token = await emulator.token();
    const response = await fetch(`${emulator.url}/rest/v1/leads.json`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Token ${token}` },
      body: JSON.stringify(LEAD),
    });

    expect(((await response.json()) as { errors: Array<{ code: string }> }).errors[0]?.code).toBe("601");
  });

  it("rejected tokens do not count against the rate limit", async () => {
    await emulator.configure({ limits: { rateLimit: { maxCalls: 1, windowSeconds: 20 } } });
    await emulator.post("/rest/v1/leads.json", LEAD, { token: "not-a-token" });

    const reply = await emulator.post("/rest/v1/leads.json", LEAD);

    expect(reply.body.success).toBe(true);
  });
});
