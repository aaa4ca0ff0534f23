/** Values are stored and returned exactly as sent: UTF-8, markup characters, CDATA, CR. */
import { describe, expect, it } from "vitest";

import { useEmulator } from "../testing/emulator-fixture.ts";
import {
  escapeText,
  getLeadEnvelope,
  postSoap,
  readGetLeadResult,
  readSyncResult,
  syncLeadEnvelope,
} from "../testing/soap-test-client.ts";

const VALUES: Array<[name: string, value: string]> = [
  ["markup characters", 'Lee & Sons <Holdings> "North"'],
  ["a diaeresis", "Zoë"],
  ["CJK, an emoji and ]]>", "株式会社テスト 🚀 a]]>b"],
  ["an apostrophe", "O'Brien"],
  ["surrounding spaces", "  padded  "],
  ["a CRLF line break", "line one\r\nline two"],
];

describe("stored values", () => {
  const emulator = useEmulator();

  it.each(VALUES)("round-trips %s", async (_name, value) => {
    const body = syncLeadEnvelope({ email: "a@example.test", attributes: { Company: value }, returnLead: true }).replace(
      escapeText(value),
      escapeText(value).replace(/\r/g, "&#13;"),
    );

    const synced = readSyncResult(await postSoap(emulator.url, body));
    const fetched = readGetLeadResult(await postSoap(emulator.url, getLeadEnvelope("IDNUM", String(synced.leadId))));
    const [stored] = await emulator.leads();

    expect(stored?.attributes.Company).toBe(value);
    expect(synced.leadRecord?.attributes.Company?.value).toBe(value);
    expect(fetched.leads[0]?.attributes.Company?.value).toBe(value);
  });

  it("keeps a cookie containing &", async () => {
    const cookie = "id:123-ABC-456&token:_mch-example.test-1700000000000-12345";

    await postSoap(emulator.url, syncLeadEnvelope({ email: "a@example.test", cookie }));
    const found = readGetLeadResult(await postSoap(emulator.url, getLeadEnvelope("COOKIE", cookie)));

    expect((await emulator.leads())[0]?.cookies).toEqual([cookie]);
    expect(found.count).toBe(1);
  });

  it("reads CDATA sections as text", async () => {
    const body = syncLeadEnvelope({ email: "a@example.test", attributes: { Company: "PLACEHOLDER" } }).replace(
      "PLACEHOLDER",
      "<![CDATA[Lee & Sons <Holdings>]]>",
    );

    readSyncResult(await postSoap(emulator.url, body));

    expect((await emulator.leads())[0]?.attributes.Company).toBe("Lee & Sons <Holdings>");
  });

  it("keeps a non-ASCII e-mail as sent", async () => {
    await postSoap(emulator.url, syncLeadEnvelope({ email: "zoë@exämple.test" }));

    expect((await emulator.leads())[0]?.email).toBe("zoë@exämple.test");
  });

  it("keeps an empty attribute but omits it from records", async () => {
    const synced = readSyncResult(
      await postSoap(emulator.url, syncLeadEnvelope({ email: "a@example.test", attributes: { Title: "" }, returnLead: true })),
    );

    expect((await emulator.leads())[0]?.attributes).toEqual({ Title: "" });
    expect(synced.leadRecord?.attributes).toEqual({});
  });
});
