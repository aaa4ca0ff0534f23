import { startEmulator } from "./start-emulator.ts";
import { createJsonLogger } from "./log/logger.ts";
import { DEMO_CREDENTIALS } from "./config/emulator-config.ts";

const DEFAULT_PORT = 8790;
const logger = createJsonLogger();

function readPort(): number {
  const text = process.env.EMULATOR_PORT;
  if (text === undefined || text === "") {
    return DEFAULT_PORT;
  }
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`EMULATOR_PORT is invalid: expected an integer from 0 to 65535, got '${text}'`);
  }
  return port;
}

function env(name: string, fallback: string): string {
  const value = process.env[name];
  return value === undefined || value === "" ? fallback : value;
}

function readMunchkinId(): string {
  const munchkinId = env("MARKETO_MUNCHKIN_ID", DEMO_CREDENTIALS.munchkinId);
  if (!/^[0-9]{3}-[A-Z]{3}-[0-9]{3}$/.test(munchkinId)) {
    throw new Error(`MARKETO_MUNCHKIN_ID is invalid: expected a Munchkin id such as 123-ABC-456 (three digits, three upper-case letters, three digits), got '${munchkinId}'`);
  }
  return munchkinId;
}

async function main(): Promise<void> {
  const port = readPort();
  const host = env("EMULATOR_HOST", "127.0.0.1");

  const emulator = await startEmulator({
    port,
    host,
    logger,
    config: {
      credentials: {
        soapUserId: env("MARKETO_USER_ID", DEMO_CREDENTIALS.soapUserId),
        soapEncryptionKey: env("MARKETO_ENCRYPTION_KEY", DEMO_CREDENTIALS.soapEncryptionKey),
        munchkinId: readMunchkinId(),
        restClientId: env("MARKETO_CLIENT_ID", DEMO_CREDENTIALS.restClientId),
        restClientSecret: env("MARKETO_CLIENT_SECRET", DEMO_CREDENTIALS.restClientSecret),
      },
    },
  });
  logger.log("info", "emulator listening", { url: emulator.url });

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) {
      return;
    }
    stopping = true;
    emulator.close().then(
      () => {
        logger.log("info", "emulator stopped", { signal });
        process.exit(0);
      },
      (error: unknown) => {
        logger.log("error", "emulator failed to stop cleanly", { signal, error: String(error) });
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

main().catch((error: unknown) => {
  logger.log("error", "emulator failed to start", { error: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
