/**
 * Workspaces and person partitions, one case per rule.
 *
 * Marketo documents these rules. With a context header, a new lead goes to the first matching
 * assignment rule's partition, else to the named workspace's primary partition. Id, foreign id
 * and cookie matches must already be in that primary partition, while an e-mail match ignores
 * the header. Without the header, a new lead goes to the rule's partition or the Default
 * workspace's, and existing leads stay where they are. With workspaces off, only "Default"
 * may be named.
 *
 * The fault codes (20110 for an unknown workspace, 20106 for a partition mismatch) and the
 * case-insensitive names are the emulator's choices.
 */
import { describe, expect, it } from "vitest";

import type { Lead } from "../store/lead.ts";
import { useEmulator } from "../testing/emulator-fixture.ts";
import { postSoap, readFault, readSyncResult, syncLeadEnvelope, type SyncLeadFields } from "../testing/soap-test-client.ts";

const COOKIE = "id:123-ABC-456&token:_mch-example.test-1700000000000-11111";

const PARTITIONED = {
  workspacesEnabled: true,
  partitions: ["Default", "EMEA", "Americas"],
  workspaces: [
    { name: "Default", primaryPartition: "Default" },
    { name: "Europe", primaryPartition: "EMEA" },
    { name: "North America", primaryPartition: "Americas" },
  ],
  assignmentRules: [{ field: "Country", values: ["DE", "AT", "CH"], partition: "EMEA" }],
};

interface WorkspaceCase {
  rule: string;
  config: Record<string, unknown>;
  seeds: Array<Record<string, unknown>>;
  request: SyncLeadFields;
  /** Expected partition of the written lead, or the fault code. */
  expected: { partition: string; status: string } | { fault: number; message: RegExp };
}

