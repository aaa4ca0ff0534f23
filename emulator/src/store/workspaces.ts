import { PartitionMismatchError, WorkspaceNotFoundError } from "./errors.ts";
import type { Lead } from "./lead.ts";

/** Name of the workspace every instance has, and of its default person partition. */
export const DEFAULT_WORKSPACE = "Default";

export interface WorkspaceDefinition {
  name: string;
  /** Person partition where the workspace's new leads are created by default. */
  primaryPartition: string;
}

/**
 * A person-partition assignment rule: a new lead whose attribute `field` equals one of
 * `values` (compared case-insensitively) is created in `partition`. Rules apply in order;
 * the first match wins.
 */
export interface AssignmentRule {
  field: string;
  values: string[];
  partition: string;
}

/** The instance's workspace and partition layout. */
export interface WorkspaceSettings {
  workspacesEnabled: boolean;
  partitions: string[];
  workspaces: WorkspaceDefinition[];
  assignmentRules: AssignmentRule[];
}

/**
 * The write target of a syncLead call. `named` is the workspace of the context header. It is
 * undefined when the header is absent or workspaces are off, and then no partition check applies.
 */
export interface WorkspaceTarget {
  named: WorkspaceDefinition | undefined;
  settings: WorkspaceSettings;
}

/**
 * Finds a workspace by name. Names compare case-insensitively: Marketo's documentation speaks
 * of the "Default" workspace while its Java sample sends `default`.
 */
export function findWorkspace(
  settings: WorkspaceSettings,
  name: string,
): WorkspaceDefinition | undefined {
  const lowerCaseName = name.toLowerCase();
  return settings.workspaces.find((workspace) => workspace.name.toLowerCase() === lowerCaseName);
}

function defaultWorkspace(settings: WorkspaceSettings): WorkspaceDefinition {
  return findWorkspace(settings, DEFAULT_WORKSPACE) ?? {
    name: DEFAULT_WORKSPACE,
    primaryPartition: DEFAULT_WORKSPACE,
  };
}

/**
 * Resolves the `targetWorkspace` of a context header (undefined when the header is absent).
 * With workspaces off only the Default workspace may be named, and naming it changes nothing.
 */
export function resolveWorkspaceTarget(
  settings: WorkspaceSettings,
  targetWorkspace: string | undefined,
): WorkspaceTarget {
  if (targetWorkspace === undefined) {
    return { named: undefined, settings };
  }

  if (!settings.workspacesEnabled) {
    if (targetWorkspace.toLowerCase() !== DEFAULT_WORKSPACE.toLowerCase()) {
      throw new WorkspaceNotFoundError(
        `workspace '${targetWorkspace}' is not available: workspaces are not enabled, so only ` +
          `'${DEFAULT_WORKSPACE}' may be named`,
      );
    }
    return { named: undefined, settings };
  }

  const workspace = findWorkspace(settings, targetWorkspace);
  if (workspace === undefined) {
    const known = settings.workspaces.map((entry) => `'${entry.name}'`).join(", ");
    throw new WorkspaceNotFoundError(
      `workspace '${targetWorkspace}' not found; configured workspaces: ${known}`,
    );
  }
  return { named: workspace, settings };
}

/**
 * Picks the partition of a new lead: the first assignment rule it qualifies for, else the
 * primary partition of the named workspace, else that of the Default workspace. With
 * workspaces off every lead goes to the Default workspace's primary partition.
 */
export function partitionForNewLead(
  target: WorkspaceTarget,
  attributes: Readonly<Record<string, string>>,
): string {
  const { settings } = target;
  if (!settings.workspacesEnabled) {
    return defaultWorkspace(settings).primaryPartition;
  }

  for (const rule of settings.assignmentRules) {
    const value = attributes[rule.field];
    if (value !== undefined && rule.values.some((candidate) => sameText(candidate, value))) {
      return rule.partition;
    }
  }

  return (target.named ?? defaultWorkspace(settings)).primaryPartition;
}

/** Partition of leads created by Munchkin visits: Munchkin targets the Default workspace. */
export function partitionForAnonymousLead(settings: WorkspaceSettings): string {
  return defaultWorkspace(settings).primaryPartition;
}

/**
 * Enforces Marketo's rule for a named workspace: a lead matched by Id, foreign id or cookie
 * must already be in that workspace's primary partition.
 */
export function assertInNamedWorkspace(target: WorkspaceTarget, lead: Lead, matchedBy: string): void {
  const workspace = target.named;
  if (workspace === undefined || lead.partition === workspace.primaryPartition) {
    return;
  }
  throw new PartitionMismatchError(
    `lead ${lead.id}, matched by ${matchedBy}, is in partition '${lead.partition}', not in ` +
      `'${workspace.primaryPartition}', the primary partition of workspace '${workspace.name}'`,
  );
}

function sameText(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
