import { DOMParser, type Element } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';

import { DeliveryTimeoutError, MarketoError } from '../../errors.js';
import { fakeUpstream, type RecordedRequest } from '../../testing/fake-upstream.js';
import { faultReply, successReply } from '../../testing/soap-replies.js';
import type { LeadSync } from '../transport.js';
import { signRequest } from './sign-request.js';
import { createSoapTransport, type SoapTransportOptions } from './soap-transport.js';

const ENDPOINT = 'http://127.0.0.1:1/soap/mktows/2_9';
const USER_ID = 'leadsync_demo_1A2B3C4D5E6F';
const KEY = 'demo-encryption-key';
const LEAD: LeadSync = { email: 'ana@example.test', attributes: [{ name: 'FirstName', value: 'Ana' }] };

function transport(options: Partial<SoapTransportOptions>) {
  return createSoapTransport({ endpoint: ENDPOINT, userId: USER_ID, encryptionKey: KEY, ...options });
}

/** Returns a clock that starts at 2026-01-15T18:00:00Z and moves `stepSeconds` forward per read. */
function steppingClock(stepSeconds: number) {
  let reads = 0;
  return {
    now: () => new Date(Date.UTC(2026, 0, 15, 18, 0, 0) + reads++ * stepSeconds * 1000),
    get reads() {
      return reads;
    },
  };
}

