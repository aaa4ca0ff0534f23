/** Starts the Marketo emulator on a free loopback port, without logging each call. */
import { silentLogger, startEmulator } from '../../../emulator/src/index.ts';
import { announceReady } from './ready.ts';

const emulator = await startEmulator({ port: 0, logger: silentLogger });
announceReady(emulator.url);

process.once('SIGTERM', () => {
  void emulator.close().then(() => process.exit(0));
});
