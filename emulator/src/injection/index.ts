export * from "./fault-injector.ts";
export * from "./fault-settings.ts";
export * from "./run-with-injection.ts";
