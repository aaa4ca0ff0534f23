/** Test-only: an emulator with a settable clock and a small REST client for the REST conformance tests. */
import { afterAll, beforeAll, beforeEach } from "vitest";

import { silentLogger } from "../log/logger.ts";
import { startEmulator, type RunningEmulator } from "../start-emulator.ts";
import type { Lead } from "../store/lead.ts";

export const CLIENT_ID = "demo-client-id";
export const CLIENT_SECRET = "demo-client-secret";
export const COOKIE = "id:123-ABC-456&token:_mch-example.test-1700000000000-12345";
export const OTHER_COOKIE = "id:123-ABC-456&token:_mch-example.test-97bf4361ef4433921a6da262e8df45ab";

export interface RestReply {
  status: number;
  body: {
    requestId?: string;
    success?: boolean;
    result?: Array<{ id?: number; status: string; reasons?: Array<{ code: string; message: string }> }>;
    errors?: Array<{ code: string; message: string }>;
    [key: string]: unknown;
  };
}

export interface RestFixture {
  readonly url: string;
  readonly emulator: RunningEmulator;
  /** Moves the emulator's clock forward. */
  advance(ms: number): void;
  token(): Promise<string>;
  /** POSTs JSON to an API path with a valid token unless `token` is given. */
  post(path: string, body?: unknown, options?: { token?: string | null; contentType?: string; rawBody?: string }): Promise<RestReply>;
  associate(leadId: number | string, cookieQuery: string | undefined): Promise<RestReply>;
  visit(cookie: string, url: string): Promise<void>;
  leads(): Promise<Lead[]>;
  seed(lead: Record<string, unknown>): Promise<Lead>;
  configure(patch: Record<string, unknown>): Promise<void>;
  calls(): Promise<Array<{ operation: string | null; outcome: string; code?: number }>>;
}

/** Starts one emulator per test file on a free port, with its clock under the test's control; resets before each test. */
export function useRestEmulator(): RestFixture {
  let running: RunningEmulator | undefined;
  let offsetMs = 0;

  beforeAll(async () => {
    running = await startEmulator({ port: 0, logger: silentLogger, clock: () => new Date(Date.now() + offsetMs) });
  });
  afterAll(async () => {
    await running?.close();
  });
  beforeEach(async () => {
    offsetMs = 0;
    await fetch(`${fixture.url}/_emulator/reset`, { method: "POST" });
  });

  const json = async (response: Response): Promise<RestReply> => {
    const text = await response.text();
    return { status: response.status, body: text === "" ? {} : (JSON.parse(text) as RestReply["body"]) };
  };

  const fixture: RestFixture = {
    get emulator() {
      if (running === undefined) throw new Error("the emulator is not running yet");
      return running;
    },
    get url() {
      return fixture.emulator.url;
    },
    advance(ms) {
      offsetMs += ms;
    },
    async token() {
      const query = new URLSearchParams({ grant_type: "client_credentials", client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
      const response = await fetch(`${fixture.url}/identity/oauth/token?${query}`);
      return ((await response.json()) as { access_token: string }).access_token;
    },
    async post(path, body, options = {}) {
      const token = options.token === undefined ? await fixture.token() : options.token;
      const headers: Record<string, string> = { "content-type": options.contentType ?? "application/json" };
      if (token !== null) headers.authorization = `Bearer ${token}`;
      const payload = options.rawBody ?? (body === undefined ? undefined : JSON.stringify(body));
      return json(await fetch(`${fixture.url}${path}`, { method: "POST", headers, ...(payload !== undefined && { body: payload }) }));
    },
    async associate(leadId, cookieQuery) {
      const query = cookieQuery === undefined ? "" : `?cookie=${cookieQuery}`;
      return fixture.post(`/rest/v1/leads/${leadId}/associate.json${query}`);
    },
    async visit(cookie, url) {
      const query = new URLSearchParams({ _mchCk: cookie, _mchUrl: url });
      await fetch(`${fixture.url}/webevents/visitWebPage?${query}`);
    },
    async leads() {
      return (await (await fetch(`${fixture.url}/_emulator/leads`)).json()) as Lead[];
    },
    async seed(lead) {
      const response = await fetch(`${fixture.url}/_emulator/leads`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(lead),
      });
      if (response.status !== 201) throw new Error(`seeding failed with ${response.status}: ${await response.text()}`);
      return (await response.json()) as Lead;
    },
    async configure(patch) {
      const response = await fetch(`${fixture.url}/_emulator/config`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(patch),
      });
      if (response.status !== 200) throw new Error(`config rejected with ${response.status}: ${await response.text()}`);
    },
    async calls() {
      return (await (await fetch(`${fixture.url}/_emulator/calls`)).json()) as Array<{ operation: string | null; outcome: string; code?: number }>;
    },
  };
  return fixture;
}

/** Returns the first error code of a failed reply, or the first reason code of its first record. */
export function errorCode(reply: RestReply): string | undefined {
  return reply.body.errors?.[0]?.code ?? reply.body.result?.[0]?.reasons?.[0]?.code;
}
