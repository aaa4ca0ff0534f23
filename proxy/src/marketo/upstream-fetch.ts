/** The part of an HTTP reply that the Marketo transports read. A fetch `Response` is one. */
export interface UpstreamReply {
  readonly status: number;
  /** The whole body decoded as UTF-8, as `Response.text()` decodes it. */
  text(): Promise<string>;
}

/**
 * A function that sends the proxy's requests to Marketo. `globalThis.fetch` is one, and the Node
 * entry passes a leaner one (`adapters/node-fetch.ts`). The URL is always a string.
 */
export type UpstreamFetch = (url: string, init: RequestInit) => Promise<UpstreamReply>;