const cases: WorkspaceCase[] = [
  {
    rule: "workspaces off: a new lead goes to Default",
    config: { ...PARTITIONED, workspacesEnabled: false },
    seeds: [],
    request: { email: "a@example.test", attributes: { Country: "DE" } },
    expected: { partition: "Default", status: "CREATED" },
  },
  {
    rule: "workspaces off: naming Default is allowed",
    config: {},
    seeds: [],
    request: { email: "a@example.test", workspace: "Default" },
    expected: { partition: "Default", status: "CREATED" },
  },
  {
    rule: "workspaces off: another workspace faults 20110",
    config: { ...PARTITIONED, workspacesEnabled: false },
    seeds: [],
    request: { email: "a@example.test", workspace: "Europe" },
    expected: { fault: 20110, message: /workspace 'Europe' is not available: workspaces are not enabled/ },
  },
  {
    rule: "workspace names compare case-insensitively",
    config: PARTITIONED,
    seeds: [],
    request: { email: "a@example.test", workspace: "europe" },
    expected: { partition: "EMEA", status: "CREATED" },
  },
  {
    rule: "workspaces off: default in lower case is Default",
    config: {},
    seeds: [],
    request: { email: "a@example.test", workspace: "default" },
    expected: { partition: "Default", status: "CREATED" },
  },
  {
    rule: "no header: a new lead goes to the Default workspace's primary partition",
    config: PARTITIONED,
    seeds: [],
    request: { email: "a@example.test", attributes: { Country: "PT" } },
    expected: { partition: "Default", status: "CREATED" },
  },
  {
    rule: "no header: an assignment rule places a new lead",
    config: PARTITIONED,
    seeds: [],
    request: { email: "a@example.test", attributes: { Country: "de" } },
    expected: { partition: "EMEA", status: "CREATED" },
  },
  {
    rule: "no header: an existing lead stays in its partition",
    config: PARTITIONED,
    seeds: [{ id: 100, email: "a@example.test", partition: "Americas" }],
    request: { id: 100, attributes: { Country: "DE" } },
    expected: { partition: "Americas", status: "UPDATED" },
  },
  {
    rule: "header: a new lead goes to the named workspace's primary partition",
    config: PARTITIONED,
    seeds: [],
    request: { email: "a@example.test", workspace: "North America" },
    expected: { partition: "Americas", status: "CREATED" },
  },
  {
    rule: "header: an assignment rule beats the primary partition",
    config: PARTITIONED,
    seeds: [],
    request: { email: "a@example.test", workspace: "North America", attributes: { Country: "CH" } },
    expected: { partition: "EMEA", status: "CREATED" },
  },
  {
    rule: "header: an Id match in the primary partition updates",
    config: PARTITIONED,
    seeds: [{ id: 100, email: "a@example.test", partition: "EMEA" }],
    request: { id: 100, workspace: "Europe", attributes: { City: "Berlin" } },
    expected: { partition: "EMEA", status: "UPDATED" },
  },
  {
    rule: "header: an Id match outside the primary partition faults 20106",
    config: PARTITIONED,
    seeds: [{ id: 100, email: "a@example.test", partition: "Default" }],
    request: { id: 100, workspace: "Europe" },
    expected: { fault: 20106, message: /lead 100, matched by id, is in partition 'Default', not in 'EMEA'/ },
  },
  {
    rule: "header: a foreign id match outside the primary partition faults 20106",
    config: PARTITIONED,
    seeds: [{ id: 100, foreignSysPersonId: "F-1", partition: "Americas" }],
    request: { foreignSysPersonId: "F-1", workspace: "Europe" },
    expected: { fault: 20106, message: /matched by foreignSysPersonId/ },
  },
  {
    rule: "header: a cookie match outside the primary partition faults 20106",
    config: PARTITIONED,
    seeds: [{ id: 100, anonymous: true, cookies: [COOKIE], partition: "Default" }],
    request: { cookie: COOKIE, email: "a@example.test", workspace: "Europe" },
    expected: { fault: 20106, message: /matched by cookie/ },
  },
  {
    rule: "header: an e-mail match ignores the workspace",
    config: PARTITIONED,
    seeds: [{ id: 100, email: "a@example.test", partition: "Americas" }],
    request: { email: "a@example.test", workspace: "Europe", attributes: { City: "Berlin" } },
    expected: { partition: "Americas", status: "UPDATED" },
  },
  {
    rule: "header: an unknown workspace faults 20110",
    config: PARTITIONED,
    seeds: [],
    request: { email: "a@example.test", workspace: "Asia" },
    expected: { fault: 20110, message: /workspace 'Asia' not found; configured workspaces: 'Default', 'Europe', 'North America'/ },
  },
  {
    rule: "header: an empty targetWorkspace faults 20109",
    config: PARTITIONED,
    seeds: [],
    request: { email: "a@example.test", workspace: "" },
    expected: { fault: 20109, message: /MktowsContextHeader\/targetWorkspace/ },
  },
];

describe("syncLead workspaces and partitions", () => {
  const emulator = useEmulator();

  it.each(cases.map((entry) => [entry.rule, entry] as const))("%s", async (_rule, entry) => {
    expect((await emulator.configure(entry.config)).status).toBe(200);
    for (const seed of entry.seeds) {
      await emulator.seed(seed);
    }
    const before = await emulator.leads();

    const reply = await postSoap(emulator.url, syncLeadEnvelope(entry.request));

    if ("fault" in entry.expected) {
      const fault = readFault(reply);
      expect(reply.status).toBe(500);
      expect(fault.code).toBe(entry.expected.fault);
      expect(fault.message).toMatch(entry.expected.message);
      expect(await emulator.leads()).toEqual(before);
      return;
    }

    const result = readSyncResult(reply);
    const lead = (await emulator.leads()).find((candidate: Lead) => candidate.id === result.leadId);
    expect(result.status).toBe(entry.expected.status);
    expect(lead?.partition).toBe(entry.expected.partition);
  });

  it("anonymous Munchkin leads go to the Default workspace", async () => {
    await emulator.configure({ ...PARTITIONED, workspaces: [{ name: "Default", primaryPartition: "Americas" }] });

    await fetch(
      `${emulator.url}/webevents/visitWebPage?${new URLSearchParams({ _mchCk: COOKIE, _mchUrl: "https://example.test/" }).toString()}`,
    );

    expect((await emulator.leads())[0]?.partition).toBe("Americas");
  });
});
