import type { ProxyConfig } from '../config.js';
import { ConfigError } from '../errors.js';
import type { Logger } from '../log.js';
import { createSoapTransport } from './soap/soap-transport.js';
import type { LeadTransport } from './transport.js';

export interface TransportDependencies {
  /** Default `globalThis.fetch`. */
  fetch?: typeof fetch | undefined;
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
        log: dependencies.log,
      });
    case 'rest':
      throw new ConfigError(
        'MARKETO_API',
        'MARKETO_API=rest is not available yet: this build has only the SOAP transport. Set MARKETO_API=soap with MARKETO_SOAP_ENDPOINT, MARKETO_USER_ID and MARKETO_ENCRYPTION_KEY.',
      );
  }
}
