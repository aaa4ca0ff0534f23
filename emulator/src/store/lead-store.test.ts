import { describe, expect, it } from "vitest";

import { LeadConflictError, InvalidLeadInputError } from "./errors.ts";
import { LeadStore } from "./lead-store.ts";
import { MAX_LEAD_ID } from "./lead.ts";
import { parseMunchkinCookie } from "./munchkin-cookie.ts";

const COOKIE_A = "id:123-ABC-456&token:_mch-example.test-1700000000000-12345";
const COOKIE_B = "id:123-ABC-456&token:_mch-example.test-1700000000001-54321";

describe("LeadStore", () => {
  it("allocates ids around seeded ones", () => {
    const store = new LeadStore({ firstId: 10 });
    store.insert({ id: 11, partition: "Default" });

    expect(store.insert({ partition: "Default" }).id).toBe(10);
    expect(store.insert({ partition: "Default" }).id).toBe(12);
  });

  it("rejects ids outside the signed 32-bit range", () => {
    const store = new LeadStore();

    expect(() => store.insert({ id: MAX_LEAD_ID + 1, partition: "Default" })).toThrow(InvalidLeadInputError);
    expect(() => store.insert({ id: 0, partition: "Default" })).toThrow(InvalidLeadInputError);
  });

  it("rejects a taken id and a cookie held elsewhere", () => {
    const store = new LeadStore();
    store.insert({ id: 5, partition: "Default", cookies: [COOKIE_A] });

    expect(() => store.insert({ id: 5, partition: "Default" })).toThrow(LeadConflictError);
    expect(() => store.insert({ partition: "Default", cookies: [COOKIE_A] })).toThrow(LeadConflictError);
  });

  it("records a first visit on a new anonymous lead", () => {
    const store = new LeadStore();

    const lead = store.recordVisit(COOKIE_A, { url: "https://example.test/", referrer: null }, "Default");

    expect(lead.anonymous).toBe(true);
    expect(lead.cookies).toEqual([COOKIE_A]);
    expect(lead.visits).toHaveLength(1);
    expect(store.recordVisit(COOKIE_A, { url: "https://example.test/2", referrer: null }, "Default").id).toBe(lead.id);
  });

  it("merges an anonymous cookie holder into the target", () => {
    const store = new LeadStore();
    const anonymous = store.recordVisit(COOKIE_A, { url: "https://example.test/", referrer: null }, "Default");
    const known = store.insert({ email: "ana@example.test", partition: "Default", cookies: [COOKIE_B] });

    const merged = store.associateCookie(known.id, COOKIE_A, false);

    expect(merged).toEqual([anonymous.id]);
    expect(store.get(anonymous.id)).toBeUndefined();
    expect(store.get(known.id)?.cookies).toEqual([COOKIE_B, COOKIE_A]);
    expect(store.get(known.id)?.visits.map((visit) => visit.url)).toEqual(["https://example.test/"]);
  });

  it("moves a known holder's cookie only when asked", () => {
    const store = new LeadStore();
    const first = store.insert({ email: "a@example.test", partition: "Default", cookies: [COOKIE_A] });
    const second = store.insert({ email: "b@example.test", partition: "Default" });

    store.associateCookie(second.id, COOKIE_A, false);
    expect(store.findByCookie(COOKIE_A)?.id).toBe(first.id);

    store.associateCookie(second.id, COOKIE_A, true);
    expect(store.findByCookie(COOKIE_A)?.id).toBe(second.id);
    expect(store.get(first.id)?.cookies).toEqual([]);
  });

  it("finds e-mail case-insensitively in id order", () => {
    const store = new LeadStore();
    store.insert({ id: 9, email: "Ana@Example.test", partition: "Default" });
    store.insert({ id: 3, email: "ana@example.test", partition: "Default" });

    expect(store.findByEmail("ANA@example.TEST").map((lead) => lead.id)).toEqual([3, 9]);
  });

  it("returns copies that do not change the store", () => {
    const store = new LeadStore();
    const lead = store.insert({ partition: "Default", attributes: { FirstName: "Ana" } });

    lead.attributes.FirstName = "Changed";

    expect(store.get(lead.id)?.attributes.FirstName).toBe("Ana");
  });
});

describe("parseMunchkinCookie", () => {
  it.each([
    ["epoch token", "id:561-HYG-937&token:_mch-marketo.com-1374552656411-90718", "marketo.com"],
    ["31-digit hex token", "id:561-HYG-937&token:_mch-marketo.com-97bf4361ef4433921a6da262e8df45a", "marketo.com"],
    ["32-digit hex token", "id:561-HYG-937&token:_mch-my-site.example-97bf4361ef4433921a6da262e8df45ab", "my-site.example"],
  ])("accepts the %s", (_name, value, domain) => {
    expect(parseMunchkinCookie(value)?.domain).toBe(domain);
  });

  it.each([
    ["no token", "id:561-HYG-937"],
    ["a lowercase Munchkin id", "id:561-hyg-937&token:_mch-marketo.com-1374552656411-90718"],
    ["four random digits", "id:561-HYG-937&token:_mch-marketo.com-1374552656411-9071"],
  ])("rejects a cookie with %s", (_name, value) => {
    expect(parseMunchkinCookie(value)).toBeUndefined();
  });
});
