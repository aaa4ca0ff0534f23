/**
 * Authentication: lowercase hex HMAC-SHA1 over requestTimestamp + mktowsUserId, checked over the
 * timestamp text as received. 20014 for a bad user or signature, 20016 for a timestamp outside
 * the configurable window (default: 900 s in the past, 300 s in the future).
 */
import { afterEach, describe, expect, it } from "vitest";

import { silentLogger } from "../log/logger.ts";
import { startEmulator, type RunningEmulator } from "../start-emulator.ts";
import { useEmulator } from "../testing/emulator-fixture.ts";
import {
  MKTOWS,
  SOAP_ENV,
  postSoap,
  readFault,
  readSyncResult,
  sign,
  syncLeadEnvelope,
  w3cTimestamp,
  type AuthOptions,
} from "../testing/soap-test-client.ts";

const USER = "leadsync_demo_1A2B3C4D5E6F";
const KEY = "demo-encryption-key";

function secondsFromNow(seconds: number): string {
  return w3cTimestamp(new Date(Date.now() + seconds * 1000));
}

function upperCaseSignature(): AuthOptions {
  const timestamp = w3cTimestamp();
  return { timestamp, signature: sign(KEY, timestamp, USER).toUpperCase() };
}

/** Signs `…+00:00` but sends `…Z`: the same instant, different text. */
function signatureOverOtherRendering(): AuthOptions {
  const signed = w3cTimestamp(new Date(), 0);
  return { timestamp: signed.replace("+00:00", "Z"), signature: sign(KEY, signed, USER) };
}

const authFaults: Array<[rule: string, auth: () => AuthOptions, code: number, message: RegExp]> = [
  ["a missing AuthenticationHeader faults 20014", () => ({ omit: true }), 20014, /no AuthenticationHeader/],
  ["an unknown user faults 20014", () => ({ userId: "intruder_1" }), 20014, /unknown mktowsUserId 'intruder_1'/],
  ["a signature made with another key faults 20014", () => ({ key: "wrong-key" }), 20014, /requestSignature does not match/],
  ["an empty signature faults 20014", () => ({ signature: "" }), 20014, /no requestSignature/],
  ["an upper-case hex signature faults 20014", upperCaseSignature, 20014, /it is upper-case hex, send lower-case hex/],
  [
    "a signature over another rendering of the instant faults 20014",
    signatureOverOtherRendering,
    20014,
    /requestSignature does not match/,
  ],
  [
    "a timestamp without offset faults 20014",
    () => ({ timestamp: new Date().toISOString().slice(0, 19) }),
    20014,
    /is not a W3C date-time/,
  ],
  ["a non-ISO timestamp faults 20014", () => ({ timestamp: "2026-01-15 10:00:00 -0800" }), 20014, /is not a W3C date-time/],
  [
    "a timestamp 20 minutes old faults 20016",
    () => ({ timestamp: secondsFromNow(-1200) }),
    20016,
    /s old; at most 900 s is accepted/,
  ],
  [
    "a timestamp 10 minutes ahead faults 20016",
    () => ({ timestamp: secondsFromNow(600) }),
    20016,
    /in the future; at most 300 s/,
  ],
];

