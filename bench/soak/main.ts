/**
 * `pnpm bench:soak [--submissions 1000] [--clients 20] [--fault-rate 0.2] [--seed 1]`: runs the
 * soak test at full size and prints its figures as JSON. Exits 1 when a submission was lost or
 * duplicated, a cookie is missing, or the outbox did not empty.
 */
import { parseArgs } from 'node:util';

import { runSoak, type SoakReport } from './run-soak.js';

const { values } = parseArgs({
  options: {
    submissions: { type: 'string', default: '1000' },
    clients: { type: 'string', default: '20' },
    'fault-rate': { type: 'string', default: '0.2' },
    seed: { type: 'string', default: '1' },
  },
});

const options = {
  submissions: readNumber('submissions', values.submissions, { min: 1, integer: true }),
  clients: readNumber('clients', values.clients, { min: 1, integer: true }),
  faultRate: readNumber('fault-rate', values['fault-rate'], { min: 0, max: 1 }),
  seed: readNumber('seed', values.seed, { min: 0, integer: true }),
};

const report = await runSoak({ ...options, progress: (line) => console.error(`[soak] ${line}`) });
console.log(JSON.stringify(report, null, 2));
process.exitCode = failed(report) ? 1 : 0;

function failed(result: SoakReport): boolean {
  return result.lost + result.duplicated + result.cookieMissing + result.outboxPending + result.outboxDead > 0;
}

function readNumber(name: string, text: string | undefined, rule: { min: number; max?: number; integer?: boolean }): number {
  const value = Number(text);
  const valid = Number.isFinite(value) && value >= rule.min && (rule.max === undefined || value <= rule.max) && (!rule.integer || Number.isInteger(value));
  if (valid) return value;

  const range = rule.max === undefined ? `at least ${rule.min}` : `from ${rule.min} to ${rule.max}`;
  console.error(`--${name} must be ${rule.integer ? 'an integer' : 'a number'} ${range}, got ${JSON.stringify(text)}.`);
  process.exit(2);
}
