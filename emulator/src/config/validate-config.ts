import { INJECTED_FAULT_KINDS, TRANSPORTS, type FaultSettings, type InjectedFault } from "../injection/fault-settings.ts";
import {
  FIELD_TYPES,
  FieldCatalogue,
  STANDARD_FIELD_NAMES,
  type CustomFieldDefinition,
} from "../store/field-catalogue.ts";
import { DEFAULT_WORKSPACE, type AssignmentRule, type WorkspaceDefinition } from "../store/workspaces.ts";
import {
  ConfigError,
  readArray,
  readBoolean,
  readEnum,
  readInteger,
  readNumber,
  readObject,
  readString,
} from "./config-error.ts";
import type { Credentials, EmulatorConfig, LimitSettings, TimestampWindow } from "./emulator-config.ts";

const MUNCHKIN_ID = /^[0-9]{3}-[A-Z]{3}-[0-9]{3}$/;
const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const MAX_DELAY_MS = 600_000;
const MAX_COUNT = 1_000_000_000;

/**
 * Fault codes that can be injected. `fault` entries for SOAP must use one of these so the
 * fault renders with Marketo's title; REST codes are checked by the REST layer.
 */
export type FaultCodeCheck = (transport: string, code: number) => boolean;

/**
 * Validates a complete config document and returns it typed. Errors name the path, the
 * expected value and the value received.
 */
export function validateConfig(value: unknown, isKnownFaultCode: FaultCodeCheck): EmulatorConfig {
  const root = readObject(value, "config", [
    "credentials",
    "workspacesEnabled",
    "partitions",
    "workspaces",
    "assignmentRules",
    "customFields",
    "limits",
    "timestampWindow",
    "accessTokenLifetimeSeconds",
    "faults",
  ]);

  const customFields = readCustomFields(root.customFields);
  const partitions = readPartitions(root.partitions);
  const workspaces = readWorkspaces(root.workspaces, partitions);
  const assignmentRules = readAssignmentRules(root.assignmentRules, partitions, new FieldCatalogue(customFields));

  return {
    credentials: readCredentials(root.credentials),
    workspacesEnabled: readBoolean(root.workspacesEnabled, "config.workspacesEnabled"),
    partitions,
    workspaces,
    assignmentRules,
    customFields,
    limits: readLimits(root.limits),
    timestampWindow: readTimestampWindow(root.timestampWindow),
    accessTokenLifetimeSeconds: readInteger(root.accessTokenLifetimeSeconds, "config.accessTokenLifetimeSeconds", 1, 86_400),
    faults: readFaults(root.faults, isKnownFaultCode),
  };
}

function readCredentials(value: unknown): Credentials {
  const path = "config.credentials";
  const credentials = readObject(value, path, [
    "soapUserId",
    "soapEncryptionKey",
    "munchkinId",
    "restClientId",
    "restClientSecret",
  ]);
  return {
    soapUserId: readString(credentials.soapUserId, `${path}.soapUserId`),
    soapEncryptionKey: readString(credentials.soapEncryptionKey, `${path}.soapEncryptionKey`),
    munchkinId: readString(
      credentials.munchkinId,
      `${path}.munchkinId`,
      MUNCHKIN_ID,
      "a Munchkin id such as 123-ABC-456",
    ),
    restClientId: readString(credentials.restClientId, `${path}.restClientId`),
    restClientSecret: readString(credentials.restClientSecret, `${path}.restClientSecret`),
  };
}

function readPartitions(value: unknown): string[] {
  const partitions = readArray(value, "config.partitions").map((entry, index) =>
    readString(entry, `config.partitions[${index}]`),
  );
  if (new Set(partitions).size !== partitions.length) {
    throw new ConfigError(`config.partitions: names must be unique, got ${JSON.stringify(partitions)}`);
  }
  return partitions;
}

function readWorkspaces(value: unknown, partitions: readonly string[]): WorkspaceDefinition[] {
  const workspaces = readArray(value, "config.workspaces").map((entry, index) => {
    const path = `config.workspaces[${index}]`;
    const workspace = readObject(entry, path, ["name", "primaryPartition"]);
    const primaryPartition = readString(workspace.primaryPartition, `${path}.primaryPartition`);
    if (!partitions.includes(primaryPartition)) {
      throw new ConfigError(
        `${path}.primaryPartition: partition '${primaryPartition}' is not in config.partitions; add it there`,
      );
    }
    return { name: readString(workspace.name, `${path}.name`), primaryPartition };
  });

  const names = workspaces.map((workspace) => workspace.name.toLowerCase());
  if (new Set(names).size !== names.length) {
    throw new ConfigError("config.workspaces: names must be unique (compared case-insensitively)");
  }
  if (!names.includes(DEFAULT_WORKSPACE.toLowerCase())) {
    throw new ConfigError(`config.workspaces: the '${DEFAULT_WORKSPACE}' workspace is missing; every instance has one`);
  }
  return workspaces;
}

