/**
 * syncLead matching: one case per rule, named after it. Marketo documents Id over every key,
 * ForeignSysPersonId over Email, and Email as a non-unique key. The other rules are the
 * emulator's choices for cases that Marketo leaves open, listed in the emulator README.
 */
import { describe, expect, it } from "vitest";

import type { Lead } from "../store/lead.ts";
import { useEmulator, type EmulatorFixture } from "../testing/emulator-fixture.ts";
import { postSoap, readFault, readSyncResult, syncLeadEnvelope, type SyncLeadFields } from "../testing/soap-test-client.ts";

const COOKIE_A = "id:123-ABC-456&token:_mch-example.test-1700000000000-11111";
const COOKIE_B = "id:123-ABC-456&token:_mch-example.test-1700000000000-22222";
const COOKIE_NEW = "id:123-ABC-456&token:_mch-example.test-1700000000000-33333";

interface Outcome {
  status: string;
  leadId: number;
  leads: Lead[];
  lead: (id: number) => Lead;
}

interface PrecedenceCase {
  rule: string;
  seeds: Array<Record<string, unknown>>;
  request: SyncLeadFields;
  verify: (outcome: Outcome) => void;
}

const cases: PrecedenceCase[] = [
  {
    rule: "Id beats every other key",
    seeds: [
      { id: 100, email: "a@example.test" },
      { id: 200, email: "b@example.test", foreignSysPersonId: "F-200", cookies: [COOKIE_B] },
    ],
    request: { id: 100, foreignSysPersonId: "F-100", cookie: COOKIE_B, email: "a@example.test" },
    verify: ({ status, leadId, lead }) => {
      expect(status).toBe("UPDATED");
      expect(leadId).toBe(100);
      expect(lead(200).foreignSysPersonId).toBe("F-200");
    },
  },
  {
    rule: "Id with ForeignSysPersonId updates the foreign id",
    seeds: [{ id: 100, email: "a@example.test", foreignSysPersonId: "OLD-1" }],
    request: { id: 100, foreignSysPersonId: "NEW-1", foreignSysType: "SFDC" },
    verify: ({ leadId, lead }) => {
      expect(leadId).toBe(100);
      expect(lead(100).foreignSysPersonId).toBe("NEW-1");
      expect(lead(100).foreignSysType).toBe("SFDC");
    },
  },
  {
    rule: "Id with a new Email changes the e-mail",
    seeds: [{ id: 4242, email: "old.addr@example.test" }],
    request: { id: 4242, email: "new.addr@example.test" },
    verify: ({ status, leadId, leads }) => {
      expect(status).toBe("UPDATED");
      expect(leadId).toBe(4242);
      expect(leads).toHaveLength(1);
      expect(leads[0]?.email).toBe("new.addr@example.test");
    },
  },
  {
    rule: "ForeignSysPersonId alone is a unique key",
    seeds: [
      { id: 100, email: "a@example.test", foreignSysPersonId: "F-1" },
      { id: 200, email: "b@example.test" },
    ],
    request: { foreignSysPersonId: "F-1", attributes: { Company: "Acme" } },
    verify: ({ status, leadId, lead }) => {
      expect(status).toBe("UPDATED");
      expect(leadId).toBe(100);
      expect(lead(100).attributes.Company).toBe("Acme");
    },
  },
  {
    rule: "ForeignSysPersonId with Email matches the foreign id and updates the e-mail",
    seeds: [
      { id: 100, email: "old@example.test", foreignSysPersonId: "F-1" },
      { id: 200, email: "new@example.test" },
    ],
    request: { foreignSysPersonId: "F-1", email: "new@example.test" },
    verify: ({ leadId, lead }) => {
      expect(leadId).toBe(100);
      expect(lead(100).email).toBe("new@example.test");
      expect(lead(200).email).toBe("new@example.test");
    },
  },
  {
    rule: "an unmatched ForeignSysPersonId falls through to Email",
    seeds: [{ id: 100, email: "a@example.test" }],
    request: { foreignSysPersonId: "F-9", email: "a@example.test" },
    verify: ({ status, leadId, lead }) => {
      expect(status).toBe("UPDATED");
      expect(leadId).toBe(100);
      expect(lead(100).foreignSysPersonId).toBe("F-9");
    },
  },
  {
    rule: "an unmatched ForeignSysPersonId skips leads with another foreign id",
    seeds: [{ id: 100, email: "a@example.test", foreignSysPersonId: "F-1" }],
    request: { foreignSysPersonId: "F-2", email: "a@example.test" },
    verify: ({ status, leads }) => {
      expect(status).toBe("CREATED");
      expect(leads.map((lead) => lead.foreignSysPersonId)).toEqual(["F-1", "F-2"]);
    },
  },
  {
    rule: "a cookie alone makes its anonymous lead known",
    seeds: [{ id: 300, anonymous: true, cookies: [COOKIE_A], visits: [{ url: "https://example.test/a" }] }],
    request: { cookie: COOKIE_A, attributes: { FirstName: "Ana" } },
    verify: ({ status, leadId, lead }) => {
      expect(status).toBe("UPDATED");
      expect(leadId).toBe(300);
      expect(lead(300).anonymous).toBe(false);
      expect(lead(300).attributes.FirstName).toBe("Ana");
      expect(lead(300).visits).toHaveLength(1);
    },
  },
  {
    rule: "a cookie with a new Email makes its anonymous lead known",
    seeds: [{ id: 300, anonymous: true, cookies: [COOKIE_A], visits: [{ url: "https://example.test/a" }] }],
    request: { cookie: COOKIE_A, email: "ana@example.test" },
    verify: ({ leadId, leads }) => {
      expect(leadId).toBe(300);
      expect(leads).toHaveLength(1);
      expect(leads[0]?.email).toBe("ana@example.test");
      expect(leads[0]?.visits.map((visit) => visit.url)).toEqual(["https://example.test/a"]);
    },
  },
  {
    rule: "a cookie ranks below ForeignSysPersonId",
    seeds: [
      { id: 100, email: "a@example.test", cookies: [COOKIE_A] },
      { id: 200, email: "b@example.test", foreignSysPersonId: "F-2" },
    ],
    request: { foreignSysPersonId: "F-2", cookie: COOKIE_A },
    verify: ({ leadId, lead }) => {
      expect(leadId).toBe(200);
      expect(lead(100).cookies).toEqual([COOKIE_A]);
    },
  },
  {
    rule: "a cookie beats Email for its known lead",
    seeds: [
      { id: 100, email: null, cookies: [COOKIE_A] },
      { id: 200, email: "ana@example.test" },
    ],
    request: { cookie: COOKIE_A, email: "ana@example.test" },
    verify: ({ leadId, lead }) => {
      expect(leadId).toBe(100);
      expect(lead(100).email).toBe("ana@example.test");
    },
  },
  {
    rule: "an unknown cookie is attached to the written lead",
    seeds: [{ id: 100, email: "a@example.test", cookies: [COOKIE_A] }],
    request: { email: "a@example.test", cookie: COOKIE_NEW },
    verify: ({ leadId, lead }) => {
      expect(leadId).toBe(100);
      expect(lead(100).cookies).toEqual([COOKIE_A, COOKIE_NEW]);
    },
  },
  {
    rule: "an unknown cookie with a new Email creates a lead",
    seeds: [],
    request: { email: "new@example.test", cookie: COOKIE_NEW },
    verify: ({ status, leads }) => {
      expect(status).toBe("CREATED");
      expect(leads[0]?.cookies).toEqual([COOKIE_NEW]);
      expect(leads[0]?.anonymous).toBe(false);
    },
  },
  {
    rule: "Email is not a unique key",
    seeds: [
      { id: 7, email: "shared@example.test" },
      { id: 3, email: "Shared@example.test" },
    ],
    request: { email: "shared@example.test", attributes: { City: "Porto" } },
    verify: ({ status, leadId, leads, lead }) => {
      expect(status).toBe("UPDATED");
      expect(leadId).toBe(3);
      expect(leads).toHaveLength(2);
      expect(lead(3).email).toBe("shared@example.test");
      expect(lead(7).attributes).toEqual({});
    },
  },
  {
    rule: "shared computer: a new Email never overwrites the cookie's lead",
    seeds: [{ id: 100, email: "a@example.test", cookies: [COOKIE_A], visits: [{ url: "https://example.test/a" }] }],
    request: { cookie: COOKIE_A, email: "b@example.test" },
    verify: ({ status, leadId, lead, leads }) => {
      expect(status).toBe("CREATED");
      expect(leadId).not.toBe(100);
      expect(leads).toHaveLength(2);
      expect(lead(100).email).toBe("a@example.test");
      expect(lead(100).cookies).toEqual([COOKIE_A]);
      expect(lead(leadId).cookies).toEqual([]);
    },
  },
  {
    rule: "shared computer: the cookie of lead A with the e-mail of lead B updates B",
    seeds: [
      { id: 100, email: "a@example.test", cookies: [COOKIE_A] },
      { id: 200, email: "b@example.test" },
    ],
    request: { cookie: COOKIE_A, email: "b@example.test", attributes: { FirstName: "Bea" } },
    verify: ({ leadId, lead }) => {
      expect(leadId).toBe(200);
      expect(lead(200).attributes.FirstName).toBe("Bea");
      expect(lead(100).email).toBe("a@example.test");
      expect(lead(100).attributes).toEqual({});
      expect(lead(100).cookies).toEqual([COOKIE_A]);
    },
  },
  {
    rule: "moveCookie=true moves a known lead's cookie and leaves its visits",
    seeds: [
      { id: 100, email: "a@example.test", cookies: [COOKIE_A], visits: [{ url: "https://example.test/a" }] },
      { id: 200, email: "b@example.test" },
    ],
    request: { cookie: COOKIE_A, email: "b@example.test", moveCookie: true },
    verify: ({ leadId, lead }) => {
      expect(leadId).toBe(200);
      expect(lead(200).cookies).toEqual([COOKIE_A]);
      expect(lead(200).visits).toEqual([]);
      expect(lead(100).cookies).toEqual([]);
      expect(lead(100).visits).toHaveLength(1);
    },
  },
  {
    rule: "moveCookie=false keeps the cookie with its known lead",
    seeds: [
      { id: 100, email: "a@example.test", cookies: [COOKIE_A] },
      { id: 200, email: "b@example.test" },
    ],
    request: { cookie: COOKIE_A, email: "b@example.test", moveCookie: false },
    verify: ({ lead }) => {
      expect(lead(100).cookies).toEqual([COOKIE_A]);
      expect(lead(200).cookies).toEqual([]);
    },
  },
  {
    rule: "an anonymous cookie with a known lead's Email merges into that lead",
    seeds: [
      { id: 100, email: "a@example.test", cookies: [COOKIE_B], visits: [{ url: "https://example.test/old", at: "2026-01-01T00:00:00Z" }] },
      { id: 300, anonymous: true, cookies: [COOKIE_A], visits: [{ url: "https://example.test/new", at: "2026-01-02T00:00:00Z" }] },
    ],
    request: { cookie: COOKIE_A, email: "a@example.test" },
    verify: ({ status, leadId, leads, lead }) => {
      expect(status).toBe("UPDATED");
      expect(leadId).toBe(100);
      expect(leads.map((entry) => entry.id)).toEqual([100]);
      expect(lead(100).cookies).toEqual([COOKIE_B, COOKIE_A]);
      expect(lead(100).visits.map((visit) => visit.url)).toEqual(["https://example.test/old", "https://example.test/new"]);
    },
  },
  {
    rule: "Id with an anonymous cookie merges the anonymous lead",
    seeds: [
      { id: 100, email: "a@example.test" },
      { id: 300, anonymous: true, cookies: [COOKIE_A], visits: [{ url: "https://example.test/a" }] },
    ],
    request: { id: 100, cookie: COOKIE_A },
    verify: ({ leads, lead }) => {
      expect(leads.map((entry) => entry.id)).toEqual([100]);
      expect(lead(100).cookies).toEqual([COOKIE_A]);
      expect(lead(100).visits).toHaveLength(1);
    },
  },
  {
    rule: "one lead can hold several cookies",
    seeds: [{ id: 100, email: "a@example.test", cookies: [COOKIE_A] }],
    request: { id: 100, cookie: COOKIE_B },
    verify: ({ lead }) => {
      expect(lead(100).cookies).toEqual([COOKIE_A, COOKIE_B]);
    },
  },
  {
    rule: "an update leaves unsent attributes alone",
    seeds: [{ id: 100, email: "a@example.test", attributes: { FirstName: "Ana", City: "Lisbon" } }],
    request: { email: "a@example.test", attributes: { City: "Porto" } },
    verify: ({ lead }) => {
      expect(lead(100).attributes).toEqual({ FirstName: "Ana", City: "Porto" });
    },
  },
];

