/** A fake upstream `fetch` for tests: it records every request and replies from a queue. */

export interface RecordedRequest {
  url: string;
  method: string;
  headers: Headers;
  body: string;
}

export interface FakeReply {
  status: number;
  body: string;
  contentType?: string;
}

export interface FakeUpstream {
  fetch: typeof fetch;
  requests: RecordedRequest[];
  /** Number of requests received. */
  readonly calls: number;
}

/**
 * Creates a fake fetch that replies to the n-th request with `replies[n]`, repeating the last
 * reply when the queue runs out. A reply may be a function of the recorded request.
 */
export function fakeUpstream(...replies: Array<FakeReply | ((request: RecordedRequest) => FakeReply)>): FakeUpstream {
  const requests: RecordedRequest[] = [];

  const fakeFetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const recorded: RecordedRequest = {
      url: request.url,
      method: request.method,
      headers: request.headers,
      body: await request.text(),
    };
    requests.push(recorded);

    const next = replies[Math.min(requests.length - 1, replies.length - 1)];
    if (next === undefined) throw new Error('fakeUpstream has no reply configured.');
    const reply = typeof next === 'function' ? next(recorded) : next;

    return new Response(reply.body, {
      status: reply.status,
      headers: { 'Content-Type': reply.contentType ?? 'text/xml; charset=UTF-8' },
    });
  };

  return {
    fetch: fakeFetch as typeof fetch,
    requests,
    get calls() {
      return requests.length;
    },
  };
}
