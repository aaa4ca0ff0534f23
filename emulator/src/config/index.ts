export * from "./config-error.ts";
export * from "./config-holder.ts";
export * from "./emulator-config.ts";
export * from "./validate-config.ts";
