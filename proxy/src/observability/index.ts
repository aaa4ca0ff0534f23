export { childLogger, createStructuredLogger, maskEmailAddresses, type StructuredLogger, type StructuredLoggerOptions } from './logger.js';
export { Counter, Gauge, Histogram, MetricsRegistry, PROMETHEUS_CONTENT_TYPE, type Labels } from './metrics.js';
export { createProxyMetrics, type ProxyMetrics, type SubmissionOutcome, type UpstreamLoad } from './proxy-metrics.js';
