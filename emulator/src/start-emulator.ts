import { serve } from "@hono/node-server";

import { createEmulator, type Emulator, type EmulatorOptions } from "./app.ts";

export interface StartEmulatorOptions extends EmulatorOptions {
  /** TCP port; 0 picks a free one. Default: 0, so parallel test runs never collide. */
  port?: number;
  /** Interface to listen on. Default: 127.0.0.1. */
  host?: string;
}

export interface RunningEmulator extends Emulator {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:41234`. */
  url: string;
  port: number;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

/** Starts the emulator on a real port and resolves once it is listening. */
export function startEmulator(options: StartEmulatorOptions = {}): Promise<RunningEmulator> {
  const host = options.host ?? "127.0.0.1";
  const emulator = createEmulator(options);

  return new Promise((resolve, reject) => {
    const server = serve({ fetch: emulator.app.fetch, port: options.port ?? 0, hostname: host }, (info) => {
      const urlHost = host.includes(":") ? `[${host}]` : host;
      resolve({
        ...emulator,
        url: `http://${urlHost}:${info.port}`,
        port: info.port,
        close: () =>
          new Promise<void>((closed, failed) => {
            server.close((error) => (error ? failed(error) : closed()));
            if ("closeAllConnections" in server) {
              server.closeAllConnections();
            }
          }),
      });
    });
    server.once("error", reject);
  });
}
