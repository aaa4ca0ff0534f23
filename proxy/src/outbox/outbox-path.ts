import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The Node outbox database when LEADSYNC_OUTBOX_PATH is unset: `proxy/.data/outbox.sqlite`,
 * which git ignores. Production sets LEADSYNC_OUTBOX_PATH to a path on a persistent volume.
 */
export const DEFAULT_OUTBOX_PATH = resolve(dirname(fileURLToPath(import.meta.url)), '../../.data/outbox.sqlite');
