export { createEmulator, type Emulator, type EmulatorOptions } from "./app.ts";
export { startEmulator, type RunningEmulator, type StartEmulatorOptions } from "./start-emulator.ts";
export type { EmulatorContext } from "./emulator-context.ts";
export { ConfigError } from "./config/config-error.ts";
export { ConfigHolder } from "./config/config-holder.ts";
export {
  DEMO_CREDENTIALS,
  defaultConfig,
  publicConfig,
  type Credentials,
  type EmulatorConfig,
  type LimitSettings,
  type TimestampWindow,
} from "./config/emulator-config.ts";
export * from "./store/index.ts";
export * from "./injection/index.ts";
export * from "./limits/index.ts";
export * from "./log/index.ts";
export { CallLog, type CallRecord } from "./control/call-log.ts";
export { computeSignature } from "./soap/authenticate.ts";
export { FAULT_TITLES, SoapFault } from "./soap/soap-fault.ts";