describe("SOAP authentication", () => {
  const emulator = useEmulator();

  it.each(authFaults)("%s", async (_rule, auth, code, message) => {
    const reply = await postSoap(emulator.url, syncLeadEnvelope({ email: "a@example.test" }, auth()));

    const fault = readFault(reply);
    expect(reply.status).toBe(500);
    expect(fault.code).toBe(code);
    expect(fault.message).toMatch(message);
    expect(await emulator.leads()).toEqual([]);
  });

  it.each([
    ["14 minutes old", () => secondsFromNow(-840)],
    ["4 minutes ahead", () => secondsFromNow(240)],
    ["in UTC with Z", () => `${new Date().toISOString().slice(0, 19)}Z`],
    ["with fractional seconds", () => new Date().toISOString()],
    ["with a +05:30 offset", () => w3cTimestamp(new Date(), 330)],
  ])("accepts a timestamp %s", async (_case, makeTimestamp) => {
    const timestamp = makeTimestamp();

    const reply = await postSoap(emulator.url, syncLeadEnvelope({ email: "a@example.test" }, { timestamp }));

    expect(readSyncResult(reply).status).toBe("CREATED");
  });

  it("a narrowed window rejects a minute-old timestamp", async () => {
    await emulator.configure({ timestampWindow: { maxAgeSeconds: 10 } });

    const reply = await postSoap(emulator.url, syncLeadEnvelope({ email: "a@example.test" }, { timestamp: secondsFromNow(-60) }));

    expect(readFault(reply).code).toBe(20016);
    expect(readFault(reply).message).toMatch(/at most 10 s is accepted/);
  });

  it("a widened window accepts a future timestamp", async () => {
    await emulator.configure({ timestampWindow: { maxFutureSeconds: 3600 } });

    const reply = await postSoap(emulator.url, syncLeadEnvelope({ email: "a@example.test" }, { timestamp: secondsFromNow(1800) }));

    expect(readSyncResult(reply).status).toBe("CREATED");
  });

  it("qualified header children count as missing", async () => {
    const timestamp = w3cTimestamp();
    const body = syncLeadEnvelope({ email: "a@example.test" }).replace(
      /<mkt:AuthenticationHeader>.*<\/mkt:AuthenticationHeader>/,
      `<mkt:AuthenticationHeader><mkt:mktowsUserId>${USER}</mkt:mktowsUserId>` +
        `<mkt:requestSignature>${sign(KEY, timestamp, USER)}</mkt:requestSignature>` +
        `<mkt:requestTimestamp>${timestamp}</mkt:requestTimestamp></mkt:AuthenticationHeader>`,
    );

    const fault = readFault(await postSoap(emulator.url, body));

    expect(fault.code).toBe(20014);
    expect(fault.message).toMatch(/no mktowsUserId; send it as an unqualified child element/);
  });
});

describe("Marketo's documented example request", () => {
  let running: RunningEmulator | undefined;

  afterEach(async () => {
    await running?.close();
  });

  it("is accepted with the documented key and clock", async () => {
    running = await startEmulator({
      logger: silentLogger,
      clock: () => new Date("2026-01-15T18:00:30Z"),
      config: { credentials: { soapUserId: "demo17_1_809934544BFABAE58E5D27", soapEncryptionKey: "27272727aa" } },
    });
    const body = `<?xml version="1.0" encoding="UTF-8"?>
<SOAP-ENV:Envelope xmlns:SOAP-ENV="${SOAP_ENV}"
                   xmlns:ns1="${MKTOWS}">
  <SOAP-ENV:Header>
    <ns1:AuthenticationHeader>
      <mktowsUserId>demo17_1_809934544BFABAE58E5D27</mktowsUserId>
      <requestSignature>a146fe05761bb28ae17c54a59e909c33736884bb</requestSignature>
      <requestTimestamp>2026-01-15T10:00:00-08:00</requestTimestamp>
    </ns1:AuthenticationHeader>
    <ns1:MktowsContextHeader>
      <targetWorkspace>Default</targetWorkspace>
    </ns1:MktowsContextHeader>
  </SOAP-ENV:Header>
  <SOAP-ENV:Body>
    <ns1:paramsSyncLead>
      <leadRecord>
        <Email>jane.doe@example.org</Email>
        <leadAttributeList>
          <attribute><attrName>FirstName</attrName><attrValue>Jane</attrValue></attribute>
          <attribute><attrName>Company</attrName><attrType>string</attrType><attrValue>Example Ltd</attrValue></attribute>
        </leadAttributeList>
      </leadRecord>
      <returnLead>true</returnLead>
      <marketoCookie>id:561-HYG-937&amp;token:_mch-example.org-1374552656411-90718</marketoCookie>
    </ns1:paramsSyncLead>
  </SOAP-ENV:Body>
</SOAP-ENV:Envelope>`;

    const reply = await postSoap(running.url, body);

    const result = readSyncResult(reply);
    expect(result.status).toBe("CREATED");
    expect(result.leadRecord?.email).toBe("jane.doe@example.org");
    expect(result.leadRecord?.attributes.Company?.value).toBe("Example Ltd");
    expect(running.store.list()[0]?.cookies).toEqual(["id:561-HYG-937&token:_mch-example.org-1374552656411-90718"]);
    expect(running.store.list()[0]?.createdAt).toBe("2026-01-15T18:00:30.000Z");
  });
});
