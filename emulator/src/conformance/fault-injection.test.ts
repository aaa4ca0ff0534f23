/**
 * Fault injection through /_emulator/config. Added latency and a held reply apply to every
 * call. Queued failures apply to the next N calls of a transport: a given fault code, an
 * HTML 500 page, or a connection dropped before or after the write.
 */
import { describe, expect, it } from "vitest";

import { useEmulator } from "../testing/emulator-fixture.ts";
import { postSoap, readFault, readSyncResult, syncLeadEnvelope } from "../testing/soap-test-client.ts";

function soapCall(url: string, email: string): Promise<Response> {
  return fetch(`${url}/soap/mktows/2_9`, {
    method: "POST",
    headers: { "content-type": "text/xml;charset=UTF-8" },
    body: syncLeadEnvelope({ email }),
  });
}

async function remainingQueue(url: string): Promise<unknown[]> {
  const config = (await (await fetch(`${url}/_emulator/config`)).json()) as { faults: { queue: unknown[] } };
  return config.faults.queue;
}

describe("fault injection", () => {
  const emulator = useEmulator();

  it("a fault code applies to the next N calls", async () => {
    await emulator.configure({ faults: { queue: [{ kind: "fault", code: 20016, count: 2, transport: "soap" }] } });

    const first = await postSoap(emulator.url, syncLeadEnvelope({ email: "a@example.test" }));
    expect(await remainingQueue(emulator.url)).toEqual([{ kind: "fault", code: 20016, count: 1, transport: "soap" }]);
    const second = await postSoap(emulator.url, syncLeadEnvelope({ email: "a@example.test" }));
    const third = await postSoap(emulator.url, syncLeadEnvelope({ email: "a@example.test" }));

    expect(readFault(first).code).toBe(20016);
    expect(readFault(first).faultstring).toBe("20016 - Request Expired");
    expect(readFault(second).code).toBe(20016);
    expect(readSyncResult(third).status).toBe("CREATED");
    expect(await remainingQueue(emulator.url)).toEqual([]);
  });

  it("an internal error uses faultcode SOAP-ENV:Server", async () => {
    await emulator.configure({ faults: { queue: [{ kind: "fault", code: 20011, transport: "soap" }] } });

    const fault = readFault(await postSoap(emulator.url, syncLeadEnvelope({ email: "a@example.test" })));

    expect(fault.code).toBe(20011);
    expect(fault.faultcode).toBe("SOAP-ENV:Server");
  });

  it("an HTML 500 page replaces the reply", async () => {
    await emulator.configure({ faults: { queue: [{ kind: "html500" }] } });

    const response = await soapCall(emulator.url, "a@example.test");

    expect(response.status).toBe(500);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await response.text()).toContain("<h1>500 Internal Server Error</h1>");
    expect(await emulator.leads()).toEqual([]);
  });

  it("a drop closes the connection before the write", async () => {
    await emulator.configure({ faults: { queue: [{ kind: "drop" }] } });

    await expect(soapCall(emulator.url, "a@example.test")).rejects.toThrow();

    expect(await emulator.leads()).toEqual([]);
  });

  it("a drop after apply keeps the write", async () => {
    await emulator.configure({ faults: { queue: [{ kind: "dropAfterApply" }] } });

    await expect(soapCall(emulator.url, "a@example.test")).rejects.toThrow();

    expect((await emulator.leads()).map((lead) => lead.email)).toEqual(["a@example.test"]);
  });

  it("added latency delays the reply", async () => {
    await emulator.configure({ faults: { latencyMs: 300 } });
    const started = performance.now();

    const response = await soapCall(emulator.url, "a@example.test");

    expect(response.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it("a held reply arrives after the write is visible", async () => {
    await emulator.configure({ faults: { holdReplyMs: 400 } });

    const pending = soapCall(emulator.url, "a@example.test");
    await new Promise((resolve) => setTimeout(resolve, 150));
    const leadsDuringHold = await emulator.leads();
    let replied = false;
    void pending.then(() => {
      replied = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));

    expect(replied).toBe(false);
    expect(leadsDuringHold.map((lead) => lead.email)).toEqual(["a@example.test"]);
    expect((await pending).status).toBe(200);
  });

  it("a REST entry leaves SOAP calls alone", async () => {
    await emulator.configure({ faults: { queue: [{ kind: "fault", code: 606, transport: "rest" }] } });

    const reply = await postSoap(emulator.url, syncLeadEnvelope({ email: "a@example.test" }));

    expect(readSyncResult(reply).status).toBe("CREATED");
    expect(await remainingQueue(emulator.url)).toEqual([{ kind: "fault", code: 606, count: 1, transport: "rest" }]);
  });

  it("injected failures appear in the call log", async () => {
    await emulator.configure({ faults: { queue: [{ kind: "html500" }] } });

    await soapCall(emulator.url, "a@example.test");
    const calls = (await (await fetch(`${emulator.url}/_emulator/calls`)).json()) as Array<Record<string, unknown>>;

    expect(calls).toMatchObject([{ transport: "soap", operation: "syncLead", outcome: "injected", injected: "html500" }]);
  });
});