function authHeader(request: RecordedRequest): { userId: string; signature: string; timestamp: string } {
  const document = new DOMParser().parseFromString(request.body, 'text/xml');
  const header = document.getElementsByTagNameNS('http://www.marketo.com/mktows/', 'AuthenticationHeader')[0] as Element;
  const text = (name: string) => header.getElementsByTagName(name)[0]?.textContent ?? '';
  return { userId: text('mktowsUserId'), signature: text('requestSignature'), timestamp: text('requestTimestamp') };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

describe('createSoapTransport request', () => {
  it('posts the envelope with the syncLead SOAPAction and XML content type', async () => {
    const upstream = fakeUpstream({ status: 200, body: successReply(11) });

    await transport({ fetch: upstream.fetch }).syncLead(LEAD);

    const [request] = upstream.requests;
    expect(request?.url).toBe(ENDPOINT);
    expect(request?.method).toBe('POST');
    expect(request?.headers.get('SOAPAction')).toBe('http://www.marketo.com/mktows/syncLead');
    expect(request?.headers.get('Content-Type')).toBe('text/xml; charset=UTF-8');
  });

  it('signs exactly the timestamp it sends', async () => {
    const upstream = fakeUpstream({ status: 200, body: successReply(11) });
    const clock = steppingClock(1);

    await transport({ fetch: upstream.fetch, now: clock.now }).syncLead(LEAD);

    const header = authHeader(upstream.requests[0]!);
    expect(header.userId).toBe(USER_ID);
    expect(header.timestamp).toBe('2026-01-15T18:00:00+00:00');
    expect(header.signature).toBe(await signRequest(USER_ID, KEY, header.timestamp));
    expect(clock.reads).toBe(1);
  });

  it('renders the configured timestamp offset', async () => {
    const upstream = fakeUpstream({ status: 200, body: successReply(11) });

    await transport({ fetch: upstream.fetch, now: steppingClock(0).now, timestampOffsetMinutes: -480 }).syncLead(LEAD);

    expect(authHeader(upstream.requests[0]!).timestamp).toBe('2026-01-15T10:00:00-08:00');
  });

  it('sends the workspace context header', async () => {
    const upstream = fakeUpstream({ status: 200, body: successReply(11) });

    await transport({ fetch: upstream.fetch, workspace: 'Default' }).syncLead(LEAD);

    expect(upstream.requests[0]?.body).toContain('<ns1:MktowsContextHeader><targetWorkspace>Default</targetWorkspace></ns1:MktowsContextHeader>');
  });

  it('returns the parsed outcome', async () => {
    const upstream = fakeUpstream({ status: 200, body: successReply(77, 'UPDATED') });
    expect(await transport({ fetch: upstream.fetch }).syncLead(LEAD)).toEqual({ leadId: 77, status: 'updated' });
  });
});

describe('createSoapTransport 20016 expired', () => {
  const expired = { status: 500, body: faultReply(20016, 'Request expired', 'Request has expired') };

  it('throws the expired fault without retrying', async () => {
    const upstream = fakeUpstream(expired, { status: 200, body: successReply(12) });

    const error = await rejection(transport({ fetch: upstream.fetch }).syncLead(LEAD));

    expect(error).toBeInstanceOf(MarketoError);
    expect((error as MarketoError).kind).toBe('expired');
    expect((error as MarketoError).faultCode).toBe(20016);
    expect(upstream.calls).toBe(1);
  });

  it('signs each call with a fresh timestamp', async () => {
    const upstream = fakeUpstream(expired, { status: 200, body: successReply(12) });
    const clock = steppingClock(5);
    const soap = transport({ fetch: upstream.fetch, now: clock.now });

    await rejection(soap.syncLead(LEAD));
    const outcome = await soap.syncLead(LEAD);

    expect(outcome).toEqual({ leadId: 12, status: 'created' });
    const [first, second] = upstream.requests.map(authHeader);
    expect(first?.timestamp).toBe('2026-01-15T18:00:00+00:00');
    expect(second?.timestamp).toBe('2026-01-15T18:00:05+00:00');
    expect(second?.signature).not.toBe(first?.signature);
    expect(second?.signature).toBe(await signRequest(USER_ID, KEY, second!.timestamp));
  });

  it('throws other faults after one call', async () => {
    const upstream = fakeUpstream({ status: 500, body: faultReply(20014, 'Authentication failed', 'Authentication failed') });

    const error = await rejection(transport({ fetch: upstream.fetch }).syncLead(LEAD));

    expect((error as MarketoError).kind).toBe('auth');
    expect(upstream.calls).toBe(1);
  });
});

/** A fetch that never responds and, like the real one, rejects with the signal's reason on abort. */
const hangingFetch = ((_input: RequestInfo | URL, init?: RequestInit) =>
  new Promise<Response>((_resolve, reject) => {
    const signal = init?.signal;
    if (signal?.aborted) reject(signal.reason);
    signal?.addEventListener('abort', () => reject(signal.reason));
  })) as typeof fetch;

describe('createSoapTransport network failures', () => {
  it('times out a silent upstream', async () => {

    const error = await rejection(transport({ fetch: hangingFetch, timeoutMs: 30 }).syncLead(LEAD));

    expect(error).toBeInstanceOf(MarketoError);
    expect((error as MarketoError).kind).toBe('timeout');
    expect((error as MarketoError).code).toBe('upstream_timeout');
    expect((error as MarketoError).retryable).toBe(true);
  });

  it('reports a refused connection as upstream_unavailable', async () => {
    const failingFetch = (async () => {
      throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:1') });
    }) as typeof fetch;

    const error = await rejection(transport({ fetch: failingFetch }).syncLead(LEAD));

    expect((error as MarketoError).code).toBe('upstream_unavailable');
    expect((error as MarketoError).retryable).toBe(true);
    expect((error as MarketoError).message).toContain('ECONNREFUSED');
  });

  it('passes a classified error from fetch through', async () => {
    const busy = new DeliveryTimeoutError('No Marketo call slot became free within 5 ms.', 1);
    const busyFetch = (async () => {
      throw busy;
    }) as typeof fetch;

    expect(await rejection(transport({ fetch: busyFetch }).syncLead(LEAD))).toBe(busy);
  });

  it('passes the caller abort reason through', async () => {
    const controller = new AbortController();
    const reason = new Error('visitor left');

    const pending = transport({ fetch: hangingFetch, timeoutMs: 5000 }).syncLead(LEAD, { signal: controller.signal });
    controller.abort(reason);

    expect(await rejection(pending)).toBe(reason);
  });
});
