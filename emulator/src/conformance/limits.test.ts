/**
 * Marketo's SOAP limits: 20023 for more than 100 calls in 20 s, 20024 for more than 10
 * concurrent calls, 20015 for the daily quota (10,000 by default). All are configurable, and
 * only calls that pass authentication count.
 */
import { describe, expect, it } from "vitest";

import { useEmulator } from "../testing/emulator-fixture.ts";
import { getLeadEnvelope, postSoap, readFault, syncLeadEnvelope } from "../testing/soap-test-client.ts";

describe("SOAP call limits", () => {
  const emulator = useEmulator();

  it("the 101st call within 20 s faults 20023", async () => {
    await emulator.seed({ id: 1, email: "a@example.test" });
    const statuses: number[] = [];
    for (let call = 0; call < 100; call += 1) {
      statuses.push((await postSoap(emulator.url, getLeadEnvelope("IDNUM", "1"))).status);
    }

    const reply = await postSoap(emulator.url, getLeadEnvelope("IDNUM", "1"));

    expect(statuses.every((status) => status === 200)).toBe(true);
    expect(reply.status).toBe(500);
    expect(readFault(reply).code).toBe(20023);
    expect(readFault(reply).faultstring).toBe("20023 - Rate Limit Exceeded");
  });

  it("a configured rate limit applies and recovers", async () => {
    await emulator.configure({ limits: { rateLimit: { maxCalls: 2, windowSeconds: 0.3 } } });

    const first = await postSoap(emulator.url, syncLeadEnvelope({ email: "a@example.test" }));
    const second = await postSoap(emulator.url, syncLeadEnvelope({ email: "b@example.test" }));
    const third = await postSoap(emulator.url, syncLeadEnvelope({ email: "c@example.test" }));
    await new Promise((resolve) => setTimeout(resolve, 350));
    const fourth = await postSoap(emulator.url, syncLeadEnvelope({ email: "d@example.test" }));

    expect([first.status, second.status, third.status, fourth.status]).toEqual([200, 200, 500, 200]);
    expect(readFault(third).code).toBe(20023);
    expect((await emulator.leads()).map((lead) => lead.email)).toEqual(["a@example.test", "b@example.test", "d@example.test"]);
  });

  it("the 11th concurrent call faults 20024", async () => {
    await emulator.configure({ faults: { latencyMs: 800 } });

    const replies = await Promise.all(
      Array.from({ length: 11 }, (_, index) => postSoap(emulator.url, syncLeadEnvelope({ email: `c${index}@example.test` }))),
    );

    const faults = replies.filter((reply) => reply.status === 500).map((reply) => readFault(reply).code);
    expect(faults).toEqual([20024]);
    expect(await emulator.leads()).toHaveLength(10);
  });

  it("a configured concurrency limit applies", async () => {
    await emulator.configure({ limits: { maxConcurrentCalls: 2 }, faults: { latencyMs: 300 } });

    const replies = await Promise.all(
      Array.from({ length: 3 }, (_, index) => postSoap(emulator.url, syncLeadEnvelope({ email: `c${index}@example.test` }))),
    );

    expect(replies.map((reply) => reply.status).sort()).toEqual([200, 200, 500]);
  });

  it("the call after the daily quota faults 20015", async () => {
    await emulator.configure({ limits: { dailyQuota: 2 } });

    await postSoap(emulator.url, syncLeadEnvelope({ email: "a@example.test" }));
    await postSoap(emulator.url, syncLeadEnvelope({ email: "b@example.test" }));
    const reply = await postSoap(emulator.url, syncLeadEnvelope({ email: "c@example.test" }));

    expect(readFault(reply).code).toBe(20015);
    expect(readFault(reply).message).toMatch(/daily quota of 2 calls reached/);
    expect(await emulator.leads()).toHaveLength(2);
  });

  it("calls failing authentication do not count", async () => {
    await emulator.configure({ limits: { dailyQuota: 1 } });

    const rejected = await postSoap(emulator.url, syncLeadEnvelope({ email: "a@example.test" }, { key: "wrong" }));
    const accepted = await postSoap(emulator.url, syncLeadEnvelope({ email: "a@example.test" }));

    expect(readFault(rejected).code).toBe(20014);
    expect(accepted.status).toBe(200);
  });

  it("reset restores the counters", async () => {
    await emulator.configure({ limits: { dailyQuota: 1 } });
    await postSoap(emulator.url, syncLeadEnvelope({ email: "a@example.test" }));

    await fetch(`${emulator.url}/_emulator/reset`, { method: "POST" });
    await emulator.configure({ limits: { dailyQuota: 1 } });
    const reply = await postSoap(emulator.url, syncLeadEnvelope({ email: "a@example.test" }));

    expect(reply.status).toBe(200);
  });
});