function readAssignmentRules(
  value: unknown,
  partitions: readonly string[],
  fields: FieldCatalogue,
): AssignmentRule[] {
  return readArray(value, "config.assignmentRules").map((entry, index) => {
    const path = `config.assignmentRules[${index}]`;
    const rule = readObject(entry, path, ["field", "values", "partition"]);

    const field = readString(rule.field, `${path}.field`);
    if (fields.bySoapName(field) === undefined) {
      throw new ConfigError(`${path}.field: '${field}' is not a known lead field; use a SOAP field name such as Country`);
    }

    const partition = readString(rule.partition, `${path}.partition`);
    if (!partitions.includes(partition)) {
      throw new ConfigError(`${path}.partition: partition '${partition}' is not in config.partitions; add it there`);
    }

    const values = readArray(rule.values, `${path}.values`).map((item, position) =>
      readString(item, `${path}.values[${position}]`),
    );
    return { field, values, partition };
  });
}

function readCustomFields(value: unknown): CustomFieldDefinition[] {
  return readArray(value, "config.customFields").map((entry, index) => {
    const path = `config.customFields[${index}]`;
    const field = readObject(entry, path, ["name", "type", "restName"]);

    const name = readString(field.name, `${path}.name`, FIELD_NAME, "a field name of letters, digits and _");
    if (STANDARD_FIELD_NAMES.has(name)) {
      throw new ConfigError(`${path}.name: '${name}' is already a standard field; leave it out`);
    }

    const definition: CustomFieldDefinition = { name, type: readEnum(field.type, `${path}.type`, FIELD_TYPES) };
    if (field.restName !== undefined) {
      definition.restName = readString(field.restName, `${path}.restName`, FIELD_NAME, "a field name of letters, digits and _");
    }
    return definition;
  });
}

function readLimits(value: unknown): LimitSettings {
  const path = "config.limits";
  const limits = readObject(value, path, ["dailyQuota", "rateLimit", "maxConcurrentCalls", "maxRequestBytes"]);
  const rateLimit = readObject(limits.rateLimit, `${path}.rateLimit`, ["maxCalls", "windowSeconds"]);
  return {
    dailyQuota: readInteger(limits.dailyQuota, `${path}.dailyQuota`, 0, MAX_COUNT),
    rateLimit: {
      maxCalls: readInteger(rateLimit.maxCalls, `${path}.rateLimit.maxCalls`, 1, MAX_COUNT),
      windowSeconds: readNumber(rateLimit.windowSeconds, `${path}.rateLimit.windowSeconds`, 0, 86_400),
    },
    maxConcurrentCalls: readInteger(limits.maxConcurrentCalls, `${path}.maxConcurrentCalls`, 1, 10_000),
    maxRequestBytes: readInteger(limits.maxRequestBytes, `${path}.maxRequestBytes`, 1, 100 * 1_048_576),
  };
}

function readTimestampWindow(value: unknown): TimestampWindow {
  const path = "config.timestampWindow";
  const window = readObject(value, path, ["maxAgeSeconds", "maxFutureSeconds"]);
  return {
    maxAgeSeconds: readInteger(window.maxAgeSeconds, `${path}.maxAgeSeconds`, 0, 31_536_000),
    maxFutureSeconds: readInteger(window.maxFutureSeconds, `${path}.maxFutureSeconds`, 0, 31_536_000),
  };
}

function readFaults(value: unknown, isKnownFaultCode: FaultCodeCheck): FaultSettings {
  const path = "config.faults";
  const faults = readObject(value, path, ["latencyMs", "holdReplyMs", "queue"]);
  return {
    latencyMs: readInteger(faults.latencyMs, `${path}.latencyMs`, 0, MAX_DELAY_MS),
    holdReplyMs: readInteger(faults.holdReplyMs, `${path}.holdReplyMs`, 0, MAX_DELAY_MS),
    queue: readArray(faults.queue, `${path}.queue`).map((entry, index) =>
      readInjectedFault(entry, `${path}.queue[${index}]`, isKnownFaultCode),
    ),
  };
}

function readInjectedFault(value: unknown, path: string, isKnownFaultCode: FaultCodeCheck): InjectedFault {
  const entry = readObject(value, path, ["kind", "code", "count", "transport"]);
  const fault: InjectedFault = {
    kind: readEnum(entry.kind, `${path}.kind`, INJECTED_FAULT_KINDS),
    count: readInteger(entry.count ?? 1, `${path}.count`, 1, MAX_COUNT),
  };

  if (entry.transport !== undefined) {
    fault.transport = readEnum(entry.transport, `${path}.transport`, TRANSPORTS);
  }

  if (fault.kind === "fault") {
    if (fault.transport === undefined) {
      throw new ConfigError(`${path}.transport: required for kind "fault", because codes differ per transport; use "soap" or "rest"`);
    }
    const code = readInteger(entry.code, `${path}.code`, 1, 99_999);
    if (!isKnownFaultCode(fault.transport, code)) {
      throw new ConfigError(`${path}.code: ${code} is not a known ${fault.transport} error code`);
    }
    fault.code = code;
  } else if (entry.code !== undefined) {
    throw new ConfigError(`${path}.code: only kind "fault" takes a code`);
  }
  return fault;
}
