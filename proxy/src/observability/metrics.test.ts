import { describe, expect, it } from 'vitest';

import { MetricsRegistry } from './metrics.js';
import { createProxyMetrics } from './proxy-metrics.js';

describe('MetricsRegistry render', () => {
  it('renders counters with labels in the text format', () => {
    const registry = new MetricsRegistry();
    const counter = registry.counter('leadsync_test_total', 'Test things.', ['outcome']);

    counter.inc({ outcome: 'created' });
    counter.inc({ outcome: 'created' }, 2);
    counter.inc({ outcome: 'bot' });

    expect(registry.render()).toBe(
      [
        '# HELP leadsync_test_total Test things.',
        '# TYPE leadsync_test_total counter',
        'leadsync_test_total{outcome="created"} 3',
        'leadsync_test_total{outcome="bot"} 1',
        '',
      ].join('\n'),
    );
  });

  it('escapes label values', () => {
    const registry = new MetricsRegistry();
    registry.counter('odd_total', 'Odd.', ['value']).inc({ value: 'a"b\\c\nd' });

    expect(registry.render()).toContain('odd_total{value="a\\"b\\\\c\\nd"} 1');
  });

  it('renders cumulative histogram buckets, sum and count', () => {
    const registry = new MetricsRegistry();
    const histogram = registry.histogram('latency_seconds', 'Latency.', ['status_class'], [0.1, 1]);

    histogram.observe(0.05, { status_class: '2xx' });
    histogram.observe(0.5, { status_class: '2xx' });
    histogram.observe(3, { status_class: '2xx' });

    const lines = registry.render().split('\n');
    expect(lines).toContain('latency_seconds_bucket{status_class="2xx",le="0.1"} 1');
    expect(lines).toContain('latency_seconds_bucket{status_class="2xx",le="1"} 2');
    expect(lines).toContain('latency_seconds_bucket{status_class="2xx",le="+Inf"} 3');
    expect(lines).toContain('latency_seconds_sum{status_class="2xx"} 3.55');
    expect(lines).toContain('latency_seconds_count{status_class="2xx"} 3');
  });

  it('reads gauges when rendering', () => {
    const registry = new MetricsRegistry();
    let depth = 1;
    registry.gauge('queue_depth', 'Depth.', () => depth);
    depth = 4;

    expect(registry.render()).toContain('queue_depth 4');
  });

  it('rejects a duplicate or invalid metric name', () => {
    const registry = new MetricsRegistry();
    registry.counter('a_total', 'A.');

    expect(() => registry.counter('a_total', 'A again.')).toThrow(/already registered/);
    expect(() => registry.counter('a-total', 'Dash.')).toThrow(/Invalid metric name/);
    expect(() => registry.counter('b_total', 'Bad label.', ['le'])).toThrow(/invalid label name/);
  });

  it('rejects a decreasing counter', () => {
    const counter = new MetricsRegistry().counter('c_total', 'C.');
    expect(() => counter.inc({}, -1)).toThrow(/cannot decrease/);
  });
});

describe('createProxyMetrics', () => {
  it('registers the proxy metrics and limiter gauges', () => {
    const metrics = createProxyMetrics(() => ({ queued: 3, inFlight: 7 }));
    const text = metrics.registry.render();

    for (const name of [
      'leadsync_submissions_total',
      'leadsync_upstream_request_duration_seconds',
      'leadsync_upstream_retries_total',
      'leadsync_rate_limited_total',
      'leadsync_bot_submissions_total',
    ]) {
      expect(text).toContain(`# TYPE ${name}`);
    }
    expect(text).toContain('leadsync_upstream_queue_depth 3');
    expect(text).toContain('leadsync_upstream_in_flight 7');
    expect(text).toContain('leadsync_upstream_quota_paused_until_seconds 0');
  });

  it('reports the quota pause in whole seconds', () => {
    const metrics = createProxyMetrics(
      () => ({ queued: 0, inFlight: 0 }),
      () => Date.UTC(2026, 0, 16, 6, 0, 0, 1),
    );

    expect(metrics.registry.render()).toContain(`leadsync_upstream_quota_paused_until_seconds ${Date.UTC(2026, 0, 16, 6, 0, 1) / 1000}`);
  });
});
