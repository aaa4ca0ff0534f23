import {
  InvalidLeadInputError,
  LeadConflictError,
  LeadNotFoundError,
  MissingParameterError,
  PartitionMismatchError,
  UnknownFieldError,
  WorkspaceNotFoundError,
  type LeadStoreError,
} from "../store/errors.ts";
import { SoapFault } from "./soap-fault.ts";

/**
 * Maps a store rule violation to a Marketo fault. Marketo documents no code for workspace
 * errors, so the emulator uses 20110 Bad Parameter for an unknown workspace and 20106 Lead
 * Sync Failed for a lead outside the named workspace's primary partition.
 */
export function faultForStoreError(error: LeadStoreError, operation: string): SoapFault {
  if (error instanceof UnknownFieldError) {
    return new SoapFault(20105, `${operation} operation failed: ${error.message}`, { cause: error });
  }
  if (error instanceof LeadNotFoundError) {
    return new SoapFault(20103, error.message, { cause: error });
  }
  if (error instanceof MissingParameterError) {
    return new SoapFault(20109, error.message, { cause: error });
  }
  if (error instanceof InvalidLeadInputError || error instanceof WorkspaceNotFoundError) {
    return new SoapFault(20110, error.message, { cause: error });
  }
  if (error instanceof PartitionMismatchError || error instanceof LeadConflictError) {
    return new SoapFault(20106, `${operation} operation failed: ${error.message}`, { cause: error });
  }
  return new SoapFault(20011, "the emulator could not apply the request", { cause: error });
}
