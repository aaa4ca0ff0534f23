import { Window } from "happy-dom";
import { afterEach, describe, expect, it } from "vitest";

import { useEmulator } from "../testing/emulator-fixture.ts";

const COOKIE_PATTERN = /^id:123-ABC-456&token:_mch-shop\.example\.test-(\d{13})-(\d{5})$/;

interface Page {
  window: Window;
  /** URLs the script loaded through `new Image()`. */
  beacons: string[];
}

const pages: Window[] = [];

afterEach(async () => {
  for (const page of pages.splice(0)) {
    await page.happyDOM.close();
  }
});

/**
 * Opens a page in happy-dom that includes the emulator's `/munchkin.js`. happy-dom does not
 * load images, so Image is replaced by a recorder and the tests send the beacons themselves.
 */
async function openPage(emulatorUrl: string, pageUrl: string, cookie?: string): Promise<Page> {
  const window = new Window({ url: pageUrl, settings: { disableJavaScriptFileLoading: true } });
  pages.push(window);
  if (cookie !== undefined) {
    window.document.cookie = `${cookie}; path=/`;
  }

  const beacons: string[] = [];
  class RecordingImage {
    set src(value: string) {
      beacons.push(value);
    }
  }
  Object.assign(window, { Image: RecordingImage });

  const script = window.document.createElement("script");
  script.src = `${emulatorUrl}/munchkin.js`;
  window.document.head.appendChild(script);

  const source = await (await fetch(`${emulatorUrl}/munchkin.js`)).text();
  window.eval(source);
  return { window, beacons };
}

function munchkin(page: Page): { init(id: string): void; munchkinFunction(name: string, data: object): void } {
  return (page.window as unknown as { Munchkin: ReturnType<typeof munchkin> }).Munchkin;
}

function trackingCookie(page: Page): string | undefined {
  return page.window.document.cookie
    .split("; ")
    .find((pair) => pair.startsWith("_mkto_trk="))
    ?.slice("_mkto_trk=".length);
}

