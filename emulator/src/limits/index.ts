export * from "./call-limiter.ts";
