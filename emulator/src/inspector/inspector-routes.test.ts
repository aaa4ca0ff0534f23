import { Window } from "happy-dom";
import { afterEach, describe, expect, it } from "vitest";

import { useEmulator } from "../testing/emulator-fixture.ts";

const windows: Window[] = [];

afterEach(async () => {
  for (const window of windows.splice(0)) {
    await window.happyDOM.close();
  }
});

describe("inspector", () => {
  const emulator = useEmulator();

  it("serves the page under a strict CSP", async () => {
    const response = await fetch(`${emulator.url}/`);
    const html = await response.text();

    expect(response.status).toBe(200);
    expect(response.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(response.headers.get("content-security-policy")).toContain("style-src 'self'");
    expect(html).toContain('<script src="/inspector.js" defer></script>');
    expect(html).not.toMatch(/<script>|<style|style="/);
  });

  it.each([
    ["/inspector.js", "text/javascript; charset=utf-8"],
    ["/inspector.css", "text/css; charset=utf-8"],
  ])("serves %s", async (path, contentType) => {
    const response = await fetch(`${emulator.url}${path}`);

    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe(contentType);
  });

  it("renders every lead as text", async () => {
    await emulator.seed({
      id: 4242,
      email: "ana@example.test",
      cookies: ["id:123-ABC-456&token:_mch-example.test-1700000000000-12345"],
      attributes: { Company: 'Lee & Sons <Holdings> "North"' },
      visits: [{ url: "https://example.test/pricing", at: "2026-01-15T10:00:00Z" }],
    });
    await emulator.seed({ id: 5, anonymous: true, cookies: ["id:123-ABC-456&token:_mch-example.test-1700000000001-54321"] });

    const window = new Window({ url: `${emulator.url}/`, settings: { disableJavaScriptFileLoading: true } });
    windows.push(window);
    window.document.write(await (await fetch(`${emulator.url}/`)).text());
    window.eval(await (await fetch(`${emulator.url}/inspector.js`)).text());
    await waitFor(() => window.document.querySelectorAll("article.lead").length === 2);

    const text = window.document.getElementById("leads")?.textContent ?? "";
    expect(text).toContain("Lead 4242");
    expect(text).toContain("ana@example.test");
    expect(text).toContain('Lee & Sons <Holdings> "North"');
    expect(text).toContain("id:123-ABC-456&token:_mch-example.test-1700000000000-12345");
    expect(text).toContain("https://example.test/pricing");
    expect(text).toContain("anonymous");
    expect(window.document.querySelector("Holdings")).toBeNull();
    expect(window.document.getElementById("status")?.textContent).toMatch(/^2 leads/);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error("condition not met in time");
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
