import type { Outcome } from './delivery/delivery';
import type { ErrorEventDetail, SubmitEventDetail, SuccessEventDetail } from './types';

export interface LeadsyncEventMap {
  'leadsync:submit': SubmitEventDetail;
  'leadsync:success': SuccessEventDetail;
  'leadsync:error': ErrorEventDetail;
}

/**
 * Dispatches a bubbling, composed event, so a listener on `document` hears it even from inside
 * a shadow root. A listener that throws does not reach the widget: browsers report it separately.
 */
export function emit<K extends keyof LeadsyncEventMap>(target: EventTarget, type: K, detail: LeadsyncEventMap[K]): void {
  target.dispatchEvent(new CustomEvent(type, { bubbles: true, composed: true, detail }));
}

/** Dispatches `leadsync:success` or `leadsync:error` for an outcome of the delivery queue. */
export function emitOutcome(target: EventTarget, formId: string, submissionId: string, outcome: Outcome): void {
  const { error, status, leadId } = outcome;
  if (error) emit(target, 'leadsync:error', { ...error, formId, submissionId, queued: error.retryable });
  else emit(target, 'leadsync:success', { formId, submissionId, status: status ?? 'created', leadId });
}

declare global {
  interface HTMLElementEventMap {
    'leadsync:submit': CustomEvent<SubmitEventDetail>;
    'leadsync:success': CustomEvent<SuccessEventDetail>;
    'leadsync:error': CustomEvent<ErrorEventDetail>;
  }
  interface DocumentEventMap {
    'leadsync:submit': CustomEvent<SubmitEventDetail>;
    'leadsync:success': CustomEvent<SuccessEventDetail>;
    'leadsync:error': CustomEvent<ErrorEventDetail>;
  }
}
