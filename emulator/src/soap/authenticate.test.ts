import { describe, expect, it } from "vitest";

import { computeSignature, parseRequestTimestamp } from "./authenticate.ts";

const DOC_USER = "demo17_1_809934544BFABAE58E5D27";
const DOC_KEY = "27272727aa";

describe("computeSignature", () => {
  it.each([
    ["2013-08-01T18:22:30-07:00", "b5e21953ae9f1b263e644da5eccce9ff33802513"],
    ["2013-08-02T15:47:06-07:00", "146ec93f4f1e2a45f7a545f7e42e2d053c0457e7"],
    ["2013-08-20T13:32:02-07:00", "cdea055214cc726b651dc44ef694e1db4babfcb1"],
    ["2013-08-05T09:57:10-07:00", "0737b707c4022bb90122e7a1dbc79a2dbfbcd5ca"],
    ["2026-01-15T10:00:00-08:00", "a146fe05761bb28ae17c54a59e909c33736884bb"],
    ["2026-01-15T18:00:00+00:00", "7c43c94feb6c0f163924c1f2d80cafd475b343b9"],
    ["2026-01-15T18:00:00Z", "90ac97b52628cc7e5b193d8eee2b9294b0c389de"],
  ])("matches Marketo's vector for %s", (timestamp, expected) => {
    expect(computeSignature(DOC_KEY, timestamp, DOC_USER)).toBe(expected);
  });

  it("matches the bigcorp1 vector", () => {
    const signature = computeSignature(
      "899756834129871744AAEE88DDCC77CDEEDEC1AAAD66",
      "2010-04-09T14:04:54-07:00",
      "bigcorp1_461839624B16E06BA2D663",
    );

    expect(signature).toBe("ffbff4d4bef354807481e66dc7540f7890523a87");
  });

  it("keys with the UTF-8 bytes of a non-ASCII key", () => {
    const latin1 = computeSignature("schlüssel", "2026-01-15T10:00:00-08:00", "user");
    const utf8Bytes = computeSignature(Buffer.from("schlüssel", "utf8").toString("latin1"), "2026-01-15T10:00:00-08:00", "user");

    expect(latin1).not.toBe(utf8Bytes);
    expect(latin1).toMatch(/^[0-9a-f]{40}$/);
  });
});

describe("parseRequestTimestamp", () => {
  it.each([
    ["2026-01-15T10:00:00-08:00", "2026-01-15T18:00:00.000Z"],
    ["2026-01-15T18:00:00Z", "2026-01-15T18:00:00.000Z"],
    ["2026-01-15T18:00:00+00:00", "2026-01-15T18:00:00.000Z"],
    ["2026-01-15T23:30:00.250+05:30", "2026-01-15T18:00:00.250Z"],
  ])("accepts %s", (text, instant) => {
    expect(new Date(parseRequestTimestamp(text) ?? Number.NaN).toISOString()).toBe(instant);
  });

  it.each([
    ["no offset", "2026-01-15T18:00:00"],
    ["a space separator", "2026-01-15 18:00:00 +0000"],
    ["an offset without colon", "2026-01-15T18:00:00+0000"],
    ["no seconds", "2026-01-15T18:00-08:00"],
    ["February 30", "2026-02-30T10:00:00-08:00"],
    ["hour 24", "2026-01-15T24:00:00Z"],
  ])("rejects %s", (_case, text) => {
    expect(parseRequestTimestamp(text)).toBeUndefined();
  });
});
