export { CALL_LIMITER_DEFAULTS, CallLimiter, type CallLimiterOptions, type ReleaseSlot } from './call-limiter.js';
export { createDeliver, DEFAULT_DELIVERY_BUDGET_MS, type Deliver, type DeliverOptions, type DeliveryContext, type DeliveryResult } from './deliver.js';
export { fingerprintSubmission, IDEMPOTENCY_TTL_MS, IdempotencyGuard, type IdempotencyOptions, type IdempotencyResult, type IdempotentResponse } from './idempotency.js';
export { KeyedLock } from './keyed-lock.js';
export { limitFetch, type LimitFetchOptions } from './limit-fetch.js';
export { retryAfterSeconds, secondsUntilQuotaReset } from './retry-after.js';
export { createRetryPolicy, RETRY_DEFAULTS, type RetryDecision, type RetryPolicy, type RetryPolicyOptions, type RetryReason } from './retry-policy.js';
export { SingleFlight } from './single-flight.js';
