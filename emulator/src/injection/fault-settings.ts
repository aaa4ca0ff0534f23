/** Transports that share the injection queue. */
export const TRANSPORTS = ["soap", "rest"] as const;
export type Transport = (typeof TRANSPORTS)[number];

/**
 * Kinds of injected failure:
 * - `fault`: return the transport's error for `code` (a SOAP fault code, a REST error code);
 * - `html500`: return HTTP 500 with an HTML page, as a broken load balancer would;
 * - `drop`: destroy the connection before the call is applied;
 * - `dropAfterApply`: apply the call, then destroy the connection without a reply.
 */
export const INJECTED_FAULT_KINDS = ["fault", "html500", "drop", "dropAfterApply"] as const;
export type InjectedFaultKind = (typeof INJECTED_FAULT_KINDS)[number];

/** One entry of the injection queue; it applies to the next `count` calls of its transport. */
export interface InjectedFault {
  kind: InjectedFaultKind;
  /** Error code for `kind: "fault"`. */
  code?: number;
  count: number;
  /** Transport the entry applies to; absent means any. Required for `kind: "fault"`. */
  transport?: Transport;
}

export interface FaultSettings {
  /** Delay in ms added before every API call is handled. */
  latencyMs: number;
  /** Delay in ms between applying an API call and sending its reply. */
  holdReplyMs: number;
  /** Failures for the next calls, consumed front to back. */
  queue: InjectedFault[];
}
