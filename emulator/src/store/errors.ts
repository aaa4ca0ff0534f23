/**
 * Base of the store's rule violations. `code` is a stable word that each transport maps to
 * its own error (a SOAP fault code, a REST error code).
 */
export class LeadStoreError extends Error {
  override name = "LeadStoreError";
  readonly code: string = "lead_store_error";
}

/** A request value is malformed (bad id, unknown ForeignSysType, …). */
export class InvalidLeadInputError extends LeadStoreError {
  override name = "InvalidLeadInputError";
  override readonly code = "invalid_input";
}

/** A required value is absent. */
export class MissingParameterError extends LeadStoreError {
  override name = "MissingParameterError";
  override readonly code = "missing_parameter";
}

/** Attribute names that are neither standard nor configured custom fields. */
export class UnknownFieldError extends LeadStoreError {
  override name = "UnknownFieldError";
  override readonly code = "unknown_field";

  constructor(readonly fields: string[]) {
    super(`unknown fields for import: ${fields.join(", ")}`);
  }
}

/** A unique key (Id, or a lookup key of getLead) matched no lead. */
export class LeadNotFoundError extends LeadStoreError {
  override name = "LeadNotFoundError";
  override readonly code = "lead_not_found";

  constructor(
    readonly keyType: string,
    readonly keyValue: string,
  ) {
    super(`No lead found with ${keyType} = ${keyValue}`);
  }
}

/** The workspace named in the context header does not exist, or workspaces are off. */
export class WorkspaceNotFoundError extends LeadStoreError {
  override name = "WorkspaceNotFoundError";
  override readonly code = "workspace_not_found";
}

/** A lead matched by a unique key lies outside the named workspace's primary partition. */
export class PartitionMismatchError extends LeadStoreError {
  override name = "PartitionMismatchError";
  override readonly code = "partition_mismatch";
}

/** The write would break a uniqueness rule, e.g. a ForeignSysPersonId held by another lead. */
export class LeadConflictError extends LeadStoreError {
  override name = "LeadConflictError";
  override readonly code = "lead_conflict";
}
