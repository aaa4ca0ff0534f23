export * from "./errors.ts";
export * from "./field-catalogue.ts";
export * from "./lead.ts";
export * from "./lead-store.ts";
export * from "./match-lead.ts";
export * from "./munchkin-cookie.ts";
export * from "./upsert-lead.ts";
export * from "./workspaces.ts";
