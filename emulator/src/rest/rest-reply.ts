/**
 * Marketo's REST reply shapes. Errors come with HTTP 200: `success: false` and
 * `errors: [{code, message}]` for a failed request, or `status: "skipped"` with
 * `reasons: [{code, message}]` for one record of a request that succeeded. Codes are quoted
 * integers, as Marketo sends them.
 */

/** Marketo's wording per error code, used when the emulator has no more specific message. */
export const REST_ERROR_MESSAGES: Readonly<Record<number, string>> = {
  600: "Access token not specified",
  601: "Access token invalid",
  602: "Access token expired",
  603: "Access denied",
  604: "Request time-out",
  605: "HTTP Method not supported",
  606: "Max rate limit exceeded",
  607: "Daily quota reached",
  608: "API Temporarily Unavailable",
  609: "Invalid JSON",
  610: "Requested resource not found",
  611: "System error",
  612: "Invalid Content Type",
  613: "Invalid Multipart Request",
  614: "Invalid Subscription",
  615: "Concurrent access limit reached",
  701: "A required value cannot be blank",
  1001: "Invalid value for the field type",
  1002: "Missing value for a required parameter",
  1003: "Invalid data",
  1004: "Lead not found",
  1005: "Lead already exists",
  1006: "Field not found",
  1007: "Multiple leads match the lookup criteria",
  1008: "Access denied to partition",
  1009: "Partition name must be specified",
  1010: "Partition update not allowed",
  1011: "Field not supported",
  1012: "Invalid cookie value",
};

/** A request-level REST error: the whole call failed and nothing was applied. */
export class RestError extends Error {
  override name = "RestError";

  constructor(
    readonly code: number,
    message: string = REST_ERROR_MESSAGES[code] ?? "Error",
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Reason a record was skipped. */
export interface SkipReason {
  code: number;
  message: string;
}

export function skipReason(code: number, message: string = REST_ERROR_MESSAGES[code] ?? "Skipped"): SkipReason {
  return { code, message };
}

/** One entry of `result[]`. */
export type RecordResult =
  | { id: number; status: "created" | "updated" }
  | { status: "skipped"; reasons: Array<{ code: string; message: string }> };

export function skippedRecord(reason: SkipReason): RecordResult {
  return { status: "skipped", reasons: [{ code: String(reason.code), message: reason.message }] };
}

/** Makes a request id in Marketo's shape, four hex digits, `#` and the time in hex ms. */
export function newRequestId(now: Date): string {
  const random = Math.floor(Math.random() * 0x10000).toString(16).padStart(4, "0");
  return `${random}#${now.getTime().toString(16)}`;
}

const JSON_HEADERS = { "content-type": "application/json;charset=UTF-8" };

export function errorReply(requestId: string, error: RestError): Response {
  const body = { requestId, success: false, errors: [{ code: String(error.code), message: error.message }] };
  return new Response(JSON.stringify(body), { status: 200, headers: JSON_HEADERS });
}

/** Builds a successful reply. Calls without results (Associate Lead) pass no `result`. */
export function successReply(requestId: string, result?: RecordResult[]): Response {
  const body = result === undefined ? { requestId, success: true } : { requestId, success: true, result };
  return new Response(JSON.stringify(body), { status: 200, headers: JSON_HEADERS });
}
