/**
 * Starts the Leadsync proxy through its Node entry, configured by the environment the runner
 * passes (emulator endpoint, raised call limits, no rate limits).
 */
import { startProxy } from '../../../proxy/src/adapters/node.ts';
import { announceReady } from './ready.ts';

const proxy = await startProxy({ port: 0 });
announceReady(proxy.url);

process.once('SIGTERM', () => {
  void proxy.close().then(() => process.exit(0));
});