interface FaultCase {
  rule: string;
  seeds: Array<Record<string, unknown>>;
  request: SyncLeadFields;
  code: number;
  message: RegExp;
}

const faultCases: FaultCase[] = [
  {
    rule: "an Id that matches no lead faults 20103",
    seeds: [],
    request: { id: 9, email: "a@example.test" },
    code: 20103,
    message: /^No lead found with IDNUM = 9 \(20103\)$/,
  },
  {
    rule: "a ForeignSysPersonId held by another lead faults 20106",
    seeds: [
      { id: 100, email: "a@example.test" },
      { id: 200, email: "b@example.test", foreignSysPersonId: "F-2" },
    ],
    request: { id: 100, foreignSysPersonId: "F-2" },
    code: 20106,
    message: /already belongs to lead 200/,
  },
  {
    rule: "a leadRecord without any key faults 20109",
    seeds: [],
    request: { attributes: { FirstName: "Ana" } },
    code: 20109,
    message: /missing lead key/,
  },
];

async function runSync(emulator: EmulatorFixture, seeds: Array<Record<string, unknown>>, request: SyncLeadFields) {
  for (const seed of seeds) {
    await emulator.seed(seed);
  }
  return postSoap(emulator.url, syncLeadEnvelope(request));
}

describe("syncLead key precedence", () => {
  const emulator = useEmulator();

  it.each(cases.map((entry) => [entry.rule, entry] as const))("%s", async (_rule, entry) => {
    const reply = await runSync(emulator, entry.seeds, entry.request);
    const result = readSyncResult(reply);
    const leads = await emulator.leads();

    entry.verify({
      status: result.status,
      leadId: result.leadId,
      leads,
      lead: (id) => {
        const found = leads.find((lead) => lead.id === id);
        if (found === undefined) {
          throw new Error(`lead ${id} not found in ${JSON.stringify(leads.map((lead) => lead.id))}`);
        }
        return found;
      },
    });
  });

  it.each(faultCases.map((entry) => [entry.rule, entry] as const))("%s", async (_rule, entry) => {
    const reply = await runSync(emulator, entry.seeds, entry.request);
    const before = entry.seeds.length;

    const fault = readFault(reply);
    expect(reply.status).toBe(500);
    expect(fault.code).toBe(entry.code);
    expect(fault.message).toMatch(entry.message);
    expect(await emulator.leads()).toHaveLength(before);
  });
});
