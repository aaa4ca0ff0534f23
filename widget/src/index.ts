/*
 * Entry of leadsync.mjs, the build for bundlers. Unlike leadsync.js it changes nothing on import:
 * call createLeadsync(), then mount(), capture() or watch().
 */
export { createLeadsync, CAPTURE_ATTRIBUTE, FORM_ATTRIBUTE } from './leadsync';
export type { LeadsyncEventMap } from './events';
export type { LeadsyncGlobal, QueuedCall } from './global';
export type * from './types';