describe("munchkin.js", () => {
  const emulator = useEmulator();

  it("serves JavaScript to any origin", async () => {
    const response = await fetch(`${emulator.url}/munchkin.js`, { headers: { origin: "https://shop.example.test" } });

    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
  });

  it("uses no eval and no inline styles", async () => {
    const source = await (await fetch(`${emulator.url}/munchkin.js`)).text();

    expect(source).not.toMatch(/\beval\(|new Function|setTimeout\(\s*["']|\.style\b|setAttribute\(\s*["']style/);
  });

  it("sets _mkto_trk in Marketo's format", async () => {
    const before = Date.now();
    const page = await openPage(emulator.url, "https://shop.example.test/pricing");

    munchkin(page).init("123-ABC-456");

    const match = COOKIE_PATTERN.exec(trackingCookie(page) ?? "");
    expect(match).not.toBeNull();
    expect(Number(match?.[1])).toBeGreaterThanOrEqual(before);
    expect(Number(match?.[1])).toBeLessThanOrEqual(Date.now());
  });

  it("keeps an existing _mkto_trk", async () => {
    const existing = "id:123-ABC-456&token:_mch-shop.example.test-1700000000000-00042";
    const page = await openPage(emulator.url, "https://shop.example.test/", `_mkto_trk=${existing}`);

    munchkin(page).init("123-ABC-456");

    expect(trackingCookie(page)).toBe(existing);
  });

  it("reports the visit to its own origin", async () => {
    const page = await openPage(emulator.url, "https://shop.example.test/pricing?plan=pro");
    Object.defineProperty(page.window.document, "referrer", { value: "https://search.example.test/" });

    munchkin(page).init("123-ABC-456");

    expect(page.beacons).toHaveLength(1);
    const beacon = new URL(page.beacons[0] ?? "");
    expect(beacon.origin).toBe(emulator.url);
    expect(beacon.pathname).toBe("/webevents/visitWebPage");
    expect(beacon.searchParams.get("_mchCk")).toBe(trackingCookie(page));
    expect(beacon.searchParams.get("_mchUrl")).toBe("https://shop.example.test/pricing?plan=pro");
    expect(beacon.searchParams.get("_mchRef")).toBe("https://search.example.test/");
  });

  it("records visits on one anonymous lead", async () => {
    const page = await openPage(emulator.url, "https://shop.example.test/");
    munchkin(page).init("123-ABC-456");
    munchkin(page).munchkinFunction("visitWebPage", { url: "/pricing" });

    for (const beacon of page.beacons) {
      const response = await fetch(beacon);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("image/gif");
    }

    const leads = await emulator.leads();
    expect(leads).toHaveLength(1);
    expect(leads[0]?.anonymous).toBe(true);
    expect(leads[0]?.partition).toBe("Default");
    expect(leads[0]?.cookies).toEqual([trackingCookie(page)]);
    expect(leads[0]?.visits.map((visit) => visit.url)).toEqual([
      "https://shop.example.test/",
      "https://shop.example.test/pricing",
    ]);
  });

  it("honours ?marketo_opt_out=true", async () => {
    const page = await openPage(
      emulator.url,
      "https://shop.example.test/?marketo_opt_out=true",
      "_mkto_trk=id:123-ABC-456&token:_mch-shop.example.test-1700000000000-00042",
    );

    munchkin(page).init("123-ABC-456");

    expect(trackingCookie(page)).toBeUndefined();
    expect(page.window.document.cookie).toContain("mkto_opt_out=true");
    expect(page.beacons).toEqual([]);
  });

  it("honours an mkto_opt_out cookie", async () => {
    const page = await openPage(emulator.url, "https://shop.example.test/", "mkto_opt_out=true");

    munchkin(page).init("123-ABC-456");

    expect(trackingCookie(page)).toBeUndefined();
    expect(page.beacons).toEqual([]);
  });

  it("ignores an invalid Munchkin id", async () => {
    const page = await openPage(emulator.url, "https://shop.example.test/");

    munchkin(page).init("not-an-id");

    expect(trackingCookie(page)).toBeUndefined();
    expect(page.beacons).toEqual([]);
  });
});

describe("visitWebPage", () => {
  const emulator = useEmulator();
  const cookie = "id:123-ABC-456&token:_mch-shop.example.test-1700000000000-12345";

  function visitUrl(params: Record<string, string>): string {
    return `${emulator.url}/webevents/visitWebPage?${new URLSearchParams(params).toString()}`;
  }

  it("accepts a beacon POST without preflight", async () => {
    const response = await fetch(`${emulator.url}/webevents/visitWebPage`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "https://shop.example.test" },
      body: new URLSearchParams({ _mchCk: cookie, _mchUrl: "https://shop.example.test/a" }).toString(),
    });

    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect((await emulator.leads())[0]?.visits[0]?.url).toBe("https://shop.example.test/a");
  });

  it("records on the known lead holding the cookie", async () => {
    const known = await emulator.seed({ email: "ana@example.test", cookies: [cookie] });

    await fetch(visitUrl({ _mchCk: cookie, _mchUrl: "https://shop.example.test/b" }));

    const leads = await emulator.leads();
    expect(leads).toHaveLength(1);
    expect(leads[0]?.id).toBe(known.id);
    expect(leads[0]?.visits.map((visit) => visit.cookie)).toEqual([cookie]);
  });

  it.each([
    ["a missing cookie", { _mchUrl: "https://shop.example.test/" }, "invalid _mchCk"],
    ["a malformed cookie", { _mchCk: "hello", _mchUrl: "https://shop.example.test/" }, "invalid _mchCk"],
    [
      "another instance's cookie",
      { _mchCk: cookie.replace("123-ABC-456", "999-XYZ-999"), _mchUrl: "https://shop.example.test/" },
      "Munchkin id 999-XYZ-999",
    ],
    ["a relative page URL", { _mchCk: cookie, _mchUrl: "/pricing" }, "invalid _mchUrl"],
  ])("rejects %s with 400", async (_case, params, message) => {
    const response = await fetch(visitUrl(params));

    expect(response.status).toBe(400);
    expect(await response.text()).toContain(message);
    expect(await emulator.leads()).toEqual([]);
  });
});
