import type { ProxyConfig } from '../config.js';
import type { Logger } from '../log.js';
import { createRestTransport } from './rest/rest-transport.js';
import { createSoapTransport } from './soap/soap-transport.js';
import type { LeadTransport } from './transport.js';
import type { UpstreamFetch } from './upstream-fetch.js';

export interface TransportDependencies {
  /** Default `globalThis.fetch`. */
  fetch?: UpstreamFetch | undefined;
  /** Default `() => new Date()`. */
  now?: (() => Date) | undefined;
  log?: Logger | undefined;
}

/** Creates the transport selected by `MARKETO_API`. */
export function createTransport(config: ProxyConfig, dependencies: TransportDependencies = {}): LeadTransport {
  switch (config.marketo.api) {
    case 'soap':
      return createSoapTransport({
        ...config.marketo.soap,
        timeoutMs: config.timeoutMs,
        fetch: dependencies.fetch,
        now: dependencies.now,
      });
    case 'rest':
      return createRestTransport({
        ...config.marketo.rest,
        timeoutMs: config.timeoutMs,
        fetch: dependencies.fetch,
        now: dependencies.now,
        log: dependencies.log,
      });
  }
}
