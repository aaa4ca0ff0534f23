import type { ConfigHolder } from "./config/config-holder.ts";
import type { CallLog } from "./control/call-log.ts";
import type { FaultInjector } from "./injection/fault-injector.ts";
import type { Transport } from "./injection/fault-settings.ts";
import type { CallLimiter } from "./limits/call-limiter.ts";
import type { Logger } from "./log/logger.ts";
import type { LeadStore } from "./store/lead-store.ts";

/** State and services shared by every route group (SOAP, REST, Munchkin, control). */
export interface EmulatorContext {
  store: LeadStore;
  config: ConfigHolder;
  calls: CallLog;
  injector: FaultInjector;
  /** One limiter per transport: each counts its own calls against the configured limits. */
  limiters: Record<Transport, CallLimiter>;
  logger: Logger;
  clock: () => Date;
}
